#pragma once
// Throughput and latency figures (check/figures.hpp) as JSON and as table lines.
#include <ostream>

#include <nlohmann/json.hpp>

#include "check/figures.hpp"

namespace eosim::report {

nlohmann::ordered_json latency_json(const check::LatencySummary& latency);
nlohmann::ordered_json figures_json(const check::Figures& figures);
void write_figures(std::ostream& out, const check::Figures& figures);

}  // namespace eosim::report
