#pragma once
// `eosim compare --plot DIR`: writes the comparison's gnuplot data and script into DIR and runs
// gnuplot (Debian's gnuplot-nox) on it for throughput.svg and latency.svg.
#include <string>

#include "explore/compare.hpp"

namespace eosim::cli {

// Throws OutputError when DIR or a file in it cannot be written or gnuplot cannot run.
void write_compare_plots(const explore::Comparison& comparison, const std::string& dir);

}  // namespace eosim::cli
