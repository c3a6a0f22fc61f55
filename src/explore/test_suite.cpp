#include "explore/test_suite.hpp"

#include <algorithm>
#include <filesystem>

#include <fmt/format.h>

#include "check/verdict_name.hpp"
#include "explore/sweep.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/scenario.hpp"

namespace eosim::explore {
namespace {

constexpr std::size_t kFailingSeedsListed = 10;

// --strict: an expectation on each safety verdict, so a regression in any of them fails the case.
std::vector<std::string> strict_gaps(const scenario::Scenario& s) {
    if (!s.expect && s.expect_sweep.empty()) return {"no expect block (--strict requires one)"};
    if (!s.expect) return {};  // a swarm judged by expect_sweep over its seeds
    std::vector<std::string> missing;
    for (const std::string& name : safety_verdicts()) {
        if (s.expect->verdicts.count(name) == 0) missing.push_back(name);
    }
    if (missing.empty()) return {};
    return {fmt::format("expect.verdicts does not name {} (--strict requires every safety verdict)",
                        fmt::join(missing, ", "))};
}

void judge(const SweepSummary& summary, TestCase& out) {
    for (const SweepTally& t : summary.sweep_expectations) {
        if (!t.met()) {
            out.failures.push_back(fmt::format("expect_sweep: {} on {} seed(s), required {}", t.expectation.text(),
                                               t.seeds, t.required));
        }
    }
    std::size_t listed = 0;
    for (const SeedResult& r : summary.seeds) {
        if (r.expectations_met) continue;
        if (listed++ == kFailingSeedsListed) {
            out.failures.push_back(fmt::format("... {} failing seed(s) in all", summary.failing_seeds.size()));
            break;
        }
        out.failures.push_back(fmt::format("seed {}: {}", r.seed, fmt::join(r.expectation_failures, "; ")));
    }
    if (summary.interrupted) out.failures.push_back("interrupted");
    out.status = out.failures.empty() ? TestCase::Status::passed : TestCase::Status::failed;
}

}  // namespace

const std::vector<std::string>& safety_verdicts() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> all;
        for (const check::VerdictName v : check::all_verdicts()) {
            if (v == check::VerdictName::no_hanging_transactions || v == check::VerdictName::transactions_completed ||
                v == check::VerdictName::quiesced) {
                continue;
            }
            all.emplace_back(check::verdict_name(v));
        }
        return all;
    }();
    return names;
}

std::string_view status_name(TestCase::Status status) {
    switch (status) {
        case TestCase::Status::passed: return "PASS";
        case TestCase::Status::failed: return "FAIL";
        case TestCase::Status::skipped: return "SKIP";
        case TestCase::Status::error: return "ERROR";
    }
    return "?";
}

std::vector<std::string> scenario_files(const std::vector<std::string>& paths) {
    std::vector<std::string> files;
    for (const std::string& path : paths) {
        std::error_code error;
        if (std::filesystem::is_directory(path, error)) {
            std::vector<std::string> in_dir;
            for (const auto& entry : std::filesystem::directory_iterator(path, error)) {
                if (entry.path().extension() == ".json" && !entry.is_directory()) in_dir.push_back(entry.path().string());
            }
            if (error) throw scenario::ScenarioError(fmt::format("{}: cannot list the directory: {}", path, error.message()));
            std::sort(in_dir.begin(), in_dir.end());  // directory order is the file system's
            files.insert(files.end(), in_dir.begin(), in_dir.end());
        } else if (std::filesystem::exists(path, error)) {
            files.push_back(path);
        } else {
            throw scenario::ScenarioError(fmt::format("{}: no such file or directory", path));
        }
    }
    return files;
}

TestCase run_test_case(const std::string& file, const TestOptions& options) {
    TestCase out;
    out.file = file;
    out.name = std::filesystem::path(file).stem().string();
    scenario::Scenario s;
    try {
        s = scenario::load_scenario(file);
        out.name = s.name;
        out.seeds = options.seeds.value_or(s.seeds.value_or(scenario::SeedRange{s.seed, s.seed}));
        if (options.strict) out.failures = strict_gaps(s);
        if (!out.failures.empty()) {
            out.status = TestCase::Status::failed;
            return out;
        }
        if (!s.expect && s.expect_sweep.empty()) {
            out.status = TestCase::Status::skipped;
            out.failures.push_back("no expectations");
            return out;
        }
        const auto jobs = static_cast<unsigned>(std::min<std::uint64_t>(std::max(options.jobs, 1U), out.seeds.count()));
        judge(sweep(s, out.seeds.first, out.seeds.last, jobs, options.interrupt), out);
    } catch (const scenario::ScenarioError& e) {
        out.status = TestCase::Status::error;
        out.failures = {e.what()};
    }
    return out;
}

}  // namespace eosim::explore
