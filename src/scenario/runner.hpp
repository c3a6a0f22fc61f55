#pragma once
// Assembles a simulation from a scenario, runs it until quiet (or the time limit), checks the
// recorded history and evaluates the scenario's expectations.
#include <atomic>
#include <cstdint>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include "check/delivery_checker.hpp"
#include "check/figures.hpp"
#include "check/queue_anomalies.hpp"
#include "faults/fault_plan.hpp"
#include "history/operation.hpp"
#include "scenario/scenario.hpp"
#include "sim/simulation.hpp"

namespace eosim::scenario {

struct RunOptions {
    std::uint64_t seed = 1;
    std::ostream* trace_text = nullptr;            // full trace, only when asked
    std::ostream* history_jsonl = nullptr;         // the history as JSON Lines, when asked
    const std::atomic<bool>* interrupt = nullptr;  // set by a signal handler: stop between events
    std::vector<sim::TraceObserver*> trace_observers = {};  // see every trace record and send (eosim trace)
};

struct RunOutcome {
    std::string scenario;
    std::string file;
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
    std::uint64_t trace_records = 0;
    std::uint64_t history_operations = 0;
    check::CheckResult check;
    check::Anomalies anomalies;
    check::Figures figures;  // throughput and latency, simulated time
    sim::SimulationMetrics metrics;
    sim::TimeUs simulated_us = 0;
    bool quiesced = false;  // false: stopped by max_simulated_ms
    Halt halt = Halt::none;  // a run-time limit or an interrupt stopped the run early
    std::string halt_message;
    std::vector<faults::FaultRecord> faults;
    std::vector<std::string> knockouts;
    std::vector<std::string> config_notes;
    std::vector<std::string> swarm;  // values drawn for this seed, "path = value"
    std::vector<SwarmDrawn> swarm_drawn;
    // With replication: leader elections, unclean ones, and when partitions had no leader.
    struct Replication {
        bool enabled = false;
        std::int32_t elections = 0;
        std::int32_t unclean_elections = 0;
        std::vector<std::string> offline;  // "events-0 offline 4000..24001 ms"
    };
    Replication replication;
    // expect.events: each pattern with how many trace records matched it.
    struct EventCount {
        std::string match;
        std::uint64_t count = 0;
    };
    std::vector<EventCount> events;
    bool has_expectations = false;
    std::vector<std::string> expectation_failures;

    bool expectations_met() const { return expectation_failures.empty(); }
};

RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options);

// Checks a result against expectations; returns one line per unmet expectation.
std::vector<std::string> evaluate_expectations(const Expectations& expect,
                                               const check::CheckResult& result);

// Checks expect.events against the counted records (counts[i] for events[i]).
std::vector<std::string> evaluate_event_expectations(const std::vector<EventExpectation>& events,
                                                     const std::vector<std::uint64_t>& counts);

std::uint64_t count_by_name(const check::Counts& counts, const std::string& name);
// A verdict by the name a scenario file spells (one the loader accepted).
const check::Verdict& verdict_of(const check::CheckResult& result, const std::string& name);
// Every count under the name scenarios and reports use.
std::map<std::string, std::uint64_t> counts_by_name(const check::Counts& counts);

}  // namespace eosim::scenario
