#pragma once
// `eosim shrink`: a failing seed, frozen into an explicit scenario (eosim freeze), then made
// small while the same expectation still fails: Zeller's ddmin over the fault list, then each
// fault weakened (shorter windows and delays, fewer nodes in a network partition), then fewer
// producers, processors and consumers, partitions, replicas and brokers, each producer's
// messages halved, and the run limit cut to just past the run's end. The result
// is a self-contained scenario whose `expect` block asserts the failure, so one `eosim run`
// shows it.
#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "scenario/scenario.hpp"

namespace eosim::explore {

struct ShrinkResult {
    std::string failure;          // the failing expectation kept, as the run reported it first
    std::string subject;          // what must keep failing: "verdict exactly_once_processing"
    std::size_t faults_before = 0;
    std::size_t faults_after = 0;
    std::size_t runs = 0;         // simulations made
    std::vector<std::string> steps;  // what each accepted reduction did
    nlohmann::json scenario;      // the shrunk scenario, its expect block asserting the failure
    bool interrupted = false;
};

// Throws ScenarioError if the seed meets its expectations (nothing to shrink) or the scenario
// has none. progress, if set, hears one line per accepted step.
ShrinkResult shrink(const scenario::Scenario& scenario, std::uint64_t seed,
                    const std::function<void(const std::string&)>& progress = {},
                    const std::atomic<bool>* interrupt = nullptr);

// Zeller's ddmin: a 1-minimal subset of items for which fails() holds (fails(items) must hold).
std::vector<std::size_t> ddmin(std::vector<std::size_t> items,
                               const std::function<bool(const std::vector<std::size_t>&)>& fails);

}  // namespace eosim::explore
