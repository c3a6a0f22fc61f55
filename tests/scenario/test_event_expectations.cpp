// expect.events: trace records counted by pattern, validated by the loader, judged per run.
#include <doctest/doctest.h>

#include <string>

#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "scenario_error.hpp"
#include "sim/trace_match.hpp"

using namespace eosim::scenario;
using eosim::sim::StateChange;
using eosim::sim::TraceKind;
using eosim::sim::TracePattern;

namespace {

std::string with_events(const std::string& events) {
    return R"({"name": "x", "topics": [{"name": "t", "partitions": 1}],
               "producers": [{"name": "p", "topic": "t", "messages": 1}],
               "expect": {"events": )" + events + "}}";
}

std::string error_of(const std::string& events) { return eosim::test::scenario_error_of(with_events(events)); }

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("expect.events loads type, kind, node, peer, error, fields and bounds") {
    const Scenario s = parse_scenario(with_events(R"([
        {"type": "ProduceResponse", "kind": "deliver", "node": "p", "peer": "broker-0",
         "error": "INVALID_PRODUCER_EPOCH", "fields": {"partition": "t-0", "base_offset": -1}, "min": 1, "max": 3},
        {"error": "PRODUCER_FENCED", "count": 0}])"),
                                      "s.json");
    REQUIRE(s.expect->events.size() == 2);
    const EventExpectation& e = s.expect->events[0];
    CHECK(e.match.type == "ProduceResponse");
    CHECK(e.match.kind == TraceKind::deliver);
    CHECK(e.match.node == "p");
    CHECK(e.match.peer == "broker-0");
    REQUIRE(e.match.fields.size() == 3);
    CHECK(e.match.fields[0].value == "INVALID_PRODUCER_EPOCH");
    CHECK(e.match.fields[1].value == "-1");  // fields in name order
    CHECK(*e.bound.min == 1);
    CHECK(*e.bound.max == 3);
    CHECK(e.text() == "deliver p <- broker-0 ProduceResponse error=INVALID_PRODUCER_EPOCH base_offset=-1 partition=t-0");
    CHECK(*s.expect->events[1].bound.min == 0);
    CHECK(*s.expect->events[1].bound.max == 0);
    CHECK(s.expect->events[1].text() == "* * * error=PRODUCER_FENCED");
}

TEST_CASE("expect.events rejects bad patterns and bounds with their JSON path") {
    CHECK(has(error_of(R"([{"type": "ProduceResponse", "node": "q", "min": 1}])"), "/expect/events/0/node: unknown node \"q\""));
    CHECK(has(error_of(R"([{"type": "ProduceResponse", "peer": "broker-9", "min": 1}])"), "/expect/events/0/peer"));
    CHECK(has(error_of(R"([{"type": "ProduceResponse", "kind": "sent", "min": 1}])"), "/expect/events/0/kind: expected one of"));
    CHECK(has(error_of(R"([{"type": "ProduceResponse", "error": "FENCED", "min": 1}])"), "/expect/events/0/error: expected one of"));
    CHECK(has(error_of(R"([{"type": "ProduceResponse", "count": 1, "max": 2}])"), "\"count\" excludes \"min\" and \"max\""));
    CHECK(has(error_of(R"([{"type": "ProduceResponse"}])"), "expected \"count\", \"min\" or \"max\""));
    CHECK(has(error_of(R"([{"type": "ProduceResponse", "min": 3, "max": 2}])"), "min is larger than max"));
    CHECK(has(error_of(R"([{"node": "p", "min": 1}])"), "/expect/events/0/type: expected \"type\""));
    CHECK(has(error_of(R"([{"type": "", "min": 1}])"), "/expect/events/0/type"));
    CHECK(has(error_of(R"([{"fields": {"error": "NONE"}, "min": 1}])"), "/expect/events/0/fields/error: use \"error\""));
    CHECK(has(error_of(R"([{"fields": {"epoch": 1.5}, "min": 1}])"), "/expect/events/0/fields/epoch: expected a string or an integer"));
    CHECK(has(error_of(R"([{"type": "ProduceResponse", "min": 1, "mni": 2}])"), "/expect/events/0/mni"));
    CHECK(has(error_of(R"({"type": "ProduceResponse"})"), "/expect/events"));
}

TEST_CASE("a trace pattern matches type, kind, node, peer and every listed field") {
    StateChange change("producer.batch_failed");
    change.with("partition", "output-0").with("epoch", 3).with("error", "INVALID_PRODUCER_EPOCH");
    TracePattern p;
    p.type = "producer.batch_failed";
    CHECK(p.matches(TraceKind::state, "task-0", "", change));
    p.kind = TraceKind::deliver;
    CHECK_FALSE(p.matches(TraceKind::state, "task-0", "", change));
    p.kind = TraceKind::state;
    p.node = "task-0";
    CHECK(p.matches(TraceKind::state, "task-0", "", change));
    CHECK_FALSE(p.matches(TraceKind::state, "task-1", "", change));
    p.fields = {{"error", "INVALID_PRODUCER_EPOCH"}, {"epoch", "3"}};
    CHECK(p.matches(TraceKind::state, "task-0", "", change));
    p.fields.push_back({"partition", "output-1"});
    CHECK_FALSE(p.matches(TraceKind::state, "task-0", "", change));
    p.fields = {};
    p.peer = "broker-0";
    CHECK_FALSE(p.matches(TraceKind::state, "task-0", "", change));
    CHECK(p.matches(TraceKind::state, "task-0", "broker-0", change));
    TracePattern other;
    other.type = "producer.retry";
    CHECK_FALSE(other.matches(TraceKind::state, "task-0", "", change));
}

TEST_CASE("event expectations report which one failed and the count seen") {
    std::vector<EventExpectation> events(3);
    events[0].match.type = "ProduceResponse";
    events[0].bound = CountBound{1, std::nullopt};
    events[1].match.type = "EndTxnResponse";
    events[1].bound = CountBound{0, 0};
    events[2].match.type = "producer.retry";
    events[2].bound = CountBound{std::nullopt, 4};
    const auto failures = evaluate_event_expectations(events, {0, 2, 5});
    REQUIRE(failures.size() == 3);
    CHECK(failures[0] == "events[0] * * ProduceResponse: expected at least 1, got 0");
    CHECK(failures[1] == "events[1] * * EndTxnResponse: expected exactly 0, got 2");
    CHECK(failures[2] == "events[2] * * producer.retry: expected at most 4, got 5");
    CHECK(evaluate_event_expectations(events, {1, 0, 4}).empty());
}

TEST_CASE("zombie-fencing's events hold, and fail with epoch fencing knocked out") {
    const Scenario s = load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/zombie-fencing.json");
    REQUIRE(s.expect->events.size() >= 1);
    RunOptions options;
    options.seed = 1;
    const RunOutcome r = run_scenario(s, options);
    CHECK(r.expectations_met());
    REQUIRE(r.events.size() == s.expect->events.size());
    CHECK(r.events[0].count >= 1);
    Scenario counted_nothing = s;
    counted_nothing.expect->events.clear();
    CHECK(run_scenario(counted_nothing, options).trace_hash == r.trace_hash);  // counting only observes
    Scenario knocked = s;
    knocked.broker.knockouts.disable_epoch_fencing = true;
    const RunOutcome k = run_scenario(knocked, options);
    CHECK_FALSE(k.expectations_met());
    bool named = false;
    for (const std::string& f : k.expectation_failures) {
        named = named || has(f, "events[0] deliver task-0 ProduceResponse error=INVALID_PRODUCER_EPOCH: expected at least 1, got 0");
    }
    CHECK(named);
}
