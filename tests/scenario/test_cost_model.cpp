// The cost model (cluster.cost, network.bandwidth_bytes_per_s): handling time, handler threads
// and link bandwidth show in the simulated figures, and a saturated broker shows as latency.
// Figures are compared between runs of simulated time, never against wall time.
#include <doctest/doctest.h>

#include <string>

#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

using namespace eosim::scenario;

namespace {

// One broker, `producers` producers of 4,000 values each every `interval_us`, acks=1.
std::string workload(const std::string& cost, const std::string& network, int producers, int interval_us) {
    std::string list;
    for (int i = 0; i < producers; ++i) {
        if (i > 0) list += ", ";
        list += R"({"name": "p)" + std::to_string(i) + R"(", "topic": "t", "messages": 4000, "interval_us": )" +
                std::to_string(interval_us) + R"(, "config": {"acks": 1, "enable.idempotence": false, "linger.ms": 0}})";
    }
    return R"({"name": "cost", "cluster": {"brokers": 1, "network": {"latency_us": 200)" + network + "}" + cost +
           R"(}, "topics": [{"name": "t", "partitions": 2}], "producers": [)" + list + "]}";
}

eosim::check::Figures figures_of(const std::string& text) {
    RunOptions options;
    const RunOutcome outcome = run_scenario(parse_scenario(text, "cost.json"), options);
    REQUIRE(outcome.halt == Halt::none);
    return outcome.figures;
}

std::string scenario_error_of(const std::string& text) {
    try {
        parse_scenario(text, "cost.json");
    } catch (const ScenarioError& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("cost: a request's handling time is on every send's way to its ack") {
    const auto free = figures_of(workload("", "", 1, 1000));
    const auto costly = figures_of(workload(R"(, "cost": {"request_us": 700})", "", 1, 1000));
    CHECK(free.acknowledged.values == 4000);
    CHECK(costly.acknowledged.values == 4000);
    CHECK(costly.acknowledged.latency.p50_us >= free.acknowledged.latency.p50_us + 700);
}

TEST_CASE("cost: a saturated broker shows as queueing latency and lower throughput") {
    // One handler thread at 400 us a request serves 2,500 requests/s; two producers sending
    // every 100 us with linger.ms 0 offer up to 20,000, so requests queue (batches grow as they
    // wait); at 20 us a request the same load is served at once.
    const std::string idle = R"(, "cost": {"num.io.threads": 1, "request_us": 20})";
    const std::string saturated = R"(, "cost": {"num.io.threads": 1, "request_us": 400})";
    const auto light = figures_of(workload(idle, "", 2, 100));
    const auto heavy = figures_of(workload(saturated, "", 2, 100));
    CHECK(heavy.acknowledged.latency.p99_us > 4 * light.acknowledged.latency.p99_us);
    CHECK(heavy.acknowledged.values_per_s < light.acknowledged.values_per_s);
}

TEST_CASE("cost: more request handler threads serve two connections at once") {
    const auto one = figures_of(workload(R"(, "cost": {"num.io.threads": 1, "request_us": 400})", "", 2, 100));
    const auto two = figures_of(workload(R"(, "cost": {"num.io.threads": 2, "request_us": 400})", "", 2, 100));
    CHECK(two.acknowledged.latency.p99_us < one.acknowledged.latency.p99_us);
}

TEST_CASE("cost: a narrow link delays the acks") {
    const auto wide = figures_of(workload("", "", 1, 50));
    const auto narrow = figures_of(workload("", R"(, "bandwidth_bytes_per_s": 2000000)", 1, 50));
    CHECK(narrow.acknowledged.latency.p50_us > wide.acknowledged.latency.p50_us);
}

TEST_CASE("cost: bad cost settings name their JSON path") {
    CHECK(scenario_error_of(workload(R"(, "cost": {"num.io.threads": 0})", "", 1, 100)).find("/cluster/cost/num.io.threads") !=
          std::string::npos);
    CHECK(scenario_error_of(workload(R"(, "cost": {"request_ms": 1})", "", 1, 100)).find("/cluster/cost") !=
          std::string::npos);
    CHECK(scenario_error_of(workload("", R"(, "bandwidth_bytes_per_s": -1)", 1, 100))
              .find("/cluster/network/bandwidth_bytes_per_s") != std::string::npos);
}

TEST_CASE("cost: the default profile sets every number, explicit keys override single ones") {
    const Scenario profiled = parse_scenario(workload(R"(, "cost": {"profile": "default"})", "", 1, 100), "cost.json");
    CHECK(profiled.broker.cost.request_handler_threads == 8);
    CHECK(profiled.broker.cost.request_us == 50);
    CHECK(profiled.broker.cost.byte_ns == 2);
    CHECK(profiled.broker.cost.append_us == 20);
    CHECK(profiled.producers.at(0).workload.send_ns == 2000);
    CHECK(profiled.broker.transactions.log_write_us == 2000);
    CHECK(profiled.network.bandwidth_bytes_per_s == 1'250'000'000);
    const Scenario overridden = parse_scenario(
        R"({"name": "cost", "cluster": {"brokers": 1, "transaction_log_write_us": 300,
            "network": {"latency_us": 200, "bandwidth_bytes_per_s": 1000000},
            "cost": {"profile": "default", "request_us": 7, "producer_send_ns": 0}},
            "topics": [{"name": "t"}], "producers": [{"name": "p", "topic": "t"}]})",
        "cost.json");
    CHECK(overridden.broker.cost.request_us == 7);
    CHECK(overridden.broker.cost.byte_ns == 2);
    CHECK(overridden.producers.at(0).workload.send_ns == 0);
    CHECK(overridden.broker.transactions.log_write_us == 300);
    CHECK(overridden.network.bandwidth_bytes_per_s == 1'000'000);
    const std::string error = scenario_error_of(workload(R"(, "cost": {"profile": "fast"})", "", 1, 100));
    CHECK(error.find("/cluster/cost/profile") != std::string::npos);
    CHECK(error.find("\"default\"") != std::string::npos);
}

TEST_CASE("cost: a producer's send time spaces its sends when they are due faster") {
    // 4,000 values with interval 0 and 25 us of send() each span 100 ms of simulated time.
    const auto at_once = figures_of(workload("", "", 1, 0));
    const auto spaced = figures_of(workload(R"(, "cost": {"producer_send_ns": 25000})", "", 1, 0));
    CHECK(at_once.acknowledged.values == 4000);
    CHECK(spaced.acknowledged.values == 4000);
    CHECK(spaced.acknowledged.values_per_s < 41'000);
    CHECK(spaced.acknowledged.values_per_s > 35'000);
    CHECK(at_once.acknowledged.values_per_s > 4 * spaced.acknowledged.values_per_s);
}

namespace {

// Two brokers at replication factor 2, one acks=all producer: its acks wait for the follower.
std::string replicated(const std::string& cost, const std::string& network) {
    return R"({"name": "replicated", "cluster": {"brokers": 2, "replication": {},
        "network": {"latency_us": 200)" + network + "}" + cost + R"(},
        "topics": [{"name": "t", "partitions": 1, "replication_factor": 2}],
        "producers": [{"name": "p", "topic": "t", "messages": 400, "interval_us": 5000,
                       "config": {"acks": "all", "linger.ms": 0}}]})";
}

}  // namespace

