#pragma once
// `eosim bench`: eosim's speed and memory figures (issue 11). Wall-clock time and process
// memory are measured here only, never inside the simulation libraries.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eosim::bench {

struct BenchOptions {
    bool quick = false;                  // tiny sizes: checks the output's shape, not speed
    std::string scenarios_dir = "scenarios";  // where the exactly-once pipeline with faults is
    double scaling_budget_s = 120.0;     // a scaling row is skipped if projected longer
    double memory_budget_mb = 2048.0;    // ... or projected larger than this
};

struct WorkloadResult {
    std::string name;
    std::uint64_t values = 0;  // values sent by the workload's producers
    std::uint64_t events = 0;  // simulation events
    double seconds = 0;
    double values_per_s = 0;
    double bytes_per_value = 0;  // peak resident memory growth of the run per value
    bool checks_hold = false;    // every verdict the workload expects holds
};

struct ScalingRow {
    std::uint64_t values = 0;
    double seconds = 0;
    double time_ratio = 0;  // to the row before (0 for the first)
    bool skipped = false;
    std::string reason;  // why it was skipped
};

// Another implementation's figure on the plain workload (librdkafka and its mock cluster).
struct PeerResult {
    std::string name;
    std::uint64_t values = 0;
    double seconds = 0;
    double values_per_s = 0;
};

struct BenchResult {
    bool quick = false;
    double bare_events_per_s = 0;
    double protocol_events_per_s = 0;
    double ratio = 0;
    std::vector<WorkloadResult> workloads;
    std::vector<ScalingRow> scaling;
    std::string sweep_scenario;
    std::uint64_t sweep_seeds = 0;
    double jobs1_seeds_per_s = 0;
    double jobs2_seeds_per_s = 0;
    std::optional<PeerResult> peer;  // absent when eosim was built without librdkafka
};

// librdkafka's producer against its mock cluster, sending `values` as the plain workload does
// (peer_librdkafka.cpp); nullopt when built without librdkafka (peer_none.cpp).
std::optional<PeerResult> measure_peer(std::uint64_t values);

BenchResult run_bench(const BenchOptions& options);
nlohmann::ordered_json to_json(const BenchResult& result);
void write_table(std::ostream& out, const BenchResult& result);

// The workloads (bench_workloads.cpp): scenario JSON text sized to `values` in total.
std::string plain_workload(std::uint64_t values);
std::string idempotent_workload(std::uint64_t values);
std::string exactly_once_workload(const std::string& scenarios_dir, std::uint64_t values);

}  // namespace eosim::bench
