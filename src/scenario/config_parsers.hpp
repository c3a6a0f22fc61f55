#pragma once
// Kafka-named client configs, shared by the scenario loader's parts.
#include <optional>

#include "kafka/consumer_client.hpp"
#include "kafka/producer_config.hpp"
#include "scenario/json_reader.hpp"

namespace eosim::scenario {

kafka::ProducerConfig parse_producer_config(std::optional<ObjectReader> config);
kafka::ConsumerConfig parse_consumer_config(std::optional<ObjectReader> config);

}  // namespace eosim::scenario
