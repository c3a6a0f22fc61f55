#pragma once
// `eosim trace`: a run's trace records and message sends, collected as plain values (filtered by
// a time window, nodes and hidden types), written as text, JSON Lines, Chrome/Perfetto trace
// JSON or a Mermaid sequence diagram.
#include <cstdint>
#include <limits>
#include <ostream>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "sim/trace.hpp"
#include "sim/trace_match.hpp"

namespace eosim::report {

struct TraceField {
    std::string name;
    std::string text;  // the value as the text trace writes it
    std::int64_t number = 0;
    bool is_number = false;
};

enum class TraceEventKind : std::uint8_t { send, deliver, drop, state, fault, node };
std::string_view trace_event_kind_name(TraceEventKind kind);

struct TraceEvent {
    sim::TimeUs time_us = 0;
    TraceEventKind kind = TraceEventKind::state;
    std::string node;  // a send's sender, a delivery's or drop's receiver, else the node concerned
    std::string peer;  // a send's receiver, a delivery's or drop's sender (or a record's peer)
    std::string type;  // "ProduceRequest", "producer.epoch_bump", "fault.start", ...
    std::vector<TraceField> fields;
    // send, deliver, drop: the message, numbered 1, 2, ... in send order over the whole run
    // (whatever the filter keeps), so a delivery names its send. 0: not a message.
    std::uint64_t message = 0;
    sim::TimeUs sent_us = 0;  // deliver, drop: when the message was sent
};

struct TraceFilter {
    sim::TimeUs from_us = 0;
    sim::TimeUs to_us = std::numeric_limits<sim::TimeUs>::max();
    std::set<std::string> nodes;      // empty: all; else an event with its node or peer among them
    std::vector<std::string> hidden;  // type-name prefixes left out ("BrokerHeartbeat")

    bool keeps(const TraceEvent& event) const;
};

// Observes a run; keeps the events the filter keeps, and every node name seen.
class TraceCollector final : public sim::TraceObserver {
public:
    explicit TraceCollector(TraceFilter filter) : filter_(std::move(filter)) {}
    void observe(sim::TimeUs time_us, sim::TraceKind kind, std::string_view subject, std::string_view peer,
                 const sim::Describable& what) override;
    void observe_send(sim::TimeUs time_us, std::string_view from, std::string_view to,
                      const sim::Describable& what) override;

    const std::vector<TraceEvent>& events() const { return events_; }
    const std::set<std::string>& nodes_seen() const { return nodes_seen_; }
    std::uint64_t events_seen() const { return events_seen_; }

private:
    struct Sent {
        std::uint64_t message = 0;
        sim::TimeUs time_us = 0;
    };
    void keep(TraceEvent event);

    TraceFilter filter_;
    std::vector<TraceEvent> events_;
    std::set<std::string> nodes_seen_;
    // The payload of a message in flight -> its number; looked up, never iterated, so the
    // addresses do not reach the output.
    std::unordered_map<const void*, Sent> in_flight_;
    std::uint64_t messages_ = 0;
    std::uint64_t events_seen_ = 0;
};

struct TraceHeader {
    std::string scenario;
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
};

// One line per event, as `eosim run --trace` writes records, plus "send" lines.
void write_trace_text(std::ostream& out, const std::vector<TraceEvent>& events);
// One JSON object per line: time_us, kind, node, peer, type, fields ([name, value] pairs, in order;
// a name repeats once per partition), message and sent_us for messages.
void write_trace_jsonl(std::ostream& out, const std::vector<TraceEvent>& events);
// Chrome trace event JSON (opens in ui.perfetto.dev): a process per node, sends and receives as
// 1 µs slices joined by flows, state changes as instants, faults as async slices.
void write_trace_perfetto(std::ostream& out, const std::vector<TraceEvent>& events, const TraceHeader& header);
// A Mermaid sequence diagram: an arrow per delivered or dropped message, a note per state change
// and fault. Text is cleaned of what Mermaid's parser reads as syntax.
void write_trace_mermaid(std::ostream& out, const std::vector<TraceEvent>& events, const TraceHeader& header);
// Mermaid message or note text: ';' '#' '<' '>' replaced, a bare word "end" capitalised, capped.
std::string mermaid_text(const std::string& text);

}  // namespace eosim::report
