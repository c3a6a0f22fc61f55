#include "cli/merge_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <iostream>

#include "base/input_file.hpp"
#include "base/strict_json.hpp"
#include "cli/output_file.hpp"
#include "report/sweep_report.hpp"
#include "scenario/json_reader.hpp"

namespace eosim::cli {
namespace {

// A shard report lists each run with --runs all: 100,000 runs take some 40 MB.
constexpr std::size_t kMaxShardReportBytes = std::size_t{1} << 30;

nlohmann::ordered_json read_report(const std::string& path) {
    const std::string text = base::read_input_file(path, kMaxShardReportBytes);
    try {
        (void)base::parse_strict_json(text);  // duplicate keys, NUL bytes, deep nesting: an error
    } catch (const base::JsonTextError& e) {
        throw scenario::ScenarioError(fmt::format("{}: invalid JSON: {}", path, e.what()));
    } catch (const nlohmann::json::exception& e) {
        throw scenario::ScenarioError(fmt::format("{}: invalid JSON: {}", path, e.what()));
    }
    return nlohmann::ordered_json::parse(text);  // keeps each run's keys in the order they were written
}

}  // namespace

CLI::App* add_merge_command(CLI::App& app, MergeArgs& args) {
    auto* cmd = app.add_subcommand("merge", "Merge the JSON reports of `eosim sweep --shard K/N` into the report "
                                            "of the whole sweep");
    cmd->add_option("reports", args.files, "Shard reports (JSON), every shard once, in any order")->required();
    cmd->add_option("--out", args.out, "Write the merged report to FILE instead of stdout");
    return cmd;
}

int command_merge(const MergeArgs& args) {
    std::vector<std::pair<std::string, nlohmann::ordered_json>> shards;
    for (const std::string& file : args.files) shards.emplace_back(file, read_report(file));
    const nlohmann::ordered_json merged = report::merge_shards(shards);
    if (args.out.empty()) {
        std::cout << merged.dump(2) << '\n';
        check_stdout();
    } else {
        OutputFile file(args.out);
        file.stream() << merged.dump(2) << '\n';
        file.commit();
    }
    return merged.at("all_met").get<bool>() ? 0 : 1;
}

}  // namespace eosim::cli
