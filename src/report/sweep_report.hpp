#pragma once
// Renders a seed sweep's summary.
#include <ostream>

#include <nlohmann/json.hpp>

#include "explore/sweep.hpp"

namespace eosim::report {

nlohmann::ordered_json to_json(const explore::SweepSummary& summary);
void write_table(std::ostream& out, const explore::SweepSummary& summary);

}  // namespace eosim::report
