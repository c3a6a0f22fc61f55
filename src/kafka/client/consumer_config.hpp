#pragma once
// The consumer's config, with Kafka's names (ConsumerConfig).
#include <cstdint>
#include <string>

#include "kafka/protocol/record_batch.hpp"

namespace eosim::kafka {

enum class OffsetReset { earliest, latest };

struct ConsumerConfig {
    OffsetReset auto_offset_reset = OffsetReset::latest;  // auto.offset.reset
    std::int32_t max_poll_records = 500;                  // max.poll.records
    std::int32_t fetch_max_wait_ms = 500;                 // fetch.max.wait.ms
    std::int32_t request_timeout_ms = 30000;              // request.timeout.ms
    std::int32_t retry_backoff_ms = 100;                  // retry.backoff.ms
    Isolation isolation = Isolation::read_uncommitted;    // isolation.level
    std::string group_instance_id;                        // group.instance.id ("" = none)
    std::string assignment_strategy = "range";            // partition.assignment.strategy
    std::int32_t session_timeout_ms = 45000;              // session.timeout.ms
    std::int32_t heartbeat_interval_ms = 3000;            // heartbeat.interval.ms
    std::int32_t max_poll_interval_ms = 300000;           // max.poll.interval.ms
    // Knock-out: a read_committed consumer that reads and returns everything up to the high
    // watermark, as read_uncommitted does (it still counts as read_committed in the history).
    bool knockout_read_committed = false;
    Isolation fetch_isolation() const {
        return knockout_read_committed ? Isolation::read_uncommitted : isolation;
    }
};

}  // namespace eosim::kafka
