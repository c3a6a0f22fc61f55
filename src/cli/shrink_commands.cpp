#include "cli/shrink_commands.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <iostream>
#include <optional>

#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "explore/shrink.hpp"
#include "scenario/freeze.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/scenario.hpp"
#include "scenario/seed_range.hpp"

namespace eosim::cli {
namespace {

// The JSON to FILE (written whole, then renamed) or to stdout.
void write_json(const nlohmann::json& json, const std::string& out) {
    if (out.empty()) {
        std::cout << json.dump(2) << '\n';
        check_stdout();
        return;
    }
    OutputFile file(out);
    file.stream() << json.dump(2) << '\n';
    file.commit();
}

CLI::App* add_seed_command(CLI::App& app, SeedCommandArgs& args, const std::string& name, const std::string& what) {
    auto* cmd = app.add_subcommand(name, what);
    cmd->add_option("scenario", args.path, "Scenario file (JSON)")->required();
    cmd->add_option("--seed", args.seed, "Seed")->required();
    cmd->add_option("--out", args.out, "Write the scenario to FILE instead of stdout");
    return cmd;
}

}  // namespace

std::uint64_t option_u64(const char* option, const std::string& text, std::uint64_t max) {
    std::uint64_t value = 0;
    if (!scenario::parse_u64(text, value) || value > max) {
        throw scenario::ScenarioError(fmt::format("{}: expected an integer in [0, {}], got \"{}\"", option, max, text));
    }
    return value;
}

CLI::App* add_freeze_command(CLI::App& app, SeedCommandArgs& args) {
    return add_seed_command(app, args, "freeze", "Write a seed's run as an explicit scenario: swarm values drawn, "
                                                 "nemesis faults scheduled, the seed fixed (JSON)");
}

int command_freeze(const SeedCommandArgs& args) {
    const std::uint64_t seed = option_u64("--seed", args.seed, UINT64_MAX);
    const scenario::Scenario s = scenario::load_scenario(args.path);
    const scenario::FrozenScenario frozen = scenario::freeze_scenario(s, seed);
    for (const std::string& note : frozen.notes) fmt::print(std::cerr, "eosim freeze: {}\n", note);
    write_json(frozen.json, args.out);
    return 0;
}

CLI::App* add_shrink_command(CLI::App& app, SeedCommandArgs& args) {
    return add_seed_command(app, args, "shrink", "Freeze a failing seed, then minimise its faults and workload while "
                                                 "the same expectation fails; writes a scenario that asserts it");
}

int command_shrink(const SeedCommandArgs& args) {
    const std::uint64_t seed = option_u64("--seed", args.seed, UINT64_MAX);
    const scenario::Scenario s = scenario::load_scenario(args.path);
    const explore::ShrinkResult result = explore::shrink(
        s, seed, [](const std::string& line) { fmt::print(std::cerr, "eosim shrink: {}\n", line); },
        &interrupt_flag());
    for (const std::string& note : result.notes) fmt::print(std::cerr, "eosim shrink: {}\n", note);
    fmt::print(std::cerr, "eosim shrink: keeps \"{}\"; faults {} -> {}; {} runs{}\n", result.failure,
               result.faults_before, result.faults_after, result.runs, result.interrupted ? " (interrupted)" : "");
    write_json(result.scenario, args.out);
    return result.interrupted ? interrupted_exit_code() : 0;
}

}  // namespace eosim::cli
