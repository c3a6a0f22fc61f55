#include <fmt/format.h>

#include "base/assert.hpp"
#include "report/trace_export.hpp"

namespace eosim::report {
namespace {

class FieldCollector final : public sim::FieldWriter {
public:
    explicit FieldCollector(std::vector<TraceField>& fields) : fields_(fields) {}
    void field(std::string_view name, std::int64_t value) override {
        fields_.push_back(TraceField{std::string(name), fmt::format("{}", value), value, true});
    }
    void field(std::string_view name, std::string_view value) override {
        fields_.push_back(TraceField{std::string(name), std::string(value), 0, false});
    }

private:
    std::vector<TraceField>& fields_;
};

TraceEventKind event_kind(sim::TraceKind kind) {
    switch (kind) {
        case sim::TraceKind::deliver: return TraceEventKind::deliver;
        case sim::TraceKind::drop: return TraceEventKind::drop;
        case sim::TraceKind::state: return TraceEventKind::state;
        case sim::TraceKind::fault: return TraceEventKind::fault;
        case sim::TraceKind::node: return TraceEventKind::node;
    }
    EOSIM_UNREACHABLE("unknown trace kind");
}

bool is_message(sim::TraceKind kind) { return kind == sim::TraceKind::deliver || kind == sim::TraceKind::drop; }

}  // namespace

std::string_view trace_event_kind_name(TraceEventKind kind) {
    switch (kind) {
        case TraceEventKind::send: return "send";
        case TraceEventKind::deliver: return "deliver";
        case TraceEventKind::drop: return "drop";
        case TraceEventKind::state: return "state";
        case TraceEventKind::fault: return "fault";
        case TraceEventKind::node: return "node";
    }
    return "?";
}

bool TraceFilter::keeps(const TraceEvent& event) const {
    if (event.time_us < from_us || event.time_us > to_us) return false;
    if (!nodes.empty() && nodes.count(event.node) == 0 && nodes.count(event.peer) == 0) return false;
    for (const std::string& prefix : hidden) {
        if (event.type.compare(0, prefix.size(), prefix) == 0) return false;
    }
    return true;
}

void TraceCollector::keep(TraceEvent event) {
    ++events_seen_;
    nodes_seen_.insert(event.node);
    if (!event.peer.empty()) nodes_seen_.insert(event.peer);
    if (!filter_.keeps(event)) return;
    events_.push_back(std::move(event));
}

void TraceCollector::observe_send(sim::TimeUs time_us, std::string_view from, std::string_view to,
                                  const sim::Describable& what) {
    const Sent sent{++messages_, time_us};
    in_flight_[&what] = sent;  // a payload freed without a record (a crash) may be reused: overwritten
    TraceEvent event{time_us, TraceEventKind::send, std::string(from), std::string(to),
                     std::string(what.type_name()), {}, sent.message, time_us};
    FieldCollector fields(event.fields);
    if (filter_.keeps(event)) what.describe(fields);
    keep(std::move(event));
}

void TraceCollector::observe(sim::TimeUs time_us, sim::TraceKind kind, std::string_view subject,
                             std::string_view peer, const sim::Describable& what) {
    TraceEvent event{time_us, event_kind(kind), std::string(subject), std::string(peer),
                     std::string(what.type_name()), {}, 0, 0};
    if (is_message(kind)) {
        const auto sent = in_flight_.find(&what);
        EOSIM_ASSERT(sent != in_flight_.end());  // every delivery or drop was sent first
        event.message = sent->second.message;
        event.sent_us = sent->second.time_us;
        in_flight_.erase(sent);
    }
    FieldCollector fields(event.fields);
    if (filter_.keeps(event)) what.describe(fields);
    keep(std::move(event));
}

}  // namespace eosim::report
