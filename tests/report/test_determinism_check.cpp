// `eosim run --check-determinism`: the comparison that finds the first differing trace record,
// shown to work on two traces that do differ (two seeds), and the run-twice check itself.
#include <doctest/doctest.h>

#include <sstream>
#include <string>
#include <vector>

#include "report/determinism_check.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "sim/trace_diff.hpp"

using eosim::sim::first_trace_difference;

namespace {

eosim::scenario::Scenario shipped(const std::string& name) {
    return eosim::scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + name + ".json");
}

std::string trace_of(const eosim::scenario::Scenario& s, std::uint64_t seed) {
    std::ostringstream text;
    eosim::scenario::run_scenario(s, eosim::scenario::RunOptions{seed, &text, nullptr});
    return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

}  // namespace

TEST_CASE("identical traces have no difference") {
    CHECK_FALSE(first_trace_difference("", ""));
    CHECK_FALSE(first_trace_difference("       1.000ms state a x\n", "       1.000ms state a x\n"));
}

TEST_CASE("the first differing record is reported with its index, time and both versions") {
    const std::string a = "       1.000ms state a x\n       2.500ms state a y v=1\n       3.000ms state a z\n";
    const std::string b = "       1.000ms state a x\n       2.500ms state a y v=2\n       3.000ms state a z\n";
    const auto d = first_trace_difference(a, b);
    REQUIRE(d);
    CHECK(d->index == 1);
    CHECK(d->time_ms == "2.500");
    CHECK(d->first == "       2.500ms state a y v=1");
    CHECK(d->second == "       2.500ms state a y v=2");
}

TEST_CASE("a trace that ends early differs at the first record the other has beyond it") {
    const std::string a = "       1.000ms state a x\n";
    const std::string b = "       1.000ms state a x\n       4.000ms node a crash\n";
    const auto d = first_trace_difference(a, b);
    REQUIRE(d);
    CHECK(d->index == 1);
    CHECK(d->time_ms == "4.000");
    CHECK(d->first.empty());
    CHECK(d->second == "       4.000ms node a crash");
}

TEST_CASE("two seeds through the comparison: the reported record is the first that differs") {
    const eosim::scenario::Scenario s = shipped("producer-retries-without-idempotence");
    const std::string seven = trace_of(s, 7);
    const std::string eight = trace_of(s, 8);
    const auto d = first_trace_difference(seven, eight);
    REQUIRE(d);
    const std::vector<std::string> a = lines_of(seven);
    const std::vector<std::string> b = lines_of(eight);
    REQUIRE(d->index < a.size());
    REQUIRE(d->index < b.size());
    for (std::uint64_t i = 0; i < d->index; ++i) CHECK(a[i] == b[i]);
    CHECK(a[d->index] == d->first);
    CHECK(b[d->index] == d->second);
    CHECK(d->first != d->second);
    CHECK(d->first.find(d->time_ms + "ms") != std::string::npos);
}

TEST_CASE("check_determinism runs the seed twice and finds the runs identical") {
    const eosim::scenario::Scenario s = shipped("nemesis-exactly-once-pipeline");
    std::ostringstream trace;
    const eosim::report::DeterminismCheck checked =
        eosim::report::check_determinism(s, eosim::scenario::RunOptions{5, &trace, nullptr});
    CHECK(checked.deterministic());
    CHECK(checked.records > 0);
    CHECK(checked.first.trace_hash == checked.second_trace_hash);
    CHECK(checked.first.trace_hash == eosim::scenario::run_scenario(s, {5, nullptr, nullptr}).trace_hash);
    CHECK(trace.str() == trace_of(s, 5));  // the requested trace is the first run's
    std::ostringstream text;
    eosim::report::write_determinism(text, checked);
    CHECK(text.str().find("trace records identical in both runs") != std::string::npos);
}

TEST_CASE("a failed determinism check names the record, the time and both versions") {
    eosim::report::DeterminismCheck checked;
    checked.first.seed = 9;
    checked.first.trace_hash = 1;
    checked.second_trace_hash = 2;
    checked.difference = eosim::sim::TraceDifference{41, "12.000", "       12.000ms state p a=1",
                                                     "       12.000ms state p a=2"};
    CHECK_FALSE(checked.deterministic());
    std::ostringstream text;
    eosim::report::write_determinism(text, checked);
    CHECK(text.str() ==
          "determinism: FAILED, seed 9 gave two different traces (trace_hash 0000000000000001 and "
          "0000000000000002)\n"
          "  first difference at record 41 (simulated time 12.000 ms):\n"
          "    run 1:        12.000ms state p a=1\n"
          "    run 2:        12.000ms state p a=2\n");
    const auto j = eosim::report::determinism_json(checked);
    CHECK(j["deterministic"] == false);
    CHECK(j["first_difference"]["index"] == 41);
}
