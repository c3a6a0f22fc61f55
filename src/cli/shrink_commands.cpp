#include "cli/shrink_commands.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <iostream>
#include <optional>
#include <sstream>
#include <thread>

#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "explore/knockout.hpp"
#include "explore/shrink.hpp"
#include "report/knockout_report.hpp"
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

scenario::Scenario load_with(const std::string& path, const std::vector<std::string>& set) {
    std::vector<scenario::Override> overrides;
    for (const std::string& text : set) overrides.push_back(scenario::parse_override(text));
    return scenario::load_scenario(path, overrides);
}

CLI::App* add_freeze_command(CLI::App& app, SeedCommandArgs& args) {
    return add_seed_command(app, args, "freeze", "Write a seed's run as an explicit scenario: swarm values drawn, "
                                                 "nemesis faults scheduled, the seed fixed (JSON)");
}

int command_freeze(const SeedCommandArgs& args) {
    const std::uint64_t seed = option_u64("--seed", args.seed, UINT64_MAX);
    const scenario::Scenario s = scenario::load_scenario(args.path);
    const scenario::FrozenScenario frozen = scenario::freeze_scenario(s, seed);
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
    if (result.interrupted) {
        fmt::print(std::cerr, "eosim shrink: interrupted after {} runs; nothing written\n", result.runs);
        return interrupted_exit_code();
    }
    fmt::print(std::cerr, "eosim shrink: keeps \"{}\"; faults {} -> {}; {} runs\n", result.failure,
               result.faults_before, result.faults_after, result.runs);
    write_json(result.scenario, args.out);
    return 0;
}

CLI::App* add_knockout_command(CLI::App& app, KnockoutArgs& args) {
    auto* cmd = app.add_subcommand("knockout", "Switch each exactly-once mechanism off alone, sweep until a seed "
                                               "fails, shrink it: mechanism -> anomaly, first seed, witness");
    cmd->add_option("scenario", args.path, "Scenario file (JSON) with an expect block")->required();
    cmd->add_option("--seeds", args.seeds, "Seed range FIRST..LAST searched per mechanism")->capture_default_str();
    cmd->add_option("--mechanisms", args.mechanisms, "Comma-separated knockouts keys (default: all)")
        ->each([&args](const std::string&) { args.mechanisms_given = true; });
    cmd->add_option("--jobs", args.jobs, "Threads (0: all cores)")->capture_default_str();
    cmd->add_flag("--no-shrink", args.no_shrink, "Report the first failing seed without shrinking it");
    cmd->add_option("--format", args.format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    cmd->add_option("--out", args.out, "Write the report to FILE instead of stdout");
    return cmd;
}

int command_knockout(const KnockoutArgs& args) {
    const scenario::SeedRange range = scenario::parse_seed_range(args.seeds, "--seeds");
    const std::uint64_t asked = option_u64("--jobs", args.jobs, 256);
    const unsigned jobs = asked == 0 ? std::max(1U, std::thread::hardware_concurrency()) : static_cast<unsigned>(asked);
    std::vector<std::string> wanted;
    std::stringstream list(args.mechanisms);
    for (std::string name; std::getline(list, name, ',');) {
        if (!name.empty()) wanted.push_back(name);
    }
    if (args.mechanisms_given && wanted.empty()) {
        throw scenario::ScenarioError("--mechanisms: expected a comma-separated list of knockouts keys, got \"" + args.mechanisms + "\"");
    }
    const explore::KnockoutMatrix matrix =
        explore::knockout(args.path, wanted, range.first, range.last, jobs, !args.no_shrink, &interrupt_flag());
    if (matrix.interrupted) {
        fmt::print(std::cerr, "eosim knockout: interrupted; nothing written\n");
        return interrupted_exit_code();
    }
    std::ostringstream text;
    if (args.format == "json") {
        text << report::knockout_json(matrix).dump(2) << '\n';
    } else {
        report::print_knockout_table(text, matrix);
    }
    if (args.out.empty()) {
        std::cout << text.str();
        check_stdout();
    } else {
        OutputFile file(args.out);
        file.stream() << text.str();
        file.commit();
    }
    return matrix.all_caught() ? 0 : 1;
}

}  // namespace eosim::cli
