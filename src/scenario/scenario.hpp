#pragma once
// A validated scenario: cluster, topics, clients with Kafka-named configs, workload, faults,
// knock-outs and the expectations a run must meet.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "faults/fault_plan.hpp"
#include "faults/nemesis.hpp"
#include "kafka/app/app_config.hpp"
#include "kafka/broker/broker_config.hpp"
#include "kafka/client/consumer_config.hpp"
#include "kafka/client/producer_config.hpp"
#include "kafka/protocol/cluster_layout.hpp"
#include "scenario/overrides.hpp"
#include "scenario/run_limits.hpp"
#include "scenario/seed_range.hpp"
#include "scenario/swarm.hpp"
#include "sim/network.hpp"
#include "sim/trace_match.hpp"

#include <nlohmann/json.hpp>

namespace eosim::scenario {

struct ProducerSpec {
    std::string name;
    kafka::ProducerConfig config;
    kafka::ProducerWorkload workload;
};

struct ConsumerSpec {
    std::string name;
    std::string topic;
    std::vector<std::int32_t> partitions;  // empty: share the topic with the group round-robin
    kafka::ConsumerConfig config;
    kafka::ConsumerWorkload workload;  // assignment filled when the scenario is assembled
};

struct ProcessorSpec {
    std::string name;
    std::string input_topic;
    std::vector<std::int32_t> partitions;  // empty: share the input with the group round-robin
    kafka::ConsumerConfig consumer;
    kafka::ProducerConfig producer;
    kafka::ProcessorWorkload workload;  // assignment filled when assembled
};

struct SinkSpec {
    std::string name;
    kafka::SinkConfig config;
};

// Knock-outs that act on applications and clients rather than brokers.
struct ClientKnockouts {
    bool offsets_in_transaction = false;  // processors commit offsets outside the transaction
    bool read_committed = false;          // read_committed readers stop filtering aborted data
};

struct CountBound {
    std::optional<std::uint64_t> min;
    std::optional<std::uint64_t> max;
};

// How many trace records match a pattern: "the zombie's produce got INVALID_PRODUCER_EPOCH".
struct EventExpectation {
    sim::TracePattern match;
    CountBound bound;    // "count": n sets both
    std::string text() const;  // the pattern, e.g. "deliver task-0 ProduceResponse error=..."
};

struct Expectations {
    std::map<std::string, bool> verdicts;        // verdict name -> must hold
    std::map<std::string, CountBound> counts;    // count name -> bounds
    std::vector<std::string> any_violated;       // at least one of these verdicts is violated
    std::map<std::string, bool> anomalies;       // Jepsen anomaly name -> must appear (true) or not
    std::vector<EventExpectation> events;        // in file order
};

// Over a sweep: the seeds where a verdict holds (or is violated), or where a count reaches a
// bound, are at least min_seeds and at least min_percent of the seeds swept. Shows that a
// preset's characteristic anomaly does happen, so its per-seed oracle is not vacuous.
struct SweepExpectation {
    std::string verdict;          // a verdict name, or empty
    bool verdict_holds = false;   // count the seeds where it holds (true) or is violated
    std::string count;            // a count name, or empty
    std::string anomaly;          // a Jepsen anomaly name (seeds where it appears), or empty
    std::uint64_t count_at_least = 1;
    std::uint64_t min_seeds = 1;
    std::uint64_t min_percent = 0;
    std::string text() const;     // "at_least_once violated", "lost >= 1"
};

// compare.variants[]: a named set of overrides `eosim compare` runs beside its presets.
struct CompareVariant {
    std::string name;
    std::vector<Override> overrides;
};

struct Scenario {
    std::string file;
    std::string name;
    std::string description;
    std::uint64_t seed = 1;
    std::optional<SeedRange> seeds;  // what `eosim test` runs; absent: seed alone
    std::int32_t brokers = 1;
    sim::LinkProfile network;
    // Links among brokers and the controller (network.broker_latency_us / broker_jitter_us): a
    // cluster in one rack with remote clients. Absent: the same as every other link.
    std::optional<sim::TimeUs> broker_latency_us;
    std::optional<sim::TimeUs> broker_jitter_us;
    std::vector<kafka::TopicSpec> topics;
    std::vector<ProducerSpec> producers;
    std::vector<ConsumerSpec> consumers;
    std::vector<ProcessorSpec> processors;
    std::vector<SinkSpec> sinks;
    ClientKnockouts client_knockouts;
    std::vector<faults::FaultSpec> faults;
    std::optional<faults::NemesisSpec> nemesis;  // random faults drawn per seed
    kafka::BrokerConfig broker;  // knock-outs and transaction settings
    kafka::ReplicationConfig replication;  // enabled by cluster.replication
    std::int64_t producer_send_ns = 0;     // cluster.cost: every producer application's send() time
    sim::TimeUs max_simulated_us = sim::ms(600'000);
    RunLimitsSpec limits;  // run.max_events, run.max_events_per_instant, run.max_memory_mb
    std::optional<Expectations> expect;
    std::vector<SweepExpectation> expect_sweep;  // judged by `eosim sweep` over all its seeds
    std::vector<std::string> config_notes;  // what Kafka's config rules adjusted

    // Swarm mode: parts of this scenario drawn per seed (TigerBeetle's VOPR swarm testing). The
    // drawn scenario is validated like any scenario; `swarm_drawn` says what was chosen.
    SwarmSpec swarm;
    std::vector<CompareVariant> compare_variants;
    nlohmann::json source;  // the scenario as written, without "swarm"
    std::vector<SwarmDrawn> swarm_drawn;

    static std::string broker_name(std::int32_t index) { return "broker-" + std::to_string(index); }
};

// The verdict and count names a scenario may set expectations on.
const std::vector<std::string>& verdict_names();
const std::vector<std::string>& count_names();

// The scenario a seed runs: itself, or with the swarm's values drawn for that seed. An
// impossible or invalid draw throws ScenarioError naming the file, the seed and what was drawn.
Scenario scenario_for_seed(const Scenario& scenario, std::uint64_t seed);
// The drawn scenario as JSON (what `eosim draw` prints).
nlohmann::json drawn_source(const Scenario& scenario, std::uint64_t seed);

// Reads and validates a scenario file. Throws ScenarioError with the file and JSON path.
Scenario load_scenario(const std::string& path);
// The same, after applying overrides (--set) to the file's JSON.
Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides);
Scenario parse_scenario(const std::string& text, const std::string& file);
// Validates a scenario already parsed as JSON (e.g. a source with a compare preset applied).
Scenario parse_scenario_json(nlohmann::json json, const std::string& file);

}  // namespace eosim::scenario
