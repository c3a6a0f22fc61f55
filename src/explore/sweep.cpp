#include "explore/sweep.hpp"

#include <atomic>
#include <exception>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "base/assert.hpp"
#include "scenario/json_reader.hpp"

namespace eosim::explore {
namespace {

SeedResult run_one(const scenario::Scenario& s, std::uint64_t seed, const std::atomic<bool>* interrupt) {
    scenario::RunOptions options;
    options.seed = seed;
    options.interrupt = interrupt;
    const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
    SeedResult r;
    r.seed = seed;
    r.trace_hash = outcome.trace_hash;
    r.expectations_met = outcome.expectations_met();
    r.expectation_failures = outcome.expectation_failures;
    if (outcome.halt != scenario::Halt::none) {
        r.halt = outcome.halt_message;
        r.expectations_met = false;
        r.expectation_failures = {outcome.halt_message};
    }
    for (const auto& [which, verdict] : outcome.check.verdicts) r.verdicts[std::string(check::verdict_name(which))] = verdict.holds;
    r.counts = outcome.check.counts;
    for (const auto& [name, verdict] : outcome.anomalies.found) {
        if (!verdict.holds) r.anomalies.insert(name);
    }
    r.events = outcome.metrics.events;
    r.swarm = outcome.swarm;
    return r;
}

bool happened(const scenario::SweepExpectation& e, const SeedResult& r) {
    if (!e.count.empty()) return scenario::count_by_name(r.counts, e.count) >= e.count_at_least;
    if (!e.anomaly.empty()) return r.anomalies.count(e.anomaly) > 0;
    const auto found = r.verdicts.find(e.verdict);
    return found != r.verdicts.end() && found->second == e.verdict_holds;
}

// What the workers share: the next seed, the swarm tally, and the first bad draw.
struct Shared {
    std::atomic<std::uint64_t> next{0};
    std::atomic<bool> stop{false};
    std::mutex mutex;
    std::optional<std::pair<std::uint64_t, std::string>> bad_draw;  // lowest seed, message
    std::map<std::string, std::map<std::string, std::uint64_t>> tally;
};

void run_slot(const scenario::Scenario& s, std::uint64_t seed, SeedResult& slot, Shared& shared,
              const std::atomic<bool>* interrupt) {
    try {
        slot = run_one(s, seed, interrupt);
    } catch (const scenario::ScenarioError& e) {
        const std::lock_guard<std::mutex> lock(shared.mutex);
        if (!shared.bad_draw || shared.bad_draw->first > seed) shared.bad_draw = {seed, e.what()};
        shared.stop = true;
        return;
    } catch (const std::exception& e) {
        slot = SeedResult{};
        slot.seed = seed;
        slot.expectations_met = false;
        slot.expectation_failures.push_back(std::string("the run threw an exception: ") + e.what());
    }
    const std::lock_guard<std::mutex> lock(shared.mutex);
    for (const std::string& drawn : slot.swarm) {
        const auto eq = drawn.find(" = ");
        shared.tally[drawn.substr(0, eq)][eq == std::string::npos ? "" : drawn.substr(eq + 3)] += 1;
    }
    if (slot.expectations_met) slot.swarm.clear();  // only failing seeds keep it (memory)
}

void summarise(const scenario::Scenario& s, SweepSummary& summary) {
    std::set<std::uint64_t> hashes;
    for (const SeedResult& r : summary.seeds) {
        hashes.insert(r.trace_hash);
        summary.duplicates_total += r.counts.duplicates;
        summary.lost_total += r.counts.lost;
        for (const auto& [name, holds] : r.verdicts) summary.verdict_held[name] += holds ? 1 : 0;
        for (const auto& [name, value] : scenario::counts_by_name(r.counts)) summary.count_positive[name] += value > 0 ? 1 : 0;
        for (const std::string& name : r.anomalies) summary.anomaly_found[name] += 1;
        if (!r.expectations_met) summary.failing_seeds.push_back(r.seed);
        if (!r.halt.empty()) summary.halted_seeds.push_back(r.seed);
    }
    summary.distinct_trace_hashes = hashes.size();
    const std::uint64_t total = summary.seeds.size();
    for (const scenario::SweepExpectation& e : s.expect_sweep) {
        SweepTally t;
        t.expectation = e;
        for (const SeedResult& r : summary.seeds) t.seeds += happened(e, r) ? 1 : 0;
        t.required = std::max(e.min_seeds, (total * e.min_percent + 99) / 100);
        summary.sweep_expectations.push_back(t);
    }
}

}  // namespace

bool SweepSummary::all_met() const {
    for (const SweepTally& t : sweep_expectations) {
        if (!t.met()) return false;
    }
    return failing_seeds.empty();
}

SweepSummary sweep(const scenario::Scenario& s, std::uint64_t first_seed, std::uint64_t last_seed,
                   unsigned jobs, const std::atomic<bool>* interrupt, SweepProgress* progress) {
    EOSIM_ASSERT(first_seed <= last_seed);
    SweepSummary summary;
    summary.scenario = s.name;
    summary.first_seed = first_seed;
    summary.last_seed = last_seed;
    summary.has_expectations = s.expect.has_value() || !s.expect_sweep.empty();
    const std::uint64_t count = last_seed - first_seed + 1;
    summary.seeds.resize(count);
    Shared shared;
    // Nothing may escape a worker: an uncaught exception in a thread ends the process.
    const auto interrupted = [interrupt] { return interrupt != nullptr && interrupt->load(); };
    const auto worker = [&] {
        for (std::uint64_t i = shared.next++; i < count && !shared.stop && !interrupted(); i = shared.next++) {
            run_slot(s, first_seed + i, summary.seeds[i], shared, interrupt);  // each slot written by one thread
            if (progress == nullptr) continue;
            if (!summary.seeds[i].expectations_met) ++progress->failing;
            ++progress->done;
        }
    };
    std::vector<std::thread> threads;
    const unsigned workers = jobs == 0 ? 1 : jobs;
    for (unsigned t = 1; t < workers; ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    if (shared.bad_draw) throw scenario::ScenarioError(shared.bad_draw->second);
    summary.interrupted = interrupted();
    if (summary.interrupted) return summary;  // partial: the caller reports the interrupt only
    summary.swarm_tally = std::move(shared.tally);
    summarise(s, summary);
    return summary;
}

}  // namespace eosim::explore
