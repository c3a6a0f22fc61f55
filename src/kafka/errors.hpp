#pragma once
// Kafka protocol error codes (org.apache.kafka.common.protocol.Errors), the subset eosim models.
#include <cstdint>
#include <string_view>

namespace eosim::kafka {

enum class ErrorCode : std::int16_t {
    NONE = 0,
    UNKNOWN_TOPIC_OR_PARTITION = 3,
    NOT_LEADER_OR_FOLLOWER = 6,
    REQUEST_TIMED_OUT = 7,
    NETWORK_EXCEPTION = 13,
    COORDINATOR_NOT_AVAILABLE = 15,
    NOT_COORDINATOR = 16,
    NOT_ENOUGH_REPLICAS = 19,
    NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20,
    INVALID_REQUEST = 42,
    OUT_OF_ORDER_SEQUENCE_NUMBER = 45,
    DUPLICATE_SEQUENCE_NUMBER = 46,
    INVALID_PRODUCER_EPOCH = 47,
    INVALID_TXN_STATE = 48,
    INVALID_PRODUCER_ID_MAPPING = 49,
    CONCURRENT_TRANSACTIONS = 51,
    UNKNOWN_PRODUCER_ID = 59,
    PRODUCER_FENCED = 90,
};

std::string_view error_name(ErrorCode code);

// Kafka's RetriableException subclasses among the codes above.
bool is_retriable(ErrorCode code);

}  // namespace eosim::kafka
