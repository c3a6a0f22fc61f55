#pragma once
// `eosim freeze`, `eosim shrink` and `eosim knockout`: a seed's run as an explicit scenario,
// that scenario made small while its failure stays, and each mechanism's failure found and shrunk.
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace CLI {
class App;
}

namespace eosim::cli {

// CLI11 reads "-1" into an unsigned option as 2^64-1: numbers are parsed here instead. Throws
// ScenarioError naming the option.
std::uint64_t option_u64(const char* option, const std::string& text, std::uint64_t max);

// The scenario at PATH with each --set POINTER=VALUE applied.
scenario::Scenario load_with(const std::string& path, const std::vector<std::string>& set);

// A scenario file, a seed and an optional output file.
struct SeedCommandArgs {
    std::string path;
    std::string seed;
    std::string out;
};
CLI::App* add_freeze_command(CLI::App& app, SeedCommandArgs& args);
int command_freeze(const SeedCommandArgs& args);
CLI::App* add_shrink_command(CLI::App& app, SeedCommandArgs& args);
int command_shrink(const SeedCommandArgs& args);

struct KnockoutArgs {
    std::string path;
    std::string seeds = "1..1000";
    std::string mechanisms;  // comma-separated knockouts keys; not given: all
    bool mechanisms_given = false;
    std::string jobs = "0";
    bool no_shrink = false;
    std::string format = "table";
    std::string out;
};
CLI::App* add_knockout_command(CLI::App& app, KnockoutArgs& args);
int command_knockout(const KnockoutArgs& args);

}  // namespace eosim::cli
