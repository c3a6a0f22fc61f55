#pragma once
// Throughput and latency figures of a history (simulated or recorded): what a delivery setting
// costs. send→ack per producing process; send→visible per reading group (the first delivery of a
// value to the group, from the value's own send); end to end per group (from the send of the
// value a pipeline's output derives from, following `source` back to the first producer).
// Reads only operations, like the rest of the checker.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/u64_map.hpp"
#include "history/operation.hpp"

namespace eosim::check {

struct LatencySummary {
    std::uint64_t samples = 0;
    std::int64_t p50_us = 0;
    std::int64_t p99_us = 0;
    std::int64_t p999_us = 0;
    std::int64_t max_us = 0;
};

struct FlowFigures {
    std::string name;  // the producing process, or the reading group
    bool processor = false;  // groups: a consume-transform-produce processor's input group
    std::uint64_t values = 0;
    double values_per_s = 0;  // values over the span from the history's first send to the last one here
    LatencySummary latency;   // send→ack, or send→visible
    // producers only: send→committed, the send's completion: its ack, or for a transactional
    // value (one whose completion carries `acked_us`) its transaction's commit.
    LatencySummary committed;
    LatencySummary end_to_end;  // groups only: from the first producer's send of the root value
};

struct Figures {
    std::int64_t first_send_us = -1;
    std::int64_t last_us = -1;  // the last operation of the history
    FlowFigures acknowledged;   // every producing process together
    std::vector<FlowFigures> producers;  // by process name
    std::vector<FlowFigures> groups;     // by group name
};

// Nearest-rank percentile (per mille) of sorted samples; 0 for none.
std::int64_t percentile_us(const std::vector<std::int64_t>& sorted, std::uint32_t per_mille);
LatencySummary summarise(std::vector<std::int64_t> samples);

class FiguresCollector final : public history::HistorySink {
public:
    explicit FiguresCollector(const history::Names& names) : names_(names) {}
    void observe(const history::Operation& op) override;
    Figures finish() const;

private:
    struct Flow {
        std::vector<std::int64_t> latencies_us;
        std::vector<std::int64_t> committed_us;
        std::vector<std::int64_t> end_to_end_us;
        std::int64_t last_us = -1;
    };
    void observe_send(const history::Operation& op);
    void observe_poll(const history::Operation& op);
    std::int64_t root_send_us(std::uint64_t value) const;
    FlowFigures figures_of(const std::string& name, const Flow& flow) const;

    const history::Names& names_;
    base::U64Map<std::int64_t> send_invoked_us_;  // value -> first invoke
    base::U64Map<std::uint64_t> source_of_;       // derived value -> input
    base::U64Set acknowledged_;
    // Only looked up, never iterated: the report walks the std::maps below.
    std::unordered_map<std::uint32_t, base::U64Set> seen_by_group_;
    std::map<std::uint32_t, Flow> producers_;  // by process id
    std::map<std::uint32_t, Flow> groups_;     // by group id
    std::set<std::uint32_t> processor_groups_;  // groups whose assign says `processor`
    Flow all_acks_;
    std::int64_t first_send_us_ = -1;
    std::int64_t last_us_ = -1;
};

}  // namespace eosim::check
