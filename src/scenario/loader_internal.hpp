#pragma once
// Shared by the scenario loader's parts (and the runner): Kafka-named client configs and topic
// lookups.
#include <cstdint>
#include <optional>
#include <set>
#include <string>

#include "kafka/client/consumer_config.hpp"
#include "kafka/client/producer_config.hpp"
#include "scenario/json_reader.hpp"

namespace eosim::scenario {

kafka::ProducerConfig parse_producer_config(std::optional<ObjectReader> config);
kafka::ConsumerConfig parse_consumer_config(std::optional<ObjectReader> config);
// The application's "subscribe" key (group-managed partitions); exclusive with "partitions".
bool parse_subscribe(ObjectReader& app, bool explicit_partitions);

struct Scenario;
// The topic's partition count, or 0 when the scenario has no such topic.
std::int32_t partitions_of(const Scenario& s, const std::string& topic);
// Fails at reader/key unless the topic exists.
void require_topic(ObjectReader& reader, const std::string& key, const Scenario& s, const std::string& topic);
// Every node a scenario runs: brokers, the controller with replication, and the applications.
std::set<std::string> node_names(const Scenario& s);
// "broker", "controller", "producer", "consumer", "processor", "sink", or "" for no such node.
std::string node_role(const Scenario& s, const std::string& name);
// The node named at reader/key; fails unless the scenario runs it.
std::string require_node(ObjectReader& reader, const std::string& key, const Scenario& s);
// Kafka's Topic.validate and Topic.isInternal; fails at topic/name.
void check_topic_name(ObjectReader& topic, const std::string& name);
// A node name: Kafka's topic characters and length, and not a name eosim gives its own nodes.
void check_node_name(ObjectReader& root, const std::string& key, const std::string& name);
struct Expectations;
// expect.events: bounds on how many trace records match a pattern.
void parse_event_expectations(ObjectReader& expect, const Scenario& s, Expectations& e);

}  // namespace eosim::scenario
