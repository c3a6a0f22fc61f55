// eosim freeze and eosim shrink: a frozen seed replays its run, and a failing seed shrinks to a
// few faults that still fail the same way.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <set>
#include <string>

#include "explore/shrink.hpp"
#include "scenario/freeze.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"

using namespace eosim;
using namespace eosim::scenario;

namespace {

std::string shipped_path(const std::string& name) { return std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + name + ".json"; }

std::uint64_t trace_hash_of(const Scenario& s, std::uint64_t seed) {
    RunOptions options;
    options.seed = seed;
    return run_scenario(s, options).trace_hash;
}

// The shipped nemesis pipeline with input offsets committed outside the transaction.
Scenario offsets_outside_transaction() {
    std::ifstream in(shipped_path("nemesis-exactly-once-pipeline"));
    nlohmann::json json = nlohmann::json::parse(in);
    json["knockouts"] = {{"offsets_in_transaction", true}};
    // A second reader the failure does not need, for shrink to remove.
    nlohmann::json second_reader = json["consumers"][0];
    second_reader["name"] = "reader-b";
    second_reader["group"] = "readers-b";
    json["consumers"].push_back(second_reader);
    return parse_scenario_json(json, "offsets-outside-transaction.json");
}

}  // namespace

TEST_CASE("ddmin: a 1-minimal failing subset") {
    std::vector<std::size_t> items{0, 1, 2, 3, 4, 5, 6, 7, 8, 9};
    std::size_t calls = 0;
    const auto needs_3_and_7 = [&calls](const std::vector<std::size_t>& subset) {
        ++calls;
        const std::set<std::size_t> s(subset.begin(), subset.end());
        return s.count(3) == 1 && s.count(7) == 1;
    };
    CHECK(explore::ddmin(items, needs_3_and_7) == std::vector<std::size_t>{3, 7});
    CHECK(calls < 40);
    CHECK(explore::ddmin(items, [](const std::vector<std::size_t>&) { return true; }).empty());
}

TEST_CASE("freeze: the frozen swarm seed replays the same trace, nemesis written out as faults") {
    const Scenario swarm = load_scenario(shipped_path("swarm-exactly-once"));
    for (const std::uint64_t seed : {64492u, 3u}) {
        CAPTURE(seed);
        const FrozenScenario frozen = freeze_scenario(swarm, seed);
        CHECK_FALSE(frozen.json.contains("nemesis"));
        CHECK_FALSE(frozen.json.contains("swarm"));
        CHECK(frozen.json["seed"] == seed);
        CHECK(frozen.nemesis_faults == frozen.json["faults"].size());
        const Scenario replay = parse_scenario_json(frozen.json, "frozen.json");
        CHECK(trace_hash_of(replay, seed) == trace_hash_of(scenario_for_seed(swarm, seed), seed));
    }
    // The replicated nemesis draws what a hand-written file may not have: seed 1 a delay from
    // broker-0 to itself, seed 17 a power loss of broker-2 while a crash window of it is still
    // drawn (the later crash does nothing, its restart does). "nemesis": true keeps them.
    const Scenario replicated = load_scenario(shipped_path("nemesis-replicated-exactly-once-pipeline"));
    for (const std::uint64_t seed : {1u, 17u}) {
        CAPTURE(seed);
        const FrozenScenario frozen = freeze_scenario(replicated, seed);
        const Scenario replay = parse_scenario_json(frozen.json, "frozen.json");
        CHECK(trace_hash_of(replay, seed) == trace_hash_of(replicated, seed));
    }
    // Seed 64492 draws every kind the swarm's nemesis has but power loss: each is written so that
    // the loader reads it back as drawn (the equal hashes above), microseconds included.
    const FrozenScenario frozen = freeze_scenario(swarm, 64492);
    std::set<std::string> types;
    bool fractional_ms = false;
    for (const auto& fault : frozen.json["faults"]) {
        types.insert(fault["type"].get<std::string>() + (fault.value("one_way", false) ? "/one_way" : ""));
        fractional_ms = fractional_ms || fault["at_ms"].is_number_float();
    }
    CHECK(types == std::set<std::string>{"crash", "pause", "partition", "partition/one_way", "drop_responses", "delay"});
    CHECK(fractional_ms);
}

