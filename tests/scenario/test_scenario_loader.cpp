// Bad scenarios are rejected with the file, the JSON path and what was expected.
#include <doctest/doctest.h>

#include <string>

#include "scenario/json_reader.hpp"
#include "scenario/scenario.hpp"
#include "scenario_error.hpp"

using eosim::scenario::parse_scenario;
using eosim::scenario::ScenarioError;

namespace {

const std::string kMinimal = R"({
  "name": "minimal",
  "topics": [{"name": "t", "partitions": 2}],
  "producers": [{"name": "p", "topic": "t", "messages": 5}],
  "consumers": [{"name": "c", "group": "g", "topic": "t"}]
})";

std::string error_of(const std::string& text) { return eosim::test::scenario_error_of(text); }

std::string with(const std::string& from, const std::string& to) {
    std::string text = kMinimal;
    const auto at = text.find(from);
    REQUIRE(at != std::string::npos);
    return text.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("a minimal scenario loads with Kafka's defaults") {
    const auto s = parse_scenario(kMinimal, "s.json");
    CHECK(s.name == "minimal");
    CHECK(s.brokers == 1);
    REQUIRE(s.producers.size() == 1);
    CHECK(s.producers[0].config.enable_idempotence);
    CHECK(s.producers[0].config.acks == -1);
    CHECK(s.producers[0].config.max_in_flight_requests_per_connection == 5);
    CHECK(s.consumers[0].config.max_poll_records == 500);
    CHECK_FALSE(s.expect.has_value());
}

TEST_CASE("an unknown key is rejected with its path") {
    const auto e = error_of(with(R"("messages": 5)", R"("messages": 5, "mesages": 3)"));
    CHECK(e.find("s.json") != std::string::npos);
    CHECK(e.find("/producers/0/mesages") != std::string::npos);
    CHECK(e.find("unknown key") != std::string::npos);
}

TEST_CASE("a wrong type is rejected with its path and the expected type") {
    const auto e = error_of(with(R"("messages": 5)", R"("messages": "five")"));
    CHECK(e.find("/producers/0/messages") != std::string::npos);
    CHECK(e.find("expected an integer") != std::string::npos);
    CHECK(e.find("string \"five\"") != std::string::npos);
}

TEST_CASE("a fractional number is not silently truncated") {
    CHECK(error_of(with(R"("messages": 5)", R"("messages": 5.5)")).find("expected an integer") !=
          std::string::npos);
}

TEST_CASE("an out-of-range value is rejected") {
    const auto e = error_of(with(R"("partitions": 2)", R"("partitions": 0)"));
    CHECK(e.find("/topics/0/partitions") != std::string::npos);
    CHECK(e.find("[1, 1024]") != std::string::npos);
}

TEST_CASE("Kafka config keys are validated") {
    const auto acks = error_of(with(R"("messages": 5)", R"("messages": 5, "config": {"acks": "2"})"));
    CHECK(acks.find("/producers/0/config/acks") != std::string::npos);
    const auto unknown = error_of(with(R"("messages": 5)", R"("messages": 5, "config": {"lingerms": 1})"));
    CHECK(unknown.find("/producers/0/config/lingerms") != std::string::npos);
}

TEST_CASE("explicit idempotence that conflicts with acks is Kafka's ConfigException") {
    const auto e = error_of(with(R"("messages": 5)",
                                 R"("messages": 5, "config": {"enable.idempotence": true, "acks": "1"})"));
    CHECK(e.find("/producers/0/config") != std::string::npos);
    CHECK(e.find("Must set acks to all") != std::string::npos);
}

TEST_CASE("references to unknown topics and nodes are rejected") {
    CHECK(error_of(with(R"("topic": "t", "messages")", R"("topic": "x", "messages")"))
              .find("unknown topic") != std::string::npos);
    const auto e = error_of(with(R"("group": "g", "topic": "t"})",
                                 R"("group": "g", "topic": "t"}], "faults": [{"type": "crash", "node": "nobody", "at_ms": 1})"));
    CHECK(e.find("/faults/0/node") != std::string::npos);
    CHECK(e.find("unknown node") != std::string::npos);
}

TEST_CASE("duplicate node names are rejected") {
    CHECK(error_of(with(R"("name": "c")", R"("name": "p")")).find("already used") != std::string::npos);
}

TEST_CASE("invalid JSON reports the parser's position") {
    const auto e = error_of("{\"name\": \"x\",}");
    CHECK(e.find("s.json: invalid JSON") != std::string::npos);
    CHECK(e.find("line 1") != std::string::npos);
}

// nlohmann::json::parse keeps a duplicate key's last value, stops at a NUL byte and throws
// out_of_range (not parse_error) for 1e400: the strict reader turns each into a path.
TEST_CASE("JSON text is strict: duplicate keys, NUL bytes, depth and out-of-range numbers") {
    CHECK(error_of(with("\"messages\": 5", "\"messages\": 5, \"messages\": 6"))
              .find("s.json: invalid JSON: at /producers/0/messages: duplicate key \"messages\"") != std::string::npos);
    CHECK(error_of(kMinimal + std::string(1, '\0') + "{}").find("a NUL byte at byte") != std::string::npos);
    CHECK(error_of(with("\"messages\": 5", "\"messages\": 1e400")).find("at /producers/0/messages: number 1e400 is out of range") !=
          std::string::npos);
    CHECK(error_of(with("\"name\": \"minimal\"", "\"name\": \"minimal\", \"description\": " + std::string(65, '[') +
                        std::string(65, ']')))
              .find("nested deeper than 64 levels") != std::string::npos);
}

// Kafka's Topic.validate / Topic.isInternal for topics; node names avoid eosim's own nodes.
TEST_CASE("topic and node names follow Kafka's rules and avoid reserved names") {
    CHECK(error_of(with("\"name\": \"t\", \"partitions\"", "\"name\": \"__consumer_offsets\", \"partitions\""))
              .find("at /topics/0/name: \"__consumer_offsets\" is an internal Kafka topic") != std::string::npos);
    CHECK(error_of(with("\"name\": \"t\", \"partitions\"", "\"name\": \"a b\", \"partitions\""))
              .find("at /topics/0/name: invalid topic name") != std::string::npos);
    CHECK(error_of(with("\"name\": \"p\"", "\"name\": \"controller\"")).find("node name \"controller\" is reserved") !=
          std::string::npos);
    CHECK(error_of(with("\"name\": \"p\"", "\"name\": \"p\\nq\"")).find("control character U+000A") != std::string::npos);
}

TEST_CASE("fault targets must have the role the fault acts on") {
    CHECK(error_of(with("\"consumers\"", "\"faults\": [{\"type\": \"drop_responses\", \"client\": \"p\", \"broker\": \"c\", "
                                       "\"at_ms\": 1, \"duration_ms\": 2}], \"consumers\""))
              .find("at /faults/0/broker: \"c\" is a consumer; expected a broker") != std::string::npos);
    CHECK(error_of(with("\"consumers\"", "\"faults\": [{\"type\": \"delay\", \"from\": \"p\", \"to\": \"p\", \"extra_ms\": 1, "
                                       "\"at_ms\": 1, \"duration_ms\": 2}], \"consumers\""))
              .find("a delay from \"p\" to itself") != std::string::npos);
    CHECK(error_of(with("\"topic\": \"t\"}]", "\"topic\": \"t\", \"partitions\": []}]"))
              .find("expected at least one partition") != std::string::npos);
}

TEST_CASE("an unknown key lists every valid key, and a missing choice says missing") {
    CHECK(error_of(with("\"consumers\"", "\"expect\": {\"verdicts\": {\"exactly-once\": true}}, \"consumers\""))
              .find("expected one of: aborted_read, at_least_once") != std::string::npos);
    CHECK(error_of(with("\"consumers\"", "\"faults\": [{\"node\": \"p\", \"at_ms\": 1}], \"consumers\""))
              .find("at /faults/0/type: missing; expected one of") != std::string::npos);
}

TEST_CASE("expectations name known verdicts and counts with sane bounds") {
    CHECK(error_of(with(R"("name": "minimal",)", R"("name": "minimal", "expect": {"verdicts": {"exactly_twice": true}},)"))
              .find("/expect/verdicts/exactly_twice") != std::string::npos);
    CHECK(error_of(with(R"("name": "minimal",)", R"("name": "minimal", "expect": {"counts": {"lost": {"min": 3, "max": 1}}},)"))
              .find("larger than max") != std::string::npos);
}

TEST_CASE("swarm choices are validated: the path must be a known key and every value must be valid") {
    CHECK(error_of(with(R"("name": "minimal",)", R"("name": "minimal", "swarm": {"choices": [{"path": "/nope", "values": [1]}]},)"))
              .find("at /nope: unknown key") != std::string::npos);
    const auto bad_value = error_of(with(R"("name": "minimal",)",
        R"("name": "minimal", "swarm": {"choices": [{"path": "/topics/0/partitions", "values": [2, 0]}]},)"));
    CHECK(bad_value.find("/topics/0/partitions") != std::string::npos);
    CHECK(bad_value.find("swarm value 0") != std::string::npos);
    const auto ok = parse_scenario(with(R"("name": "minimal",)",
        R"("name": "minimal", "swarm": {"choices": [{"path": "/topics/0/partitions", "values": [2, 4]}]},)"), "s.json");
    CHECK(ok.swarm.choices.size() == 1);
    const auto drawn = eosim::scenario::scenario_for_seed(ok, 3);
    CHECK((drawn.topics[0].partitions == 2 || drawn.topics[0].partitions == 4));
    CHECK(drawn.swarm_drawn.size() == 1);
}

TEST_CASE("replication settings are validated with their paths") {
    CHECK(error_of(with(R"("partitions": 2})", R"("partitions": 2, "replication_factor": 2})"))
              .find("topics/0/replication_factor") != std::string::npos);
    const std::string replicated = with(R"("name": "minimal",)",
                                        R"("name": "minimal", "cluster": {"brokers": 3, "replication": {}},)");
    const std::string unreplicated = R"({"name": "x", "cluster": {"brokers": 3},
        "topics": [{"name": "t", "replication_factor": 2}]})";
    CHECK(error_of(unreplicated).find("needs cluster.replication") != std::string::npos);
    const auto s = parse_scenario(replicated, "s.json");
    CHECK(s.replication.enabled);
    CHECK(s.replication.min_insync_replicas == 1);
    CHECK_FALSE(s.replication.unclean_leader_election);
    const std::string too_many = R"({"name": "x", "cluster": {"brokers": 2, "replication": {}},
        "topics": [{"name": "t", "replication_factor": 3}]})";
    CHECK(error_of(too_many).find("at most the number of brokers") != std::string::npos);
    const std::string bad_session = R"({"name": "x", "cluster": {"brokers": 2, "replication":
        {"broker.session.timeout.ms": 100, "broker.heartbeat.interval.ms": 200}}, "topics": [{"name": "t"}]})";
    CHECK(error_of(bad_session).find("cluster/replication/broker.session.timeout.ms") != std::string::npos);
}

