#pragma once
// Run-time limits of one run: an event cap, a cap on events at one simulated instant (simulated
// time stopped advancing) and a budget on the run's state, estimated deterministically.
#include <cstdint>
#include <string>
#include <vector>

#include "sim/simulation.hpp"

namespace eosim::kafka {
class Broker;
}

namespace eosim::scenario {

struct RunLimitsSpec {
    std::uint64_t max_events = 50'000'000;
    std::uint64_t max_events_per_instant = 1'000'000;
    std::uint64_t max_memory_mb = 4096;
};

// Why a run stopped before its end; "none" for a run that went quiet or reached max_simulated_ms.
enum class Halt : std::uint8_t { none, event_limit, instant_limit, memory_budget, interrupted };

// The run's state in bytes: history operations (the checkers keep each), records in every
// replica's log, pending events and messages held by partitions. The same for a seed on any
// machine, unlike the process's resident memory.
std::uint64_t estimated_state_bytes(const sim::Simulation& sim, const std::vector<kafka::Broker*>& brokers,
                                    std::uint64_t history_operations);

Halt halt_of(sim::StopCause cause);

// One line for the user: what stopped the run, where, and which scenario key raises the limit.
std::string halt_message(Halt halt, const RunLimitsSpec& limits, sim::TimeUs at_us, std::uint64_t events);

}  // namespace eosim::scenario
