// Swarm mode: the shape of a scenario drawn per seed — counts of clients from templates, ranges
// whose bounds are earlier draws, wildcards, conditions — and a clear error for an impossible draw.
#include <doctest/doctest.h>

#include <string>

#include "explore/sweep.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/scenario.hpp"
#include "scenario_error.hpp"

using namespace eosim::scenario;

namespace {

// A scenario with three brokers and one topic; `swarm` is spliced in.
std::string scenario_with(const std::string& swarm, const std::string& extra = "") {
    return R"({"name": "swarm-test", )" + extra + R"(
      "cluster": {"brokers": 3, "replication": {"min.insync.replicas": 1}},
      "topics": [{"name": "t", "partitions": 3, "replication_factor": 1}],
      "producers": [],
      "consumers": [{"name": "c", "group": "g", "topic": "t"}],
      "swarm": )" + swarm + "}";
}

std::string error_of(const std::string& text) { return eosim::test::scenario_error_of(text); }

}  // namespace

TEST_CASE("swarm: a count draws that many clients from a template, {i} numbering them") {
    const Scenario s = parse_scenario(scenario_with(R"({"choices": [
        {"path": "/producers", "repeat": {"count": [1, 4], "item": {"name": "p-{i}", "topic": "t", "messages": 3}}},
        {"path": "/producers/*/config/acks", "values": [1, "all"]}]})"), "s.json");
    bool saw_several = false;
    for (std::uint64_t seed = 1; seed <= 20; ++seed) {
        const Scenario drawn = scenario_for_seed(s, seed);
        REQUIRE(drawn.producers.size() >= 1);
        REQUIRE(drawn.producers.size() <= 4);
        saw_several = saw_several || drawn.producers.size() > 1;
        for (std::size_t i = 0; i < drawn.producers.size(); ++i) CHECK(drawn.producers[i].name == "p-" + std::to_string(i));
        // every producer drew its own acks: one entry per element, under its concrete path
        std::size_t acks = 0;
        for (const SwarmDrawn& d : drawn.swarm_drawn) acks += d.path.find("/config/acks") != std::string::npos ? 1 : 0;
        CHECK(acks == drawn.producers.size());
    }
    CHECK(saw_several);
}

TEST_CASE("swarm: a wildcard copy appends every match, e.g. a fault's nodes from the drawn clients") {
    const Scenario s = parse_scenario(scenario_with(R"({"choices": [
        {"path": "/producers", "repeat": {"count": [2, 3], "item": {"name": "p-{i}", "topic": "t", "messages": 3}}},
        {"path": "/nemesis/faults/0/nodes", "copy": "/producers/*/name"},
        {"path": "/nemesis/faults/0/nodes/-", "name": "and-consumers", "copy": "/consumers/*/name"}]})",
        R"("nemesis": {"end_ms": 100, "faults": [{"type": "crash", "nodes": ["c"], "mean_interval_ms": 50, "down_ms": [1, 2]}]},)"), "s.json");
    for (std::uint64_t seed = 1; seed <= 5; ++seed) {
        const nlohmann::json drawn = drawn_source(s, seed);
        CHECK(drawn["seed"] == seed);  // jitter and the nemesis come from it: the file replays the run
        const nlohmann::json& nodes = drawn["nemesis"]["faults"][0]["nodes"];
        REQUIRE(nodes.size() == drawn["producers"].size() + 1);
        CHECK(nodes[0] == "p-0");
        CHECK(nodes.back() == "c");
    }
}

TEST_CASE("swarm: a range bounded by an earlier draw, a copy, and a condition") {
    const Scenario s = parse_scenario(scenario_with(R"({"choices": [
        {"path": "/cluster/brokers", "values": [1, 2, 3]},
        {"path": "/topics/0/replication_factor", "range": [1, "/cluster/brokers"]},
        {"path": "/cluster/replication/min.insync.replicas", "range": [1, "/topics/0/replication_factor"]},
        {"path": "/topics/0/partitions", "copy": "/cluster/brokers"},
        {"path": "/consumers/0/config/max.poll.records", "values": [7], "when": ["/topics/0/replication_factor", ">=", 2]}],
      "requires": [["/topics/*/replication_factor", "<=", "/cluster/brokers"], ["#/consumers", "==", 1]]})"), "s.json");
    for (std::uint64_t seed = 1; seed <= 40; ++seed) {
        const Scenario d = scenario_for_seed(s, seed);
        CHECK(d.topics[0].replication_factor <= d.brokers);
        CHECK(d.replication.min_insync_replicas <= d.topics[0].replication_factor);
        CHECK(d.topics[0].partitions == d.brokers);
        CHECK((d.consumers[0].config.max_poll_records == 7) == (d.topics[0].replication_factor >= 2));
    }
}

