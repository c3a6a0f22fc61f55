#pragma once
// The runs `eosim shrink` makes (shrink.cpp) and its reduction passes (shrink.cpp, shrink_topology.cpp):
// each candidate is a scenario JSON, kept only if it loads and fails with the same subject.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "explore/shrink.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"

namespace eosim::explore::shrink_detail {

using Json = nlohmann::json;

// "verdict exactly_once_processing: expected holds, got ..." -> "verdict exactly_once_processing".
inline std::string subject_of(const std::string& failure) {
    const std::size_t colon = failure.find(':');
    return colon == std::string::npos ? failure : failure.substr(0, colon);
}

class Attempts {
public:
    Attempts(std::string file, std::uint64_t seed, const std::atomic<bool>* interrupt)
        : file_(std::move(file)), seed_(seed), interrupt_(interrupt) {}

    // The failures of a candidate's run; none if it does not load (load_error says why) or was
    // interrupted.
    std::vector<std::string> failures(const Json& candidate) {
        if (interrupted()) return {};
        scenario::Scenario s;
        try {
            s = scenario::parse_scenario_json(candidate, file_);
        } catch (const scenario::ScenarioError& e) {
            load_error = e.what();
            return {};
        }
        return failures_of(s);
    }
    std::vector<std::string> failures_of(const scenario::Scenario& s) {
        if (interrupted()) return {};
        ++runs;
        scenario::RunOptions options;
        options.seed = seed_;
        options.interrupt = interrupt_;
        const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
        if (interrupted()) return {};
        last_quiesced = outcome.quiesced;
        last_simulated_us = outcome.simulated_us;
        return outcome.expectation_failures;
    }
    bool fails_with(const Json& candidate, const std::string& subject) {
        for (const std::string& f : failures(candidate)) {
            if (subject_of(f) == subject) return true;
        }
        return false;
    }
    bool interrupted() const { return interrupt_ != nullptr && interrupt_->load(); }
    std::size_t runs = 0;
    std::string load_error;
    bool last_quiesced = false;  // of the last run made
    std::int64_t last_simulated_us = 0;

private:
    std::string file_;
    std::uint64_t seed_;
    const std::atomic<bool>* interrupt_;
};

// Topology, client and run-length passes (shrink_topology.cpp), after the faults are cut.
void shrink_clients(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);
void shrink_cluster(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);
void shrink_fault_targets(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);
void shrink_run_length(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);

}  // namespace eosim::explore::shrink_detail
