#pragma once
// Renders a seed sweep's summary.
#include <ostream>

#include <nlohmann/json.hpp>

#include "explore/sweep.hpp"

namespace eosim::report {

// all_runs: one entry per seed under "runs"; otherwise only the seeds that missed expectations.
nlohmann::ordered_json to_json(const explore::SweepSummary& summary, bool all_runs = true);
void write_table(std::ostream& out, const explore::SweepSummary& summary);

}  // namespace eosim::report
