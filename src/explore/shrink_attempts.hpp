#pragma once
// The runs `eosim shrink` makes (shrink.cpp) and its reduction passes (shrink.cpp, shrink_topology.cpp):
// each candidate is a scenario JSON, kept only if it loads and fails with the same subject.
#include <atomic>
#include <cstdlib>
#include <optional>
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

// The kind of failure a candidate must keep, beyond the failing expectation's name: whether the
// run went quiet, which anomaly counts are non-zero (duplicates vs missing outputs are different
// bugs under one verdict) and, for an event bound, on which side of it the count fell. Without it
// a reduction (a replication factor of 1 under a power loss) can swap the bug for another one.
struct FailureKind {
    bool quiesced = false;
    std::vector<bool> nonzero;
    std::string side;  // "" or the "got N" direction of an events[...] failure: "below" / "above"
    bool operator==(const FailureKind&) const = default;
};

inline FailureKind failure_kind(const scenario::RunOutcome& outcome, const std::string& failure) {
    const check::Counts& c = outcome.check.counts;
    FailureKind kind;
    kind.quiesced = outcome.quiesced;
    for (const std::uint64_t n : {c.duplicates, c.lost, c.aborted_reads, c.uncommitted_reads, c.torn_transactions,
                                  c.processing_duplicates, c.processing_missing, c.external_duplicates, c.external_missing}) {
        kind.nonzero.push_back(n > 0);
    }
    if (failure.rfind("events[", 0) == 0) {
        kind.side = failure.find("expected at least") != std::string::npos ? "below"
                    : failure.find("expected at most") != std::string::npos ? "above"
                                                                             : "";
        if (kind.side.empty()) {  // "expected exactly N, got M"
            const auto number_after = [&failure](const std::string& word) {
                const std::size_t at = failure.find(word);
                return at == std::string::npos ? 0LL : std::atoll(failure.c_str() + at + word.size());
            };
            kind.side = number_after("got ") < number_after("exactly ") ? "below" : "above";
        }
    }
    return kind;
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
        last_outcome = scenario::run_scenario(s, options);
        if (interrupted()) return {};
        return last_outcome.expectation_failures;
    }
    // The candidate fails the subject's expectation, with the same kind of failure as the original
    // run (once keep_kind has recorded it).
    bool fails_with(const Json& candidate, const std::string& subject) {
        for (const std::string& f : failures(candidate)) {
            if (subject_of(f) != subject) continue;
            last_failure = f;
            return !kind_ || failure_kind(last_outcome, f) == *kind_;
        }
        return false;
    }
    void keep_kind(const std::string& failure) { kind_ = failure_kind(last_outcome, failure); }
    bool interrupted() const { return interrupt_ != nullptr && interrupt_->load(); }
    std::size_t runs = 0;
    std::string load_error;
    std::string last_failure;  // the subject's failure in the last run that had it
    scenario::RunOutcome last_outcome;  // of the last run made

private:
    std::string file_;
    std::uint64_t seed_;
    const std::atomic<bool>* interrupt_;
    std::optional<FailureKind> kind_;
};

// Topology, client and run-length passes (shrink_topology.cpp), after the faults are cut.
void shrink_clients(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);
void shrink_cluster(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);
void shrink_fault_targets(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);
void shrink_run_length(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result);

}  // namespace eosim::explore::shrink_detail
