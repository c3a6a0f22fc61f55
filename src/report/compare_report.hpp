#pragma once
// `eosim compare` as a table, JSON, CSV or Markdown: one row per preset or variant, counts summed
// over the seeds, verdicts as the seeds that violated them, throughput and latency as medians over
// the seeds with their spread, and each figure's ratio to the first row.
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "explore/compare.hpp"

namespace eosim::report {

nlohmann::ordered_json comparison_json(const explore::Comparison& comparison);
void write_comparison(std::ostream& out, const explore::Comparison& comparison, const std::string& format);

// `compare --plot DIR`: the medians per row as gnuplot data (compare.dat) and a script
// (compare.gp) that draws DIR/throughput.svg and DIR/latency.svg (p50/p99/p999 send→ack).
void write_comparison_plot_script(std::ostream& data, std::ostream& script, const explore::Comparison& comparison,
                                  const std::string& dir);

}  // namespace eosim::report
