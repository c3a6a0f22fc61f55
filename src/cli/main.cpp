// eosim: a deterministic simulator and fault injector for message-delivery semantics.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <fmt/ostream.h>

#include <fstream>
#include <iostream>
#include <new>
#include <optional>
#include <thread>

#include "base/input_file.hpp"
#include "bench/bench.hpp"
#include "cli/interrupt.hpp"
#include "cli/output_file.hpp"
#include "cli/progress_line.hpp"
#include "cli/shrink_commands.hpp"
#include "cli/compare_plot.hpp"
#include "cli/saturate_command.hpp"
#include "cli/explain_command.hpp"
#include "cli/merge_command.hpp"
#include "cli/trace_command.hpp"
#include "check/history_check.hpp"
#include "explore/compare.hpp"
#include "explore/sweep.hpp"
#include "explore/test_suite.hpp"
#include "history/jsonl_reader.hpp"
#include "report/determinism_check.hpp"
#include "report/compare_report.hpp"
#include "report/figures_report.hpp"
#include "report/junit.hpp"
#include "report/run_report.hpp"
#include "report/sweep_report.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "scenario/seed_range.hpp"

namespace {

constexpr int kExitOk = 0;
constexpr int kExitExpectationFailed = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitRunLimit = 3;      // a run stopped at run.max_events, max_events_per_instant or max_memory_mb
constexpr int kExitOutputFailed = 5;  // an output could not be opened, written or closed
constexpr int kExitNondeterministic = 4;  // run --check-determinism: the two runs differ
// SIGINT / SIGTERM: 128 + the signal (130, 143), see cli/interrupt.hpp.
constexpr const char* kVersion = "eosim 0.1.0";

using eosim::cli::OutputFile;
using eosim::scenario::ScenarioError;

constexpr std::uint64_t kMaxJobs = 256;

struct RunArgs {
    std::string scenario;
    std::string seed;
    std::string format = "table";
    std::string out;
    std::string trace;
    std::string history;
    bool check_determinism = false;
    std::vector<std::string> set;  // --set POINTER=VALUE
};

struct SweepArgs {
    std::string scenario;
    std::string seeds = "1..50";
    std::string jobs = "0";
    std::string format = "table";
    std::string runs = "all";
    std::string shard;  // "K/N": only that block of the seeds, as JSON for eosim merge
    std::vector<std::string> set;
};

struct TestArgs {
    std::vector<std::string> paths;
    std::string seeds;  // default: each scenario's own
    std::string jobs = "0";
    std::string junit;
    bool strict = false;
};

struct CompareArgs {
    std::string scenario;
    std::string seeds;  // default: the scenario's seed
    std::string jobs = "0";
    std::string format = "table";
    std::string out;
    std::vector<std::string> rows;  // --presets
    std::vector<std::string> set;
    std::string plot_dir;  // --plot: SVG plots there
};

using eosim::cli::option_u64;
using eosim::cli::load_with;

using eosim::scenario::SeedRange;

SeedRange parse_seed_range(const std::string& text) { return eosim::scenario::parse_seed_range(text, "--seeds"); }

// Threads for a range: --jobs 0 is every core; never more threads than runs (they would idle).
unsigned jobs_for(const std::string& jobs_text, std::uint64_t runs) {
    const std::uint64_t asked = option_u64("--jobs", jobs_text, kMaxJobs);
    const std::uint64_t all = std::max(1U, std::thread::hardware_concurrency());
    return static_cast<unsigned>(std::min(asked == 0 ? all : asked, runs));
}

// Writes to --out FILE (atomically) when given, else to standard output; commit() checks it all.
class Output {
public:
    explicit Output(const std::string& path) {
        if (!path.empty()) file_.emplace(path);
    }
    std::ostream& stream() { return file_ ? file_->stream() : std::cout; }
    void commit() {
        if (file_) {
            file_->commit();
        } else {
            eosim::cli::check_stdout();
        }
    }

private:
    std::optional<OutputFile> file_;
};

// The trace and history files of a run (each optional), committed even when the run stopped early:
// what was recorded up to the stop, in whole lines.
struct RunFiles {
    std::optional<OutputFile> trace;
    std::optional<OutputFile> history;

