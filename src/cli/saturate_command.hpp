#pragma once
// `eosim saturate`: raise a scenario's offered load until the cluster stops keeping up.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace eosim::cli {

struct SaturateArgs {
    std::string path;
    std::string seed;
    bool seed_given = false;
    double latency_factor = 5;
    std::string format = "table";
    std::string out;
    std::vector<std::string> set;
};
CLI::App* add_saturate_command(CLI::App& app, SaturateArgs& args);
int command_saturate(const SaturateArgs& args);

}  // namespace eosim::cli
