#pragma once
// `eosim explain`: one value's causal chain in one seed's run, as a narrative or a Mermaid diagram.
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace eosim::cli {

struct ExplainArgs {
    std::string path;
    std::string seed;
    bool seed_given = false;
    std::string value;  // empty: the first value a violated verdict's witness names
    std::string format = "text";
    std::string out;
    std::vector<std::string> set;
};
CLI::App* add_explain_command(CLI::App& app, ExplainArgs& args);
int command_explain(const ExplainArgs& args);

}  // namespace eosim::cli
