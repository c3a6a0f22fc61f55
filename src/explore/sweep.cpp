#include "explore/sweep.hpp"

#include <atomic>
#include <cassert>
#include <set>
#include <thread>

namespace eosim::explore {
namespace {

SeedResult run_one(const scenario::Scenario& s, std::uint64_t seed) {
    scenario::RunOptions options;
    options.seed = seed;
    const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
    SeedResult r;
    r.seed = seed;
    r.trace_hash = outcome.trace_hash;
    r.expectations_met = outcome.expectations_met();
    r.expectation_failures = outcome.expectation_failures;
    for (const auto& [name, verdict] : outcome.check.verdicts) r.verdicts[name] = verdict.holds;
    r.counts = outcome.check.counts;
    r.events = outcome.metrics.events;
    return r;
}

}  // namespace

SweepSummary sweep(const scenario::Scenario& s, std::uint64_t first_seed, std::uint64_t last_seed,
                   unsigned jobs) {
    assert(first_seed <= last_seed);
    SweepSummary summary;
    summary.scenario = s.name;
    summary.first_seed = first_seed;
    summary.last_seed = last_seed;
    const std::uint64_t count = last_seed - first_seed + 1;
    summary.seeds.resize(count);
    std::atomic<std::uint64_t> next{0};
    const auto worker = [&] {
        for (std::uint64_t i = next++; i < count; i = next++) {
            summary.seeds[i] = run_one(s, first_seed + i);  // each slot written by one thread
        }
    };
    std::vector<std::thread> threads;
    const unsigned workers = jobs == 0 ? 1 : jobs;
    for (unsigned t = 1; t < workers; ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();

    std::set<std::uint64_t> hashes;
    for (const SeedResult& r : summary.seeds) {
        hashes.insert(r.trace_hash);
        for (const auto& [name, holds] : r.verdicts) summary.verdict_held[name] += holds ? 1 : 0;
        if (!r.expectations_met) summary.failing_seeds.push_back(r.seed);
    }
    summary.distinct_trace_hashes = hashes.size();
    return summary;
}

}  // namespace eosim::explore
