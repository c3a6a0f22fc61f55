#pragma once
// Runs one scenario over a range of seeds, on several threads, and summarises the verdicts.
// Each run is independent and deterministic, so results do not depend on the thread count.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

namespace eosim::explore {

struct SeedResult {
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
    bool expectations_met = true;
    std::vector<std::string> expectation_failures;
    std::map<std::string, bool> verdicts;  // name -> holds
    check::Counts counts;
    std::uint64_t events = 0;
};

struct SweepSummary {
    std::string scenario;
    std::uint64_t first_seed = 0;
    std::uint64_t last_seed = 0;
    std::vector<SeedResult> seeds;  // in seed order
    std::map<std::string, std::uint64_t> verdict_held;  // name -> seeds where it held
    std::vector<std::uint64_t> failing_seeds;           // expectations not met
    std::uint64_t distinct_trace_hashes = 0;
};

SweepSummary sweep(const scenario::Scenario& scenario, std::uint64_t first_seed,
                   std::uint64_t last_seed, unsigned jobs);

}  // namespace eosim::explore