    RunFiles(const RunArgs& args, eosim::scenario::RunOptions& options) {
        const std::string same = eosim::cli::same_output_error({{"--out", args.out}, {"--trace", args.trace}, {"--history", args.history}});
        if (!same.empty()) throw ScenarioError(same);
        if (!args.trace.empty()) options.trace_text = &trace.emplace(args.trace).stream();
        if (!args.history.empty()) options.history_jsonl = &history.emplace(args.history).stream();
    }
    void commit() {
        if (trace) trace->commit();
        if (history) history->commit();
    }
};

// A run stopped by a limit or a signal: no report (an earlier --out stays), the reason on stderr.
int report_halt(const eosim::scenario::RunOutcome& outcome) {
    fmt::print(std::cerr, "eosim: {}: seed {}: {}\n", outcome.file, outcome.seed, outcome.halt_message);
    if (outcome.halt == eosim::scenario::Halt::interrupted) return eosim::cli::interrupted_exit_code();
    return kExitRunLimit;
}

// The report of a run, with --check-determinism's result when it ran twice.
void write_run_report(std::ostream& out, const std::string& format, const eosim::scenario::RunOutcome& outcome,
                      const eosim::report::DeterminismCheck* determinism) {
    if (format == "json") {
        nlohmann::ordered_json j = eosim::report::to_json(outcome);
        if (determinism != nullptr) j["determinism"] = eosim::report::determinism_json(*determinism);
        out << j.dump(2) << '\n';
        return;
    }
    eosim::report::write_table(out, outcome);
    if (determinism != nullptr) eosim::report::write_determinism(out, *determinism);
}

int command_run(const RunArgs& args, bool seed_given) {
    const std::uint64_t seed = seed_given ? option_u64("--seed", args.seed, UINT64_MAX) : 0;
    const eosim::scenario::Scenario s = load_with(args.scenario, args.set);
    eosim::scenario::RunOptions options;
    options.seed = seed_given ? seed : s.seed;
    options.interrupt = &eosim::cli::interrupt_flag();
    RunFiles files(args, options);
    Output output(args.out);
    if (args.check_determinism) {
        const eosim::report::DeterminismCheck checked = eosim::report::check_determinism(s, options);
        files.commit();
        if (checked.first.halt != eosim::scenario::Halt::none) return report_halt(checked.first);
        write_run_report(output.stream(), args.format, checked.first, &checked);
        output.commit();
        if (!checked.deterministic()) return kExitNondeterministic;
        return checked.first.expectations_met() ? kExitOk : kExitExpectationFailed;
    }
    const eosim::scenario::RunOutcome outcome = eosim::scenario::run_scenario(s, options);
    files.commit();
    if (outcome.halt != eosim::scenario::Halt::none) return report_halt(outcome);
    write_run_report(output.stream(), args.format, outcome, nullptr);
    output.commit();
    return outcome.expectations_met() ? kExitOk : kExitExpectationFailed;
}

int command_validate(const std::string& path) {
    const eosim::scenario::Scenario s = eosim::scenario::load_scenario(path);
    fmt::print("{}: valid scenario \"{}\" ({} broker(s), {} producer(s), {} consumer(s), {} "
               "fault(s){})\n",
               path, s.name, s.brokers, s.producers.size(), s.consumers.size(), s.faults.size(),
               s.expect ? ", with expectations" : "");
    for (const std::string& note : s.config_notes) fmt::print("  config: {}\n", note);
    eosim::cli::check_stdout();
    return kExitOk;
}

int command_sweep(const SweepArgs& args) {
    const SeedRange whole = parse_seed_range(args.seeds);
    std::optional<eosim::scenario::Shard> shard;
    if (!args.shard.empty()) {
        shard = eosim::scenario::parse_shard(args.shard, "--shard", whole);
        if (args.format != "json") throw ScenarioError("--shard: a shard's report is for eosim merge: add --format json");
    }
    const auto [first, last] = shard ? eosim::scenario::shard_range(whole, *shard) : whole;
    const unsigned jobs = jobs_for(args.jobs, last - first + 1);
    const eosim::scenario::Scenario s = load_with(args.scenario, args.set);
    eosim::explore::SweepProgress progress;
    std::optional<eosim::cli::ProgressLine> line;
    line.emplace(progress, last - first + 1);
    const eosim::explore::SweepSummary summary =
        eosim::explore::sweep(s, first, last, jobs, &eosim::cli::interrupt_flag(), &progress);
    line.reset();  // erased before the report
    if (summary.interrupted) {
        fmt::print(std::cerr, "eosim: {}: sweep interrupted; no report\n", s.file);
        return eosim::cli::interrupted_exit_code();
    }
    if (shard) {
        std::cout << eosim::report::shard_json(summary, args.runs == "all", *shard, whole).dump(2) << '\n';
    } else if (args.format == "json") {
        std::cout << eosim::report::to_json(summary, args.runs == "all").dump(2) << '\n';
    } else {
        eosim::report::write_table(std::cout, summary);
    }
    eosim::cli::check_stdout();
    if (!summary.halted_seeds.empty()) return kExitRunLimit;
    // A shard cannot judge sweep-wide tallies ("on at least 5% of seeds"): eosim merge does. It
    // fails only for its own seeds' expectations.
    if (shard) return summary.failing_seeds.empty() ? kExitOk : kExitExpectationFailed;
    return summary.all_met() ? kExitOk : kExitExpectationFailed;
}

// Exit 1 when the exactly-once rows (every row but the weaker presets) miss a safety verdict is
// not the job of compare: it reports, and exits 0, unless a run stopped at a limit (3).
int command_compare(const CompareArgs& args) {
    const eosim::scenario::Scenario s = load_with(args.scenario, args.set);
    const SeedRange range = args.seeds.empty() ? SeedRange{s.seed, s.seed} : parse_seed_range(args.seeds);
    const std::uint64_t rows = args.rows.empty() ? eosim::explore::delivery_presets().size() + s.compare_variants.size()
                                                 : args.rows.size();
    const unsigned jobs = jobs_for(args.jobs, rows * (range.last - range.first + 1));
    Output output(args.out);
    const eosim::explore::Comparison comparison =
        eosim::explore::compare(s, args.rows, range.first, range.last, jobs, &eosim::cli::interrupt_flag());
    if (comparison.interrupted) {
        fmt::print(std::cerr, "eosim: {}: compare interrupted; no report\n", s.file);
        return eosim::cli::interrupted_exit_code();
    }
    eosim::report::write_comparison(output.stream(), comparison, args.format);
    output.commit();
    if (!args.plot_dir.empty()) eosim::cli::write_compare_plots(comparison, args.plot_dir);
    for (const auto& row : comparison.rows) {
        for (const auto& run : row.runs) {
            if (!run.halt.empty()) return kExitRunLimit;
        }
    }
    return kExitOk;
}

// Exit 0 when every case passed (skipped ones too, unless --strict made them failures), 1 when one
// failed, 2 when a file did not load; the JUnit file is written either way.
int command_test(const TestArgs& args) {
    eosim::explore::TestOptions options;
    if (!args.seeds.empty()) options.seeds = parse_seed_range(args.seeds);
    options.jobs = jobs_for(args.jobs, kMaxJobs);
    options.strict = args.strict;
    options.interrupt = &eosim::cli::interrupt_flag();
    const std::vector<std::string> files = eosim::explore::scenario_files(args.paths);
    if (files.empty()) throw ScenarioError("eosim test: no scenario files (*.json) in the paths given");
    std::optional<OutputFile> junit;
    if (!args.junit.empty()) junit.emplace(args.junit);
    std::vector<eosim::explore::TestCase> cases;
    for (const std::string& file : files) {
        if (eosim::cli::interrupt_flag().load()) break;
        cases.push_back(eosim::explore::run_test_case(file, options));
        eosim::report::write_test_case(std::cout, cases.back());
        std::cout.flush();  // progress, one line per scenario
    }
    const eosim::report::TestTotals totals = eosim::report::totals_of(cases);
    fmt::print("\n{}\n", eosim::report::totals_line(totals));
    if (junit) {
        eosim::report::write_junit(junit->stream(), cases);
        junit->commit();
    }
    eosim::cli::check_stdout();
    if (eosim::cli::interrupt_flag().load()) return eosim::cli::interrupted_exit_code();
    if (totals.errors > 0) return kExitBadInput;
    return totals.failed > 0 ? kExitExpectationFailed : kExitOk;
}

int command_draw(const std::string& path, const std::string& seed_text, bool seed_given) {
    const std::uint64_t seed = seed_given ? option_u64("--seed", seed_text, UINT64_MAX) : 0;
    const eosim::scenario::Scenario s = eosim::scenario::load_scenario(path);
    std::cout << eosim::scenario::drawn_source(s, seed_given ? seed : s.seed).dump(2) << '\n';
    eosim::cli::check_stdout();
    return kExitOk;
}

int command_check(const std::string& path, const std::string& format, const std::string& out_path) {
    std::ifstream in = eosim::base::open_input_file(path);
    const eosim::check::HistoryCheck checked = eosim::check::check_history(in, path);
    Output output(out_path);
    if (format == "json") {
        nlohmann::ordered_json j;
        j["file"] = path;
        j["operations"] = checked.operations;
        j["valid"] = checked.valid();
        j["verdicts"] = eosim::report::verdicts_json(checked.result);
        nlohmann::ordered_json counts;
        for (const std::string& name : eosim::scenario::count_names()) {
            counts[name] = eosim::scenario::count_by_name(checked.result.counts, name);
        }
        j["counts"] = counts;
        j["anomalies"] = eosim::report::anomalies_json(checked.anomalies);
        j["figures"] = eosim::report::figures_json(checked.figures);
        output.stream() << j.dump(2) << '\n';
    } else {
        fmt::print(output.stream(), "history    {} ({} operations)\n", path, checked.operations);
        eosim::report::write_checks(output.stream(), checked.result, checked.anomalies);
        eosim::report::write_figures(output.stream(), checked.figures);
        fmt::print(output.stream(), "\n{}\n", checked.valid() ? "valid" : "INVALID");
    }
    output.commit();
    return checked.valid() ? kExitOk : kExitExpectationFailed;
}

struct BenchArgs {
    eosim::bench::BenchOptions options;
    std::string format = "table";
    std::string out;
};

CLI::App* add_bench_command(CLI::App& app, BenchArgs& args) {
    auto* cmd = app.add_subcommand("bench", "Measure eosim's speed and memory (wall clock)");
    cmd->add_option("--format", args.format, "Output format")->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    cmd->add_option("--out", args.out, "Write the report to FILE instead of stdout");
    cmd->add_flag("--quick", args.options.quick, "Tiny sizes: checks the report, not the speed");
    cmd->add_option("--scenarios", args.options.scenarios_dir, "The shipped scenarios' directory")
        ->check(CLI::ExistingDirectory)->capture_default_str();
    return cmd;
}

// Wall-clock figures: a bench never fails on them; exit 1 only if a workload's checks failed.
int command_bench(const eosim::bench::BenchOptions& options, const std::string& format, const std::string& out_path) {
    eosim::bench::BenchResult result;
    try {
        result = eosim::bench::run_bench(options);
    } catch (const std::runtime_error& e) {
        fmt::print(std::cerr, "eosim: {}\n", e.what());
        return kExitExpectationFailed;
    }
    Output output(out_path);
    if (format == "json") {
        output.stream() << eosim::bench::to_json(result).dump(2) << '\n';
    } else {
        eosim::bench::write_table(output.stream(), result);
    }
    output.commit();
    for (const auto& w : result.workloads) {
        if (!w.checks_hold) return kExitExpectationFailed;
    }
    return kExitOk;
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"eosim: deterministic simulation of Kafka-style delivery semantics under faults"};
    app.set_version_flag("-V,--version", kVersion);
    app.require_subcommand(1);
    // Usage errors read like every other error: "eosim: what was wrong", then the usage hint.
    app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
        return "eosim: " + CLI::FailureMessage::simple(failed, e);
    });

    RunArgs run;
    auto* run_cmd = app.add_subcommand("run", "Run a scenario once and check its history");
    run_cmd->add_option("scenario", run.scenario, "Scenario file (JSON)")->required();
    auto* seed_opt = run_cmd->add_option("--seed", run.seed, "Seed (default: the scenario's)");
    run_cmd->add_option("--format", run.format, "Output format")
        ->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    run_cmd->add_option("--out", run.out, "Write the report to FILE instead of stdout");
    run_cmd->add_option("--trace", run.trace, "Write the full trace to FILE");
    run_cmd->add_option("--history", run.history, "Write the history as JSON Lines to FILE");
    run_cmd->add_flag("--check-determinism", run.check_determinism,
                      "Run the seed twice and report the first differing trace record (exit 4)");

    run_cmd->add_option("--set", run.set, "Override POINTER=VALUE in the scenario's JSON (repeatable; '*' matches every element)");

    std::string validate_path;
    auto* validate_cmd = app.add_subcommand("validate", "Check a scenario file without running it");
    validate_cmd->add_option("scenario", validate_path, "Scenario file (JSON)")->required();

    SweepArgs sweep_args;
    auto* sweep_cmd = app.add_subcommand("sweep", "Run a scenario over a range of seeds");
    sweep_cmd->add_option("scenario", sweep_args.scenario, "Scenario file (JSON)")->required();
    sweep_cmd->add_option("--seeds", sweep_args.seeds, "Seed range FIRST..LAST")->capture_default_str();
    sweep_cmd->add_option("--jobs", sweep_args.jobs, "Threads, at most 256 and the seed count (default 0: all cores)");
    sweep_cmd->add_option("--format", sweep_args.format, "Output format")
        ->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    sweep_cmd->add_option("--runs", sweep_args.runs, "JSON: list all runs, or only failing ones")
        ->check(CLI::IsMember({"all", "failing"}))->capture_default_str();
    sweep_cmd->add_option("--shard", sweep_args.shard,
                          "K/N: run only the K-th of N even blocks of the seeds, as JSON for `eosim merge`");
    sweep_cmd->add_option("--set", sweep_args.set, "Override POINTER=VALUE in the scenario's JSON (repeatable)");

    CompareArgs compare_args;
    auto* compare_cmd = app.add_subcommand(
        "compare", "Run one workload and fault schedule under each delivery preset and compare loss, duplicates and cost");
    compare_cmd->add_option("scenario", compare_args.scenario, "Scenario file (JSON)")->required();
    compare_cmd->add_option("--seeds", compare_args.seeds, "Seed range FIRST..LAST or one seed (default: the scenario's)");
    compare_cmd->add_option("--jobs", compare_args.jobs, "Threads (default 0: all cores)");
    compare_cmd->add_option("--format", compare_args.format, "Output format")
        ->check(CLI::IsMember({"table", "json", "csv", "markdown"}))->capture_default_str();
    compare_cmd->add_option("--out", compare_args.out, "Write the report to FILE instead of stdout");
    compare_cmd->add_option("--presets", compare_args.rows,
                            "Rows to run, in order: preset or compare.variants names (default: all)")->delimiter(',');
    compare_cmd->add_option("--set", compare_args.set, "Override POINTER=VALUE before the presets apply (repeatable)");
    compare_cmd->add_option("--plot", compare_args.plot_dir,
                            "Write SVG plots of throughput and latency per preset into DIR (needs gnuplot)");

    TestArgs test_args;
    auto* test_cmd = app.add_subcommand("test", "Run every scenario's expectations over its seeds (CI): N passed, N failed");
    test_cmd->add_option("paths", test_args.paths, "Scenario files or directories (their *.json)")->required();
    test_cmd->add_option("--seeds", test_args.seeds, "Seed range FIRST..LAST or one seed for every scenario "
                                                      "(default: each scenario's `seeds`, else its `seed`)");
    test_cmd->add_option("--jobs", test_args.jobs, "Threads per scenario (default 0: all cores)");
    test_cmd->add_option("--junit", test_args.junit, "Write JUnit XML to FILE");
    test_cmd->add_flag("--strict", test_args.strict,
                       "Require an expect block naming every safety verdict (a scenario without is a failure)");

    std::string draw_path;
    std::string draw_seed;
    auto* draw_cmd = app.add_subcommand("draw", "Print the scenario a swarm draws for a seed (JSON)");
    draw_cmd->add_option("scenario", draw_path, "Scenario file (JSON)")->required();
    auto* draw_seed_opt = draw_cmd->add_option("--seed", draw_seed, "Seed (default: the scenario's)");

    std::string check_path;
    std::string check_format = "table";
    std::string check_out;
    auto* check_cmd = app.add_subcommand("check", "Check a history recorded elsewhere (JSON Lines)");
    check_cmd->add_option("history", check_path, "History file (.jsonl)")->required();
    check_cmd->add_option("--format", check_format, "Output format")
        ->check(CLI::IsMember({"table", "json"}))->capture_default_str();
    check_cmd->add_option("--out", check_out, "Write the report to FILE instead of stdout");

    BenchArgs bench;
    auto* bench_cmd = add_bench_command(app, bench);
    eosim::cli::SeedCommandArgs freeze;
    auto* freeze_cmd = eosim::cli::add_freeze_command(app, freeze);
    eosim::cli::SeedCommandArgs shrink;
    auto* shrink_cmd = eosim::cli::add_shrink_command(app, shrink);
    eosim::cli::KnockoutArgs knockout;
    auto* knockout_cmd = eosim::cli::add_knockout_command(app, knockout);
    eosim::cli::ExplainArgs explain;
    auto* explain_cmd = eosim::cli::add_explain_command(app, explain);
    eosim::cli::MergeArgs merge;
    auto* merge_cmd = eosim::cli::add_merge_command(app, merge);
    eosim::cli::TraceArgs trace;
    auto* trace_cmd = eosim::cli::add_trace_command(app, trace);
    eosim::cli::SaturateArgs saturate;
    auto* saturate_cmd = eosim::cli::add_saturate_command(app, saturate);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        return app.exit(e) == 0 ? kExitOk : kExitBadInput;
    }
    eosim::cli::install_interrupt_handlers();
    try {
        if (*run_cmd) return command_run(run, seed_opt->count() > 0);
        if (*validate_cmd) return command_validate(validate_path);
        if (*sweep_cmd) return command_sweep(sweep_args);
        if (*compare_cmd) return command_compare(compare_args);
        if (*test_cmd) return command_test(test_args);
        if (*draw_cmd) return command_draw(draw_path, draw_seed, draw_seed_opt->count() > 0);
        if (*check_cmd) return command_check(check_path, check_format, check_out);
        if (*bench_cmd) return command_bench(bench.options, bench.format, bench.out);
        if (*freeze_cmd) return eosim::cli::command_freeze(freeze);
        if (*shrink_cmd) return eosim::cli::command_shrink(shrink);
        if (*knockout_cmd) return eosim::cli::command_knockout(knockout);
        if (*trace_cmd) return eosim::cli::command_trace(trace);
        if (*saturate_cmd) return eosim::cli::command_saturate(saturate);
        if (*merge_cmd) return eosim::cli::command_merge(merge);
        if (*explain_cmd) return eosim::cli::command_explain(explain);
    } catch (const eosim::history::HistoryFormatError& e) {
        fmt::print(std::cerr, "eosim: {}\n", e.what());
        return kExitBadInput;
    } catch (const ScenarioError& e) {
        fmt::print(std::cerr, "eosim: {}\n", e.what());
        return kExitBadInput;
    } catch (const eosim::base::InputFileError& e) {
        fmt::print(std::cerr, "eosim: {}\n", e.what());
        return kExitBadInput;
    } catch (const eosim::cli::OutputError& e) {
        fmt::print(std::cerr, "eosim: {}\n", e.what());
        return kExitOutputFailed;
    } catch (const std::bad_alloc&) {
        fmt::print(std::cerr, "eosim: out of memory (lower run.max_memory_mb so the run stops at its budget)\n");
        return kExitRunLimit;
    }
    return kExitBadInput;
}