TEST_CASE("shrink: a seed with dozens of faults shrinks to at most 3 that fail the same verdict") {
    const Scenario s = offsets_outside_transaction();
    const explore::ShrinkResult result = explore::shrink(s, 10);
    CHECK(result.subject == "verdict exactly_once_processing");
    CHECK(result.faults_before >= 10);
    CHECK(result.faults_after <= 3);
    CHECK(result.faults_after == result.scenario["faults"].size());
    // The written scenario asserts the failure: its run meets its expectations.
    CHECK(result.scenario["expect"] == nlohmann::json{{"verdicts", {{"exactly_once_processing", false}}}});
    // The failure needs neither the second reader, the three brokers nor the three input partitions, and the run
    // goes quiet within 2 s: the cluster and the run limit shrink too, and the steps say so.
    CHECK(result.scenario["cluster"]["brokers"] == 1);
    CHECK(result.scenario["topics"][0]["partitions"] == 1);
    CHECK(result.scenario["run"]["max_simulated_ms"].get<std::int64_t>() <= 3000);
    const auto has_step = [&result](const std::string& prefix) {
        return std::any_of(result.steps.begin(), result.steps.end(), [&prefix](const std::string& step) { return step.rfind(prefix, 0) == 0; });
    };
    CHECK(has_step("/cluster/brokers 2 -> 1"));
    CHECK(has_step("consumers reader-b removed"));
    CHECK(result.scenario["consumers"].size() == 1);
    CHECK(has_step("/topics/0/partitions 3 -> 1"));
    CHECK(has_step("/run/max_simulated_ms 120000 -> "));
    const Scenario shrunk = parse_scenario_json(result.scenario, "shrunk.json");
    RunOptions options;
    options.seed = 10;
    const RunOutcome outcome = run_scenario(shrunk, options);
    CHECK(outcome.expectations_met());
    CHECK_FALSE(outcome.check.verdicts.at(check::VerdictName::exactly_once_processing).holds);
}

TEST_CASE("shrink: a seed that meets its expectations is refused, and an interrupt before the first run writes nothing") {
    CHECK_THROWS_WITH_AS(explore::shrink(load_scenario(shipped_path("nemesis-exactly-once-pipeline")), 10),
                         doctest::Contains("seed 10 meets its expectations"), ScenarioError);
    const std::atomic<bool> interrupted{true};
    const explore::ShrinkResult result = explore::shrink(offsets_outside_transaction(), 10, {}, &interrupted);
    CHECK(result.interrupted);
    CHECK(result.runs == 0);
}

TEST_CASE("fault times: milliseconds with up to three decimals, else a clear error") {
    const auto load_fault = [](const nlohmann::json& fault) {
        std::ifstream in(shipped_path("nemesis-exactly-once-pipeline"));
        nlohmann::json json = nlohmann::json::parse(in);
        json["faults"] = nlohmann::json::array({fault});
        return parse_scenario_json(json, "f.json");
    };
    const Scenario ok = load_fault({{"type", "pause"}, {"node", "broker-0"}, {"at_ms", 12.345}, {"duration_ms", 7}});
    REQUIRE(ok.faults.size() == 1);
    CHECK(ok.faults[0].at_us == 12345);
    CHECK(ok.faults[0].duration_us == 7000);
    CHECK_THROWS_WITH_AS(load_fault({{"type", "pause"}, {"node", "broker-0"}, {"at_ms", 1.2345}, {"duration_ms", 7}}),
                         doctest::Contains("/faults/0/at_ms"), ScenarioError);
    CHECK_THROWS_WITH_AS(load_fault({{"type", "pause"}, {"node", "broker-0"}, {"at_ms", "soon"}, {"duration_ms", 7}}),
                         doctest::Contains("expected milliseconds"), ScenarioError);
}

TEST_CASE("shrink: a failed events expectation is asserted as the count the shrunk run makes") {
    // zombie-fencing with partition epoch fencing knocked out: the zombie's write is no longer
    // refused with INVALID_PRODUCER_EPOCH, so an expectation of at least one such answer fails.
    std::ifstream in(shipped_path("zombie-fencing"));
    nlohmann::json json = nlohmann::json::parse(in);
    json["knockouts"] = {{"epoch_fencing", true}};
    json["faults"].push_back({{"type", "drop_responses"}, {"client", "source"}, {"at_ms", 50}, {"duration_ms", 30}});
    json["expect"] = {{"events", {{{"kind", "deliver"}, {"type", "ProduceResponse"}, {"node", "task-0"},
                                   {"error", "INVALID_PRODUCER_EPOCH"}, {"min", 1}}}}};
    const explore::ShrinkResult result = explore::shrink(parse_scenario_json(json, "zf.json"), 1);
    CHECK(result.subject.rfind("events[0]", 0) == 0);
    const nlohmann::json& events = result.scenario["expect"]["events"];
    REQUIRE(events.size() == 1);
    CHECK(events[0]["count"] == 0);
    CHECK_FALSE(events[0].contains("min"));
    RunOptions options;
    options.seed = 1;
    CHECK(run_scenario(parse_scenario_json(result.scenario, "shrunk.json"), options).expectations_met());
}

