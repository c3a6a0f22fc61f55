#include "check/figures.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::check {

std::int64_t percentile_us(const std::vector<std::int64_t>& sorted, std::uint32_t per_mille) {
    EOSIM_ASSERT(per_mille >= 1 && per_mille <= 1000);
    if (sorted.empty()) return 0;
    // Nearest rank: the smallest sample with at least per_mille/1000 of the samples at or below it.
    const std::uint64_t rank = (sorted.size() * per_mille + 999) / 1000;
    return sorted[static_cast<std::size_t>(std::max<std::uint64_t>(rank, 1) - 1)];
}

LatencySummary summarise(std::vector<std::int64_t> samples) {
    std::sort(samples.begin(), samples.end());
    LatencySummary s;
    s.samples = samples.size();
    if (samples.empty()) return s;
    s.p50_us = percentile_us(samples, 500);
    s.p99_us = percentile_us(samples, 990);
    s.p999_us = percentile_us(samples, 999);
    s.max_us = samples.back();
    return s;
}

void FiguresCollector::observe(const history::Operation& op) {
    last_us_ = std::max(last_us_, op.time_us);
    if (op.f == history::OpFunction::send) observe_send(op);
    if (op.f == history::OpFunction::poll && op.type == history::OpType::ok) observe_poll(op);
    if (op.f == history::OpFunction::assign && op.processor) processor_groups_.insert(op.group);
}

void FiguresCollector::observe_send(const history::Operation& op) {
    if (op.type == history::OpType::invoke) {
        if (first_send_us_ < 0) first_send_us_ = op.time_us;
        for (const history::Element& e : op.elements) {
            send_invoked_us_.try_emplace(e.value, op.time_us);
            if (e.source != history::kNoSource) source_of_.try_emplace(e.value, e.source);
        }
        return;
    }
    if (op.type != history::OpType::ok) return;
    Flow& flow = producers_[op.process];
    for (const history::Element& e : op.elements) {
        const auto sent = send_invoked_us_.find(e.value);
        if (sent == send_invoked_us_.end() || !acknowledged_.insert(e.value).second) continue;
        const std::int64_t acked_us = op.acked_us == history::kNoTime ? op.time_us : op.acked_us;
        const std::int64_t latency_us = acked_us - sent->second;
        const std::int64_t committed_us = op.time_us - sent->second;
        EOSIM_ASSERT(latency_us >= 0 && latency_us <= committed_us);  // well-formed histories only
        flow.latencies_us.push_back(latency_us);
        flow.committed_us.push_back(committed_us);
        all_acks_.latencies_us.push_back(latency_us);
        all_acks_.committed_us.push_back(committed_us);
    }
    flow.last_us = std::max(flow.last_us, op.time_us);
    all_acks_.last_us = std::max(all_acks_.last_us, op.time_us);
}

void FiguresCollector::observe_poll(const history::Operation& op) {
    if (op.group == history::kNoGroup) return;
    base::U64Set& seen = seen_by_group_[op.group];
    Flow& flow = groups_[op.group];
    for (const history::Element& e : op.elements) {
        if (!seen.insert(e.value).second) continue;  // a duplicate is not a new value made visible
        const auto sent = send_invoked_us_.find(e.value);
        if (sent == send_invoked_us_.end()) continue;  // never sent: the checker reports it
        flow.latencies_us.push_back(op.time_us - sent->second);
        flow.end_to_end_us.push_back(op.time_us - root_send_us(e.value));
        flow.last_us = std::max(flow.last_us, op.time_us);
    }
}

// The send time of the value a derived value comes from, through every processor on the way.
std::int64_t FiguresCollector::root_send_us(std::uint64_t value) const {
    std::int64_t sent_us = send_invoked_us_.at(value);
    for (std::size_t hops = 0; hops < 64; ++hops) {  // a cycle in a recorded history ends here
        const auto source = source_of_.find(value);
        if (source == source_of_.end()) break;
        const auto sent = send_invoked_us_.find(source->second);
        if (sent == send_invoked_us_.end()) break;
        value = source->second;
        sent_us = sent->second;
    }
    return sent_us;
}

FlowFigures FiguresCollector::figures_of(const std::string& name, const Flow& flow) const {
    FlowFigures f;
    f.name = name;
    f.values = flow.latencies_us.size();
    const std::int64_t span_us = flow.last_us - first_send_us_;
    if (span_us > 0) f.values_per_s = static_cast<double>(f.values) * 1e6 / static_cast<double>(span_us);
    f.latency = summarise(flow.latencies_us);
    f.committed = summarise(flow.committed_us);
    f.end_to_end = summarise(flow.end_to_end_us);
    return f;
}

Figures FiguresCollector::finish() const {
    Figures out;
    out.first_send_us = first_send_us_;
    out.last_us = last_us_;
    out.acknowledged = figures_of("all producers", all_acks_);
    for (const auto& [process, flow] : producers_) out.producers.push_back(figures_of(names_.process_name(process), flow));
    for (const auto& [group, flow] : groups_) {
        out.groups.push_back(figures_of(names_.group_name(group), flow));
        out.groups.back().processor = processor_groups_.count(group) > 0;
    }
    const auto by_name = [](const FlowFigures& a, const FlowFigures& b) { return a.name < b.name; };
    std::sort(out.producers.begin(), out.producers.end(), by_name);
    std::sort(out.groups.begin(), out.groups.end(), by_name);
    return out;
}

}  // namespace eosim::check
