#include "cli/explain_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <iostream>
#include <sstream>
#include <stdexcept>

#include "check/verdict_name.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "cli/shrink_commands.hpp"
#include "history/jsonl_reader.hpp"
#include "report/value_explanation.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

namespace eosim::cli {
namespace {

class OperationList final : public history::HistorySink {
public:
    void observe(const history::Operation& op) override { ops.push_back(op); }
    std::vector<history::Operation> ops;
};

// The violated verdicts' witnesses, in report order, "verdict: witness".
std::vector<std::pair<std::string, std::string>> violated_witnesses(const scenario::RunOutcome& outcome) {
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& [name, verdict] : outcome.check.verdicts) {
        if (verdict.holds) continue;
        for (const std::string& w : verdict.witnesses) out.emplace_back(std::string(check::verdict_name(name)), w);
    }
    return out;
}

std::uint64_t chosen_value(const ExplainArgs& args, const std::vector<std::pair<std::string, std::string>>& witnesses,
                           std::uint64_t seed) {
    if (!args.value.empty()) return option_u64("--value", args.value, UINT64_MAX);
    std::vector<std::string> texts;
    for (const auto& [verdict, text] : witnesses) texts.push_back(text);
    if (const auto value = report::first_witnessed_value(texts)) return *value;
    throw scenario::ScenarioError(fmt::format(
        "seed {}: no violated verdict names a value: give one with --value V (a value id of the history)", seed));
}

}  // namespace

CLI::App* add_explain_command(CLI::App& app, ExplainArgs& args) {
    auto* cmd = app.add_subcommand("explain", "One value's causal chain in one seed's run: each send attempt, answer, "
                                              "lost message, retry, epoch bump, marker and read");
    cmd->add_option("scenario", args.path, "Scenario file (JSON)")->required();
    cmd->add_option("--seed", args.seed, "Seed (default: the scenario's)")
        ->each([&args](const std::string&) { args.seed_given = true; });
    cmd->add_option("--value", args.value, "The value (default: the first one a violated verdict's witness names)");
    cmd->add_option("--format", args.format, "text (a narrative) or mermaid (a sequence diagram)")
        ->check(CLI::IsMember({"text", "mermaid"}))->capture_default_str();
    cmd->add_option("--out", args.out, "Write to FILE instead of stdout");
    cmd->add_option("--set", args.set, "Override POINTER=VALUE in the scenario's JSON (repeatable)");
    return cmd;
}

int command_explain(const ExplainArgs& args) {
    const scenario::Scenario s = load_with(args.path, args.set);
    scenario::RunOptions options;
    options.seed = args.seed_given ? option_u64("--seed", args.seed, UINT64_MAX) : s.seed;
    options.interrupt = &interrupt_flag();
    report::TraceCollector collector(report::TraceFilter{});
    options.trace_observers.push_back(&collector);
    std::stringstream history_text;
    options.history_jsonl = &history_text;
    const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
    if (outcome.halt == scenario::Halt::interrupted) return interrupted_exit_code();

    history::Names names;
    OperationList history;
    history::read_jsonl(history_text, "(the run's history)", names, history);
    const auto witnesses = violated_witnesses(outcome);
    const std::uint64_t value = chosen_value(args, witnesses, options.seed);
    report::ValueExplanation explanation;
    try {
        explanation = report::explain_value(value, collector.events(), history.ops, names);
    } catch (const std::invalid_argument& e) {
        throw scenario::ScenarioError(fmt::format("--value: seed {}: {}", options.seed, e.what()));
    }
    for (const auto& [verdict, text] : witnesses) {
        if (report::witness_names_value(text, value)) explanation.verdict_lines.push_back(verdict + ": " + text);
    }
    const report::TraceHeader header{s.name, options.seed, outcome.trace_hash};
    const auto write = [&](std::ostream& out) {
        if (args.format == "mermaid") return report::write_explanation_mermaid(out, explanation, header);
        report::write_explanation_text(out, explanation, header);
    };
    if (args.out.empty()) {
        write(std::cout);
        check_stdout();
    } else {
        OutputFile file(args.out);
        write(file.stream());
        file.commit();
    }
    if (outcome.halt != scenario::Halt::none) {
        fmt::print(std::cerr, "eosim explain: the run stopped early: {}\n", outcome.halt_message);
        return 3;
    }
    return 0;
}

}  // namespace eosim::cli
