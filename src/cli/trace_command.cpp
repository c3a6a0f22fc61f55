#include "cli/trace_command.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <iostream>
#include <sstream>

#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "cli/shrink_commands.hpp"
#include "report/trace_export.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "scenario/seed_range.hpp"

namespace eosim::cli {
namespace {

std::vector<std::string> comma_list(const std::string& text, const char* option) {
    std::vector<std::string> items;
    std::stringstream list(text);
    for (std::string item; std::getline(list, item, ',');) {
        if (item.empty()) throw scenario::ScenarioError(fmt::format("{}: expected a comma-separated list, got \"{}\"", option, text));
        items.push_back(item);
    }
    return items;
}

// "12" or "12.5" or "12.345" ms -> microseconds.
bool parse_ms(std::string_view text, sim::TimeUs& out) {
    const std::size_t dot = text.find('.');
    std::uint64_t whole = 0;
    if (!scenario::parse_u64(text.substr(0, dot), whole) || whole > 1'000'000'000'000ULL) return false;
    std::uint64_t fraction = 0;
    if (dot != std::string_view::npos) {
        std::string digits(text.substr(dot + 1));
        if (digits.empty() || digits.size() > 3 || !scenario::parse_u64(digits, fraction)) return false;
        while (digits.size() < 3) {
            digits += '0';
            fraction *= 10;
        }
    }
    out = static_cast<sim::TimeUs>(whole * 1000 + fraction);
    return true;
}

void write_events(std::ostream& out, const std::string& format, const report::TraceCollector& collector,
                  const report::TraceHeader& header) {
    if (format == "jsonl") return report::write_trace_jsonl(out, collector.events());
    if (format == "perfetto") return report::write_trace_perfetto(out, collector.events(), header);
    if (format == "mermaid") return report::write_trace_mermaid(out, collector.events(), header);
    report::write_trace_text(out, collector.events());
}

}  // namespace

void parse_window_ms(const std::string& text, sim::TimeUs& from_us, sim::TimeUs& to_us) {
    const std::size_t dots = text.find("..");
    if (dots == std::string::npos || !parse_ms(std::string_view(text).substr(0, dots), from_us) ||
        !parse_ms(std::string_view(text).substr(dots + 2), to_us) || to_us < from_us) {
        throw scenario::ScenarioError(
            fmt::format("--window: expected FIRST..LAST in simulated ms, FIRST <= LAST (e.g. 250..1200.5), got \"{}\"", text));
    }
}

CLI::App* add_trace_command(CLI::App& app, TraceArgs& args) {
    auto* cmd = app.add_subcommand("trace", "Run one seed and write its trace (sends too) as text, JSON Lines, "
                                            "Perfetto JSON or a Mermaid sequence diagram");
    cmd->add_option("scenario", args.path, "Scenario file (JSON)")->required();
    cmd->add_option("--seed", args.seed, "Seed (default: the scenario's)")
        ->each([&args](const std::string&) { args.seed_given = true; });
    cmd->add_option("--format", args.format, "text, jsonl, perfetto (ui.perfetto.dev) or mermaid")
        ->check(CLI::IsMember({"text", "jsonl", "perfetto", "mermaid"}))->capture_default_str();
    cmd->add_option("--window", args.window, "Only records in FIRST..LAST simulated ms (e.g. 250..1200.5)");
    cmd->add_option("--nodes", args.nodes, "Only records of these nodes, comma-separated (either end of a message)");
    cmd->add_option("--hide", args.hide, "Leave out record types starting with these, comma-separated "
                                         "(e.g. BrokerHeartbeat,ReplicaFetch)");
    cmd->add_option("--out", args.out, "Write the trace to FILE instead of stdout");
    cmd->add_option("--set", args.set, "Override POINTER=VALUE in the scenario's JSON (repeatable)");
    return cmd;
}

int command_trace(const TraceArgs& args) {
    report::TraceFilter filter;
    if (!args.window.empty()) parse_window_ms(args.window, filter.from_us, filter.to_us);
    if (!args.nodes.empty()) {
        for (const std::string& node : comma_list(args.nodes, "--nodes")) filter.nodes.insert(node);
    }
    if (!args.hide.empty()) filter.hidden = comma_list(args.hide, "--hide");
    const scenario::Scenario s = load_with(args.path, args.set);
    scenario::RunOptions options;
    options.seed = args.seed_given ? option_u64("--seed", args.seed, UINT64_MAX) : s.seed;
    options.interrupt = &interrupt_flag();
    report::TraceCollector collector(filter);
    options.trace_observers.push_back(&collector);
    const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
    for (const std::string& node : filter.nodes) {
        if (collector.nodes_seen().count(node) == 0) {
            std::string known;
            for (const std::string& seen : collector.nodes_seen()) known += (known.empty() ? "" : ", ") + seen;
            throw scenario::ScenarioError(fmt::format("--nodes: no node \"{}\" in this run (nodes: {})", node, known));
        }
    }
    const report::TraceHeader header{s.name, options.seed, outcome.trace_hash};
    if (args.out.empty()) {
        write_events(std::cout, args.format, collector, header);
        check_stdout();
    } else {
        OutputFile file(args.out);
        write_events(file.stream(), args.format, collector, header);
        file.commit();
    }
    fmt::print(std::cerr, "eosim trace: {} seed {}: {} of {} records and sends written (trace_hash {:016x}{})\n",
               s.name, options.seed, collector.events().size(), collector.events_seen(), outcome.trace_hash,
               outcome.halt == scenario::Halt::none ? "" : "; the run stopped early: " + outcome.halt_message);
    if (outcome.halt == scenario::Halt::interrupted) return interrupted_exit_code();
    return outcome.halt == scenario::Halt::none ? 0 : 3;  // as `eosim run` exits at a run limit
}

}  // namespace eosim::cli
