#pragma once
// `eosim run --check-determinism` (FoundationDB's unseed check): the seed runs twice in one
// process, as two independent simulations, and their traces must be identical record by record.
#include <cstdint>
#include <optional>
#include <ostream>

#include <nlohmann/json.hpp>

#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "sim/trace_diff.hpp"

namespace eosim::report {

struct DeterminismCheck {
    scenario::RunOutcome first;  // the first run, reported as a plain run would be
    std::uint64_t second_trace_hash = 0;
    std::uint64_t records = 0;   // records in the first trace
    std::optional<sim::TraceDifference> difference;
    bool deterministic() const { return !difference && first.trace_hash == second_trace_hash; }
};

// Runs scenario with options.seed twice (options' trace and history streams get the first run).
DeterminismCheck check_determinism(const scenario::Scenario& scenario, const scenario::RunOptions& options);

// "determinism: 1195 trace records identical in both runs (trace_hash ...)" or the first
// differing record: its index, simulated time and both versions.
void write_determinism(std::ostream& out, const DeterminismCheck& check);
// {"deterministic", "records", "trace_hashes", "first_difference": {index, time_ms, run_1, run_2}}
nlohmann::ordered_json determinism_json(const DeterminismCheck& check);

}  // namespace eosim::report
