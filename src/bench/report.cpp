// The bench's report: a table for people, JSON for results/bench.json and the shape test.
#include <fmt/format.h>
#include <fmt/ostream.h>

#include "bench/bench.hpp"

namespace eosim::bench {
namespace {

constexpr const char* kPeerNote = "built without librdkafka (librdkafka-dev): no peer measured";
constexpr const char* kMachineNote =
    "wall-clock figures of this machine as loaded when it ran; compare runs of one machine only";

// eosim's plain-workload rate as a fraction of the peer's.
double plain_to_peer(const BenchResult& result) {
    const double plain = result.workloads.empty() ? 0 : result.workloads.front().values_per_s;
    return plain / result.peer->values_per_s;
}

}  // namespace

nlohmann::ordered_json to_json(const BenchResult& result) {
    nlohmann::ordered_json j;
    j["quick"] = result.quick;
    j["note"] = kMachineNote;
    j["bare_events_per_s"] = result.bare_events_per_s;
    j["protocol_events_per_s"] = result.protocol_events_per_s;
    j["ratio"] = result.ratio;
    j["workloads"] = nlohmann::ordered_json::array();
    for (const WorkloadResult& w : result.workloads) {
        j["workloads"].push_back({{"name", w.name},
                                  {"values", w.values},
                                  {"events", w.events},
                                  {"seconds", w.seconds},
                                  {"values_per_s", w.values_per_s},
                                  {"bytes_per_value", w.bytes_per_value},
                                  {"checks_hold", w.checks_hold}});
    }
    j["scaling"] = nlohmann::ordered_json::array();
    for (const ScalingRow& row : result.scaling) {
        nlohmann::ordered_json r{{"values", row.values}, {"seconds", row.seconds}, {"time_ratio", row.time_ratio}};
        if (row.skipped) r = {{"values", row.values}, {"skipped", row.reason}};
        j["scaling"].push_back(r);
    }
    j["sweep"] = {{"scenario", result.sweep_scenario},
                  {"seeds", result.sweep_seeds},
                  {"jobs1_seeds_per_s", result.jobs1_seeds_per_s},
                  {"jobs2_seeds_per_s", result.jobs2_seeds_per_s},
                  {"speedup", result.jobs2_seeds_per_s / result.jobs1_seeds_per_s}};
    if (result.peer) {
        j["peer"] = {{"name", result.peer->name},
                     {"values", result.peer->values},
                     {"seconds", result.peer->seconds},
                     {"values_per_s", result.peer->values_per_s}};
        j["plain_to_peer"] = plain_to_peer(result);
    } else {
        j["peer_note"] = kPeerNote;
    }
    return j;
}

void write_table(std::ostream& out, const BenchResult& result) {
    if (result.quick) fmt::print(out, "quick run: tiny sizes, the figures say nothing about speed\n");
    fmt::print(out, "bare event queue     {:14.0f} events/s (1,000 pending)\n", result.bare_events_per_s);
    fmt::print(out, "protocol (plain)     {:14.0f} events/s, {:.3f} of the bare rate\n\n",
               result.protocol_events_per_s, result.ratio);
    fmt::print(out, "{:<36} {:>10} {:>12} {:>9} {:>14} {}\n", "workload", "values", "values/s", "seconds",
               "bytes/value", "checks");
    for (const WorkloadResult& w : result.workloads) {
        fmt::print(out, "{:<36} {:>10} {:>12.0f} {:>9.2f} {:>14.1f} {}\n", w.name, w.values, w.values_per_s,
                   w.seconds, w.bytes_per_value, w.checks_hold ? "hold" : "FAILED");
    }
    fmt::print(out, "\nscaling (plain workload)\n{:>10} {:>9} {:>12}\n", "values", "seconds", "x time");
    for (const ScalingRow& row : result.scaling) {
        if (row.skipped) {
            fmt::print(out, "{:>10} skipped: {}\n", row.values, row.reason);
        } else if (row.time_ratio > 0) {
            fmt::print(out, "{:>10} {:>9.2f} {:>12.2f}\n", row.values, row.seconds, row.time_ratio);
        } else {
            fmt::print(out, "{:>10} {:>9.2f} {:>12}\n", row.values, row.seconds, "-");
        }
    }
    fmt::print(out, "\nsweep {} ({} seeds): {:.2f} seeds/s with 1 job, {:.2f} with 2 ({:.2f}x)\n",
               result.sweep_scenario, result.sweep_seeds, result.jobs1_seeds_per_s, result.jobs2_seeds_per_s,
               result.jobs2_seeds_per_s / result.jobs1_seeds_per_s);
    if (result.peer) {
        fmt::print(out, "peer: {}: {:.0f} values/s ({} values in {:.2f} s); eosim plain is {:.3f}x that\n",
                   result.peer->name, result.peer->values_per_s, result.peer->values, result.peer->seconds,
                   plain_to_peer(result));
    } else {
        fmt::print(out, "peer: {}\n", kPeerNote);
    }
    fmt::print(out, "note: {}\n", kMachineNote);
}

}  // namespace eosim::bench
