#pragma once
// Renders a run's outcome as a table for people or as JSON for machines.
#include <ostream>

#include <nlohmann/json.hpp>

#include "scenario/runner.hpp"

namespace eosim::report {

nlohmann::ordered_json to_json(const scenario::RunOutcome& outcome);
void write_table(std::ostream& out, const scenario::RunOutcome& outcome);
std::string hex64(std::uint64_t value);

}  // namespace eosim::report
