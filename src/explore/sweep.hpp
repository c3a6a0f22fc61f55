#pragma once
// Runs one scenario over a range of seeds, on several threads, and summarises the verdicts.
// Each run is independent and deterministic, so results do not depend on the thread count.
#include <atomic>
#include <cstdint>
#include <map>
#include <set>
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
    std::set<std::string> anomalies;  // Jepsen anomalies found
    std::uint64_t events = 0;
    std::vector<std::string> swarm;  // what was drawn, kept for seeds that missed expectations
    std::string halt;  // the run stopped at a run-time limit: what it hit (the seed fails)
};

// One sweep expectation and how the sweep measured up.
struct SweepTally {
    scenario::SweepExpectation expectation;
    std::uint64_t seeds = 0;     // seeds where it happened
    std::uint64_t required = 0;  // max(min_seeds, min_percent of the seeds swept)
    bool met() const { return seeds >= required; }
};

struct SweepSummary {
    std::string scenario;
    std::uint64_t first_seed = 0;
    std::uint64_t last_seed = 0;
    std::vector<SeedResult> seeds;  // in seed order
    bool has_expectations = false;  // an expect block or expect_sweep: otherwise every seed "meets" them
    std::map<std::string, std::uint64_t> verdict_held;  // name -> seeds where it held
    std::map<std::string, std::uint64_t> count_positive;  // count name -> seeds where it was > 0
    std::map<std::string, std::uint64_t> anomaly_found;   // Jepsen anomaly -> seeds where found
    std::vector<std::uint64_t> failing_seeds;           // expectations not met
    std::vector<std::uint64_t> halted_seeds;            // stopped at a run-time limit (also failing)
    bool interrupted = false;                           // SIGINT/SIGTERM: some seeds never ran
    std::uint64_t distinct_trace_hashes = 0;
    std::uint64_t duplicates_total = 0;  // summed over the seeds
    std::uint64_t lost_total = 0;
    std::vector<SweepTally> sweep_expectations;
    // Swarm coverage: for each drawn path, how many seeds drew each value.
    std::map<std::string, std::map<std::string, std::uint64_t>> swarm_tally;

    bool all_met() const;
};

// A bad swarm draw (scenario::ScenarioError) is rethrown after the workers stop, for the lowest
// such seed; any other exception in a run makes that seed fail with the message. A seed that
// stops at a run-time limit fails with what it hit. Once *interrupt is set, the runs stop and
// no new seed starts (the summary says interrupted).
// Counts a sweep's finished and failing seeds as it goes, for a progress line (read from another
// thread; the sweep's result does not depend on it).
struct SweepProgress {
    std::atomic<std::uint64_t> done{0};
    std::atomic<std::uint64_t> failing{0};
};

SweepSummary sweep(const scenario::Scenario& scenario, std::uint64_t first_seed,
                   std::uint64_t last_seed, unsigned jobs, const std::atomic<bool>* interrupt = nullptr,
                   SweepProgress* progress = nullptr);

}  // namespace eosim::explore
