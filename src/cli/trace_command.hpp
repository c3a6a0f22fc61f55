#pragma once
// `eosim trace`: one seed's run as a trace people read or open in a viewer, cut to a window of
// simulated time and to some nodes.
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace CLI {
class App;
}

namespace eosim::cli {

struct TraceArgs {
    std::string path;
    std::string seed;
    bool seed_given = false;
    std::string format = "text";
    std::string window;  // "FIRST..LAST" in simulated ms
    std::string nodes;   // comma-separated
    std::string hide;    // comma-separated type-name prefixes
    std::string out;
    std::vector<std::string> set;
};
CLI::App* add_trace_command(CLI::App& app, TraceArgs& args);
int command_trace(const TraceArgs& args);

// "250..1200.5": simulated milliseconds with up to three decimals, as microseconds. Throws
// ScenarioError naming --window.
void parse_window_ms(const std::string& text, sim::TimeUs& from_us, sim::TimeUs& to_us);

}  // namespace eosim::cli
