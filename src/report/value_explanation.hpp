#pragma once
// `eosim explain`: one value's causal chain in one run — each send attempt of the batch that
// carries it, the broker's answer, responses lost or delivered, retries, epoch bumps, duplicate
// detection, markers, the faults on its path, every read, its transaction and the outputs derived
// from it — as a short narrative and a Mermaid sequence diagram. Built from the run's trace
// (sends included: TraceCollector) and its history; judges nothing itself.
#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "history/operation.hpp"
#include "report/trace_export.hpp"

namespace eosim::report {

struct ExplainStep {
    sim::TimeUs time_us = 0;
    std::string node;  // who acts or is concerned
    std::string text;  // a sentence
};

struct ValueExplanation {
    std::uint64_t value = 0;
    std::string partition;  // where it was sent
    std::string producer;   // the sending process ("producer-0#1")
    std::optional<std::uint64_t> source;  // the input it was derived from
    std::vector<std::uint64_t> outputs;   // values derived from it
    std::vector<ExplainStep> steps;       // in time order (ties: trace order, then history order)
    std::vector<std::string> conclusions;  // what the chain shows: written twice, lost, ...
    std::vector<std::string> verdict_lines;  // the checker's witnesses that name the value
    std::vector<TraceEvent> diagram;       // the chain's records, history steps as notes
    std::uint64_t faults_elsewhere = 0;    // faults of the run that touched none of its nodes
};

// Throws std::invalid_argument when no send of `value` is in the history.
ValueExplanation explain_value(std::uint64_t value, const std::vector<TraceEvent>& events,
                               const std::vector<history::Operation>& history, const history::Names& names);

// Does a checker witness name this value ("value 109 (events-1)", not "value 1090")?
bool witness_names_value(const std::string& witness, std::uint64_t value);
// The first value the checker's witnesses name ("value 109 (events-1): ..."), in verdict order.
std::optional<std::uint64_t> first_witnessed_value(const std::vector<std::string>& witnesses);

void write_explanation_text(std::ostream& out, const ValueExplanation& explanation, const TraceHeader& header);
void write_explanation_mermaid(std::ostream& out, const ValueExplanation& explanation, const TraceHeader& header);

}  // namespace eosim::report
