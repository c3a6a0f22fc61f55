#pragma once
// A seed's run as an explicit scenario (`eosim freeze`): the swarm's values drawn, the nemesis's
// faults written out as scheduled faults in the order the runner installs them, the seed fixed.
// Run with that seed it replays the same trace, and each fault can be edited or removed by hand
// (or by `eosim shrink`).
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "faults/fault_plan.hpp"
#include "scenario/scenario.hpp"

namespace eosim::scenario {

struct FrozenScenario {
    nlohmann::json json;
    std::size_t nemesis_faults = 0;  // written out, each with "nemesis": true
};

FrozenScenario freeze_scenario(const Scenario& scenario, std::uint64_t seed);

// One fault as the "faults" entry the loader reads back into the same FaultSpec (label aside).
nlohmann::json fault_json(const faults::FaultSpec& spec);

}  // namespace eosim::scenario
