// The bench's measurements. Each workload runs in a forked child, so its peak memory is its own
// and the parent stays small; the sweep runs last, in the parent, on threads.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <stdexcept>

#include "bench/bench.hpp"
#include "explore/sweep.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "sim/event_queue.hpp"
#include "sim/prng.hpp"

namespace eosim::bench {
namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

long resident_kib() {
    long pages_total = 0;
    long pages_resident = 0;
    std::FILE* statm = std::fopen("/proc/self/statm", "r");
    if (statm == nullptr) return 0;
    if (std::fscanf(statm, "%ld %ld", &pages_total, &pages_resident) != 2) pages_resident = 0;
    std::fclose(statm);
    return pages_resident * (sysconf(_SC_PAGESIZE) / 1024);
}

long peak_resident_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// The bare loop the protocol is compared with: pop one event, push one, 1,000 pending.
double bare_events_per_s(std::uint64_t events) {
    sim::EventQueue queue;
    sim::Prng prng(1);
    for (int i = 0; i < 1000; ++i) queue.push({static_cast<std::int64_t>(prng.below(1000)), 0, {}, 0, 0, 0, 0});
    const auto start = Clock::now();
    std::uint64_t checksum = 0;
    for (std::uint64_t i = 0; i < events; ++i) {
        const sim::Event e = queue.pop();
        checksum += e.token;
        queue.push({e.time_us + 1 + static_cast<std::int64_t>(prng.below(1000)), 0, {}, 0, 0, i, 0});
    }
    const double elapsed = seconds_since(start);
    if (checksum == 42) std::puts("");  // keep the loop
    return static_cast<double>(events) / elapsed;
}

struct ChildReport {
    std::uint64_t values = 0;
    std::uint64_t events = 0;
    double seconds = 0;
    long growth_kib = 0;
    bool holds = false;
};

ChildReport run_here(const std::string& text) {
    const long before_kib = resident_kib();
    const auto start = Clock::now();
    const scenario::RunOutcome outcome = scenario::run_scenario(scenario::parse_scenario(text, "bench"), {});
    ChildReport report;
    report.seconds = seconds_since(start);
    report.growth_kib = peak_resident_kib() - before_kib;
    report.values = outcome.check.counts.sent;
    report.events = outcome.metrics.events;
    report.holds = outcome.expectations_met() && outcome.halt == scenario::Halt::none;
    return report;
}

// Runs the scenario in a child process and reads its report from a pipe.
ChildReport run_in_child(const std::string& text) {
    int fds[2];
    if (pipe(fds) != 0) throw std::runtime_error("bench: pipe failed");
    const pid_t child = fork();
    if (child < 0) throw std::runtime_error("bench: fork failed");
    if (child == 0) {
        close(fds[0]);
        ChildReport report;
        try {
            report = run_here(text);
        } catch (const std::exception& e) {
            std::fprintf(stderr, "eosim bench: %s\n", e.what());
        }
        const bool written = write(fds[1], &report, sizeof report) == static_cast<ssize_t>(sizeof report);
        _exit(written ? 0 : 1);
    }
    close(fds[1]);
    ChildReport report;
    const ssize_t got = read(fds[0], &report, sizeof report);
    close(fds[0]);
    int status = 0;
    waitpid(child, &status, 0);
    if (got != static_cast<ssize_t>(sizeof report) || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        throw std::runtime_error("bench: a workload run failed");
    }
    return report;
}

WorkloadResult workload(const std::string& name, const std::string& text) {
    const ChildReport report = run_in_child(text);
    WorkloadResult result;
    result.name = name;
    result.values = report.values;
    result.events = report.events;
    result.seconds = report.seconds;
    result.values_per_s = static_cast<double>(report.values) / report.seconds;
    result.bytes_per_value = static_cast<double>(report.growth_kib) * 1024.0 / static_cast<double>(report.values);
    result.checks_hold = report.holds;
    return result;
}

}  // namespace

namespace {

// The plain workload at 1x, 10x, 100x and 1000x a base size, while the next row's projected time
// and memory (11x and 10x the row before) fit the budgets; the rest are listed as skipped.
std::vector<ScalingRow> scaling(const BenchOptions& options) {
    std::vector<ScalingRow> rows;
    std::string skip_reason;
    std::uint64_t values = options.quick ? 200 : 10'000;
    for (int i = 0; i < 4; ++i, values *= 10) {
        ScalingRow row;
        row.values = values;
        if (!skip_reason.empty()) {
            row.skipped = true;
            row.reason = skip_reason;
            rows.push_back(row);
            continue;
        }
        if (options.quick && i >= 2) {
            row.skipped = true;
            row.reason = "quick run";
            rows.push_back(row);
            continue;
        }
        const WorkloadResult run = workload("plain", plain_workload(values));
        row.seconds = run.seconds;
        if (!rows.empty()) row.time_ratio = run.seconds / rows.back().seconds;
        rows.push_back(row);
        const double next_mb = run.bytes_per_value * static_cast<double>(values) * 10.0 / 1048576.0;
        if (run.seconds * 11.0 > options.scaling_budget_s) {
            skip_reason = "projected over the time budget";
        } else if (next_mb > options.memory_budget_mb) {
            skip_reason = "projected over the memory budget";
        }
    }
    return rows;
}

double seeds_per_s(const scenario::Scenario& s, std::uint64_t seeds, unsigned jobs) {
    const auto start = Clock::now();
    const explore::SweepSummary summary = explore::sweep(s, 1, seeds, jobs);
    if (summary.seeds.size() != seeds) throw std::runtime_error("bench: the sweep did not run every seed");
    return static_cast<double>(seeds) / seconds_since(start);
}

}  // namespace

BenchResult run_bench(const BenchOptions& options) {
    BenchResult result;
    result.quick = options.quick;
    result.bare_events_per_s = bare_events_per_s(options.quick ? 200'000 : 20'000'000);
    const std::uint64_t values = options.quick ? 400 : 200'000;
    result.workloads.push_back(workload("plain", plain_workload(values)));
    result.workloads.push_back(workload("idempotent", idempotent_workload(values)));
    result.workloads.push_back(
        workload("exactly_once_pipeline_with_faults", exactly_once_workload(options.scenarios_dir, values)));
    const WorkloadResult& plain = result.workloads.front();
    result.protocol_events_per_s = static_cast<double>(plain.events) / plain.seconds;
    result.ratio = result.protocol_events_per_s / result.bare_events_per_s;
    result.scaling = scaling(options);
    result.sweep_scenario = options.scenarios_dir + "/pipeline-exactly-once.json";
    result.sweep_seeds = options.quick ? 2 : 200;  // 20 took 0.1 s: too short to time steadily
    const scenario::Scenario s = scenario::load_scenario(result.sweep_scenario);
    result.jobs1_seeds_per_s = seeds_per_s(s, result.sweep_seeds, 1);
    result.jobs2_seeds_per_s = seeds_per_s(s, result.sweep_seeds, 2);
    result.peer = measure_peer(values);
    return result;
}

}  // namespace eosim::bench
