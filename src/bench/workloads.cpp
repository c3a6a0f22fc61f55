// The bench's workloads: 3 brokers, 12 partitions, two producers and two consumers (plain and
// idempotent), and the shipped replicated exactly-once pipeline under its nemesis.
#include <string>

#include "base/input_file.hpp"
#include "bench/bench.hpp"

namespace eosim::bench {
namespace {

std::string two_producers(std::uint64_t values, const std::string& producer_config) {
    const std::string each = std::to_string(values / 2);
    const auto producer = [&](const char* name) {
        return std::string(R"({"name": ")") + name + R"(", "topic": "events", "messages": )" + each +
               R"(, "interval_us": 20, "keys": 1000, "config": )" + producer_config + "}";
    };
    return R"({
      "name": "bench",
      "cluster": {"brokers": 3, "network": {"latency_us": 500, "jitter_us": 200}},
      "topics": [{"name": "events", "partitions": 12}],
      "producers": [)" + producer("p0") + ", " + producer("p1") + R"(],
      "consumers": [
        {"name": "c0", "group": "g", "topic": "events", "processing_us": 5, "config": {"auto.offset.reset": "earliest"}},
        {"name": "c1", "group": "g", "topic": "events", "processing_us": 5, "config": {"auto.offset.reset": "earliest"}}],
      "expect": {"verdicts": {"exactly_once": true}},
      "run": {"max_simulated_ms": 86400000}
    })";
}

}  // namespace

std::string plain_workload(std::uint64_t values) {
    return two_producers(values, R"({"enable.idempotence": false, "acks": 1})");
}

std::string idempotent_workload(std::uint64_t values) {
    return two_producers(values, R"({"enable.idempotence": true})");
}

// scenarios/nemesis-replicated-exactly-once-pipeline.json with `values` source values sent
// every 20 us, so the nemesis (first 3 s) hits the pipeline while it is busy.
std::string exactly_once_workload(const std::string& scenarios_dir, std::uint64_t values) {
    const std::string path = scenarios_dir + "/nemesis-replicated-exactly-once-pipeline.json";
    std::ifstream in = base::open_input_file(path);
    nlohmann::json j = nlohmann::json::parse(in);
    j["producers"][0]["messages"] = values;
    j["producers"][0]["interval_us"] = 20;
    j["run"]["max_simulated_ms"] = 86400000;
    j.erase("swarm");
    return j.dump();
}

}  // namespace eosim::bench
