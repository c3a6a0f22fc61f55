#pragma once
// `cluster.cost.profile: "default"`: one set of costs for every scenario that asks for it.
// docs/model.md (Cost) lists where each number comes from; results/cost-calibration.md shows the
// published figures the profile was checked against and how close it comes.
#include <cstdint>

namespace eosim::scenario {

struct CostProfile {
    std::int32_t request_handler_threads;  // broker: num.io.threads
    std::int64_t request_us;               // broker: fixed handling time per request
    std::int64_t byte_ns;                  // broker: handling time per request byte
    std::int64_t append_us;                // broker: per appended batch (produce partition, marker)
    std::int64_t producer_send_ns;         // client: KafkaProducer.send() time per record
    std::int64_t transaction_log_write_us; // coordinator: one __transaction_state write
    std::int64_t bandwidth_bytes_per_s;    // each link direction, when the scenario sets none
};

inline constexpr CostProfile kDefaultCost{
    .request_handler_threads = 8,  // Kafka's default
    .request_us = 50,
    .byte_ns = 2,
    .append_us = 20,
    .producer_send_ns = 2000,
    .transaction_log_write_us = 2000,
    .bandwidth_bytes_per_s = 1'250'000'000,
};

}  // namespace eosim::scenario
