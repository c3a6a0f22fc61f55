#pragma once
// Renders a run's outcome as a table for people or as JSON for machines.
#include <ostream>

#include <nlohmann/json.hpp>

#include "scenario/runner.hpp"

namespace eosim::report {

nlohmann::ordered_json to_json(const scenario::RunOutcome& outcome);
void write_table(std::ostream& out, const scenario::RunOutcome& outcome);
std::string hex64(std::uint64_t value);

// The checker's part of a report, shared by `eosim run` and `eosim check`.
nlohmann::ordered_json verdicts_json(const check::CheckResult& result);
nlohmann::ordered_json anomalies_json(const check::Anomalies& anomalies);
void write_checks(std::ostream& out, const check::CheckResult& result, const check::Anomalies& anomalies);

}  // namespace eosim::report
