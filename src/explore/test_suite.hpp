#pragma once
// `eosim test`: every scenario file's expectations over its seed list, as a CI step. One case per
// file: passed (every seed and every expect_sweep met), failed (with why, per failing seed),
// skipped (no expectations; a failure under --strict) or error (the file does not load).
#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "scenario/seed_range.hpp"

namespace eosim::explore {

struct TestCase {
    enum class Status : std::uint8_t { passed, failed, skipped, error };
    std::string file;
    std::string name;  // the scenario's name, or the file's when it does not load
    Status status = Status::passed;
    scenario::SeedRange seeds;
    std::vector<std::string> failures;  // why it failed, skipped or errored: one line each
};

struct TestOptions {
    std::optional<scenario::SeedRange> seeds;  // --seeds: instead of each scenario's own
    bool strict = false;  // an expect block naming every safety verdict is required
    unsigned jobs = 1;
    const std::atomic<bool>* interrupt = nullptr;
};

// The scenario files of each path: a file as given, a directory's *.json in name order.
// Throws ScenarioError for a path that is neither.
std::vector<std::string> scenario_files(const std::vector<std::string>& paths);

// Runs one file over its seeds (or options.seeds); never throws for a bad file: that is an error case.
TestCase run_test_case(const std::string& file, const TestOptions& options);

// The safety verdicts --strict wants named in every expect block (the liveness ones are optional).
const std::vector<std::string>& safety_verdicts();

std::string_view status_name(TestCase::Status status);

}  // namespace eosim::explore