TEST_CASE("a network partition names known nodes in exactly one form") {
    const std::string base = R"({"name": "x", "cluster": {"brokers": 2, "replication": {}}, "topics": [{"name": "t"}],
        "faults": [FAULT]})";
    const auto fault = [&base](const std::string& f) {
        std::string text = base;
        return error_of(text.replace(text.find("FAULT"), 5, f));
    };
    CHECK(fault(R"({"type": "partition", "isolate": ["broker-0"], "at_ms": 1, "duration_ms": 5})").empty());
    CHECK(fault(R"({"type": "partition", "isolate": ["controller"], "at_ms": 1, "duration_ms": 5, "one_way": true})").empty());
    CHECK(fault(R"({"type": "partition", "isolate": ["nobody"], "at_ms": 1, "duration_ms": 5})").find("faults/0/isolate/0") !=
          std::string::npos);
    CHECK(fault(R"({"type": "partition", "at_ms": 1, "duration_ms": 5})").find("exactly one of") != std::string::npos);
    CHECK(fault(R"({"type": "partition", "groups": [["broker-0"], ["broker-0"]], "at_ms": 1, "duration_ms": 5})")
              .find("in both groups") != std::string::npos);
}

TEST_CASE("a clean_shutdown fault names a node, takes no power_loss, and is drawn by the nemesis") {
    const std::string base = R"({"name": "x", "cluster": {"brokers": 2, "replication": {}}, "topics": [{"name": "t"}],
        FAULTS})";
    const auto load = [&base](const std::string& f) {
        std::string text = base;
        return text.replace(text.find("FAULTS"), 6, f);
    };
    const auto s = parse_scenario(
        load(R"("faults": [{"type": "clean_shutdown", "node": "broker-1", "at_ms": 5, "restart_after_ms": 7, "timeout_ms": 9}])"),
        "s.json");
    REQUIRE(s.faults.size() == 1);
    CHECK(s.faults[0].kind == eosim::faults::FaultSpec::Kind::clean_shutdown);
    CHECK(s.faults[0].from == "broker-1");
    CHECK(s.faults[0].duration_us == 7000);
    CHECK(s.faults[0].shutdown_timeout_us == 9000);
    CHECK(error_of(load(R"("faults": [{"type": "clean_shutdown", "node": "broker-1", "at_ms": 5, "power_loss": true}])"))
              .find("faults/0/power_loss") != std::string::npos);
    const auto n = parse_scenario(load(R"("nemesis": {"end_ms": 100, "faults": [{"type": "clean_shutdown",
        "nodes": ["broker-0"], "mean_interval_ms": 10, "down_ms": [1, 2]}]})"), "s.json");
    REQUIRE(n.nemesis.has_value());
    CHECK(n.nemesis->faults[0].kind == eosim::faults::FaultSpec::Kind::clean_shutdown);
}

TEST_CASE("commit_interval_ms is refused on an exactly_once processor, whose offsets go in transactions") {
    const std::string processor =
        R"("consumers": [{"name": "c", "group": "g", "topic": "t"}],
  "processors": [{"name": "x", "group": "pipe", "input": "t", "output": "t", "delivery": "DELIVERY",
                  "commit_interval_ms": 1000}])";
    auto with_delivery = [&](const std::string& delivery) {
        std::string text = with(R"("consumers": [{"name": "c", "group": "g", "topic": "t"}])", processor);
        return text.replace(text.find("DELIVERY"), 8, delivery);
    };
    const auto e = error_of(with_delivery("exactly_once"));
    CHECK(e.find("/processors/0/commit_interval_ms") != std::string::npos);
    CHECK(e.find("outside transactions") != std::string::npos);
    const auto s = parse_scenario(with_delivery("at_least_once"), "s.json");
    REQUIRE(s.processors.size() == 1);
    CHECK(s.processors[0].workload.commit_interval_us == 1'000'000);
}
