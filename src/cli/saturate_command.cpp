#include "cli/saturate_command.hpp"

#include <CLI/CLI.hpp>

#include <iostream>
#include <optional>

#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "cli/shrink_commands.hpp"
#include "explore/saturation.hpp"
#include "report/saturation_report.hpp"
#include "scenario/scenario.hpp"

namespace eosim::cli {

CLI::App* add_saturate_command(CLI::App& app, SaturateArgs& args) {
    auto* cmd = app.add_subcommand("saturate", "Raise the producers' offered rate until acks or latency fall behind; "
                                               "report the saturation throughput");
    cmd->add_option("scenario", args.path, "Scenario file (JSON)")->required();
    cmd->add_option("--seed", args.seed, "Seed (default: the scenario's)")
        ->each([&args](const std::string&) { args.seed_given = true; });
    cmd->add_option("--latency-factor", args.latency_factor,
                    "A step falls behind when its send->ack p99 exceeds this many times the first step's")
        ->check(CLI::Range(1.0, 1000.0))->capture_default_str();
    cmd->add_option("--format", args.format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    cmd->add_option("--out", args.out, "Write the report to FILE instead of stdout");
    cmd->add_option("--set", args.set, "Override POINTER=VALUE in the scenario's JSON (repeatable)");
    return cmd;
}

// 0 reported; 2 bad input; 3 a step's run stopped at a run-time limit (it counts as not keeping up).
int command_saturate(const SaturateArgs& args) {
    const scenario::Scenario s = load_with(args.path, args.set);
    const std::uint64_t seed = args.seed_given ? option_u64("--seed", args.seed, UINT64_MAX) : s.seed;
    const explore::SaturationSearch search =
        explore::search_saturation(s, seed, args.latency_factor, &interrupt_flag());
    std::optional<OutputFile> file;
    if (!args.out.empty()) file.emplace(args.out);
    report::write_saturation(file ? file->stream() : std::cout, search, args.format);
    if (file) {
        file->commit();
    } else {
        check_stdout();
    }
    if (search.interrupted) return interrupted_exit_code();
    for (const explore::SaturationStep& step : search.steps) {
        if (step.halted) return 3;
    }
    return 0;
}

}  // namespace eosim::cli
