#pragma once
// Counting trace records that match a pattern, so a scenario can assert that a named event (a
// response with a given error, a state change) happened, or never did. Counting only observes:
// the trace hash does not change.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/trace.hpp"

namespace eosim::sim {

// One field the record must carry: some field called `name` whose value, written as text
// (integers in decimal), equals `value`. A record that repeats a field (one per partition)
// matches when any occurrence does.
struct TraceFieldPattern {
    std::string name;
    std::string value;
};

struct TracePattern {
    std::string type;                 // the record's type name, e.g. "ProduceResponse"; empty: any
    std::optional<TraceKind> kind;    // none: any kind
    std::string node;                 // the record's subject (receiver of a delivery); empty: any
    std::string peer;                 // the sender of a delivery or drop; empty: any
    std::vector<TraceFieldPattern> fields;

    bool matches(TraceKind record_kind, std::string_view subject, std::string_view record_peer,
                 const Describable& what) const;
    // "deliver task-0 <- broker-1 ProduceResponse error=INVALID_PRODUCER_EPOCH", "*" for any.
    std::string text() const;
};

// Sees every trace record after it is hashed.
class TraceObserver {
public:
    virtual ~TraceObserver() = default;
    virtual void observe(TimeUs time_us, TraceKind kind, std::string_view subject, std::string_view peer,
                         const Describable& what) = 0;
    // A message handed to the network (before its delivery or drop, which observe() sees with
    // the same `what`). Sends are not trace records: they are neither hashed nor counted.
    virtual void observe_send(TimeUs time_us, std::string_view from, std::string_view to, const Describable& what) {
        (void)time_us;
        (void)from;
        (void)to;
        (void)what;
    }
};

// Counts, per pattern, the records that match it.
class TraceCounter final : public TraceObserver {
public:
    explicit TraceCounter(std::vector<TracePattern> patterns)
        : patterns_(std::move(patterns)), counts_(patterns_.size(), 0) {}
    void observe(TimeUs time_us, TraceKind kind, std::string_view subject, std::string_view peer,
                 const Describable& what) override;
    const std::vector<std::uint64_t>& counts() const { return counts_; }

private:
    std::vector<TracePattern> patterns_;
    std::vector<std::uint64_t> counts_;
};

std::optional<TraceKind> trace_kind_from_name(std::string_view name);

}  // namespace eosim::sim
