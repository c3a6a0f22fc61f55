#pragma once
// `eosim merge`: the reports of `eosim sweep --shard K/N --format json` back into one sweep's.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace eosim::cli {

struct MergeArgs {
    std::vector<std::string> files;
    std::string out;
};
CLI::App* add_merge_command(CLI::App& app, MergeArgs& args);
int command_merge(const MergeArgs& args);

}  // namespace eosim::cli
