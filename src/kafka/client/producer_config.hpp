#pragma once
// Producer configuration with Kafka's names (in comments) and Kafka's defaults.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

namespace eosim::kafka {

struct ProducerConfig {
    std::int16_t acks = -1;                                      // acks=all
    std::int32_t retries = std::numeric_limits<std::int32_t>::max();  // retries
    std::int32_t request_timeout_ms = 30000;                     // request.timeout.ms
    std::int32_t delivery_timeout_ms = 120000;                   // delivery.timeout.ms
    std::int32_t max_in_flight_requests_per_connection = 5;      // max.in.flight.requests...
    std::int32_t linger_ms = 5;                                  // linger.ms (Kafka 4.0 default)
    std::int32_t batch_size = 16384;                             // batch.size (bytes)
    std::int32_t max_request_size = 1048576;                     // max.request.size (bytes)
    std::int64_t buffer_memory = 33554432;                       // buffer.memory (bytes)
    std::int64_t max_block_ms = 60000;                           // max.block.ms (a full buffer)
    std::int32_t retry_backoff_ms = 100;                         // retry.backoff.ms
    std::int32_t retry_backoff_max_ms = 1000;                    // retry.backoff.max.ms (KIP-580)
    std::int32_t reconnect_backoff_ms = 50;                      // reconnect.backoff.ms
    std::int32_t reconnect_backoff_max_ms = 1000;                // reconnect.backoff.max.ms
    bool enable_idempotence = true;                              // enable.idempotence
    std::optional<std::string> transactional_id;                 // transactional.id
    std::int32_t transaction_timeout_ms = 60000;                 // transaction.timeout.ms
    bool transaction_version_2 = false;  // the cluster's transaction.version (EndTxn v5 epochs)

    // Which settings the user gave explicitly: Kafka treats conflicts differently then.
    bool acks_set = false;
    bool retries_set = false;
    bool max_in_flight_set = false;
    bool idempotence_set = false;
    bool delivery_timeout_set = false;
};

// Kafka's ProducerConfig.postProcessAndValidateIdempotenceConfigs and the delivery timeout rule;
// transactional.id requires idempotence.
// Returns an error message (a ConfigException in Kafka), or "" when the config is usable; notes
// receives what was adjusted silently (idempotence disabled, delivery timeout raised).
std::string resolve_producer_config(ProducerConfig& config, std::vector<std::string>& notes);

}  // namespace eosim::kafka