TEST_CASE("swarm: null leaves a key out, merge draws several keys together") {
    const Scenario s = parse_scenario(scenario_with(R"({"choices": [
        {"path": "/consumers/0/config", "merge": [{"isolation.level": "read_committed", "max.poll.records": 3}]},
        {"path": "/consumers/0/config/group.instance.id", "values": [null]}]})"), "s.json");
    const Scenario d = scenario_for_seed(s, 1);
    CHECK(d.consumers[0].config.isolation == eosim::kafka::Isolation::read_committed);
    CHECK(d.consumers[0].config.max_poll_records == 3);
    CHECK(d.consumers[0].config.group_instance_id.empty());
}

TEST_CASE("swarm: an impossible draw names the file, the seed and what was drawn") {
    // min ISR drawn up to 3 whatever the replication factor: the requirement rejects some seeds.
    // Loading checks the draw for the file's own seed; take a file seed whose draw is possible.
    const std::string swarm = R"({"choices": [
        {"path": "/topics/0/replication_factor", "range": [1, 3]},
        {"path": "/cluster/replication/min.insync.replicas", "range": [1, 3]}],
      "requires": [["/cluster/replication/min.insync.replicas", "<=", "/topics/0/replication_factor"]]})";
    std::uint64_t file_seed = 1;
    while (!error_of(scenario_with(swarm, R"("seed": )" + std::to_string(file_seed) + ",")).empty()) ++file_seed;
    const Scenario s = parse_scenario(scenario_with(swarm, R"("seed": )" + std::to_string(file_seed) + ","), "s.json");
    std::string message;
    std::uint64_t bad_seed = 0;
    for (std::uint64_t seed = 1; seed <= 50 && message.empty(); ++seed) {
        try {
            scenario_for_seed(s, seed);
        } catch (const ScenarioError& e) {
            message = e.what();
            bad_seed = seed;
        }
    }
    REQUIRE_FALSE(message.empty());
    CHECK(message.find("s.json: seed " + std::to_string(bad_seed)) != std::string::npos);
    CHECK(message.find("requirement does not hold") != std::string::npos);
    CHECK(message.find("drawn: /topics/0/replication_factor = ") != std::string::npos);
    CHECK(message.find(", /cluster/replication/min.insync.replicas = ") != std::string::npos);
    // A sweep over those seeds throws the same error after its workers stop, never aborting.
    try {
        eosim::explore::sweep(s, 1, 50, 2);
        FAIL("the sweep should have thrown");
    } catch (const ScenarioError& e) {
        CHECK(std::string(e.what()) == message);
    }
}

TEST_CASE("swarm: the drawn scenario is re-validated, an empty range is an error") {
    CHECK(error_of(scenario_with(R"({"choices": [
        {"path": "/topics/0/replication_factor", "values": [1]},
        {"path": "/topics/0/partitions", "range": [2, "/topics/0/replication_factor"]}]})")).find("empty range [2, 1]") != std::string::npos);
    CHECK(error_of(scenario_with(R"({"choices": [{"path": "/topics/0/partitions", "values": [0]}]})"))
              .find("/topics/0/partitions") != std::string::npos);
    CHECK(error_of(scenario_with(R"({"choices": [{"path": "/x", "range": [1, true]}]})")).find("/swarm/choices/0/range") != std::string::npos);
    CHECK(error_of(scenario_with(R"({"choices": [{"path": "/a", "values": [1], "copy": "/b"}]})")).find("exactly one of") != std::string::npos);
    CHECK(error_of(scenario_with(R"({"choices": [{"path": "/a", "values": [1]}], "requires": [["/a", "=<", 1]]})")).find("/swarm/requires/0") != std::string::npos);
    CHECK(error_of(scenario_with(R"({"choices": [{"path": "/topics/0/partitions", "values": [1]}, {"path": "/topics/0/partitions", "values": [2]}]})"))
              .find("same stream") != std::string::npos);
}

TEST_CASE("sweep expectations count the seeds where an anomaly happens") {
    const Scenario s = parse_scenario(R"({"name": "x",
      "topics": [{"name": "t"}], "producers": [{"name": "p", "topic": "t", "messages": 5}],
      "consumers": [{"name": "c", "group": "g", "topic": "t", "config": {"auto.offset.reset": "earliest"}}],
      "expect_sweep": [{"count": "delivered", "at_least": 5, "min_percent": 100}, {"violated": "at_least_once"}]})", "s.json");
    const auto summary = eosim::explore::sweep(s, 1, 4, 2);
    REQUIRE(summary.sweep_expectations.size() == 2);
    CHECK(summary.sweep_expectations[0].seeds == 4);
    CHECK(summary.sweep_expectations[0].met());
    CHECK(summary.sweep_expectations[1].seeds == 0);  // nothing is lost without faults
    CHECK_FALSE(summary.sweep_expectations[1].met());
    CHECK_FALSE(summary.all_met());
}