TEST_CASE("cost: a follower appends what it fetched before it fetches again") {
    // append_us is charged on the leader's produce and again on the follower's fetcher thread:
    // an acks=all send waits for both (plus the leader's handling of the follower's next fetch).
    const auto leader_only = figures_of(replicated(R"(, "cost": {"append_us": 0, "request_us": 1})", ""));
    const auto both = figures_of(replicated(R"(, "cost": {"append_us": 900, "request_us": 1})", ""));
    CHECK(both.acknowledged.values == 400);
    CHECK(both.acknowledged.latency.p50_us >= leader_only.acknowledged.latency.p50_us + 2 * 900);
}

TEST_CASE("cost: broker_latency_us sets the links among brokers only") {
    // Replication crosses broker links; the producer's round trip does not.
    const auto near = figures_of(replicated("", R"(, "broker_latency_us": 0)"));
    const auto far = figures_of(replicated("", R"(, "broker_latency_us": 3000)"));
    const auto same = figures_of(replicated("", ""));
    CHECK(far.acknowledged.latency.p50_us >= near.acknowledged.latency.p50_us + 2 * 3000);
    CHECK(same.acknowledged.latency.p50_us > near.acknowledged.latency.p50_us);
    CHECK(near.acknowledged.latency.p50_us >= 400);  // the producer's own round trip
}
