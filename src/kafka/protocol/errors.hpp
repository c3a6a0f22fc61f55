#pragma once
// Kafka protocol error codes (org.apache.kafka.common.protocol.Errors), the subset eosim models.
#include <cstdint>
#include <string_view>

namespace eosim::kafka {

enum class ErrorCode : std::int16_t {
    NONE = 0,
    OFFSET_OUT_OF_RANGE = 1,
    UNKNOWN_TOPIC_OR_PARTITION = 3,
    NOT_LEADER_OR_FOLLOWER = 6,
    REQUEST_TIMED_OUT = 7,
    MESSAGE_TOO_LARGE = 10,  // the client's RecordTooLargeException
    NETWORK_EXCEPTION = 13,
    COORDINATOR_LOAD_IN_PROGRESS = 14,
    COORDINATOR_NOT_AVAILABLE = 15,
    NOT_COORDINATOR = 16,
    NOT_ENOUGH_REPLICAS = 19,
    ILLEGAL_GENERATION = 22,
    UNKNOWN_MEMBER_ID = 25,
    INCONSISTENT_GROUP_PROTOCOL = 23,
    INVALID_SESSION_TIMEOUT = 26,
    REBALANCE_IN_PROGRESS = 27,
    NOT_ENOUGH_REPLICAS_AFTER_APPEND = 20,
    INVALID_REQUEST = 42,
    OUT_OF_ORDER_SEQUENCE_NUMBER = 45,
    DUPLICATE_SEQUENCE_NUMBER = 46,
    INVALID_PRODUCER_EPOCH = 47,
    INVALID_TXN_STATE = 48,
    INVALID_PRODUCER_ID_MAPPING = 49,
    INVALID_TRANSACTION_TIMEOUT = 50,
    CONCURRENT_TRANSACTIONS = 51,
    TRANSACTION_COORDINATOR_FENCED = 52,
    UNKNOWN_PRODUCER_ID = 59,
    FENCED_LEADER_EPOCH = 74,
    UNKNOWN_LEADER_EPOCH = 75,
    FENCED_INSTANCE_ID = 82,
    UNSTABLE_OFFSET_COMMIT = 88,
    PRODUCER_FENCED = 90,
    INVALID_UPDATE_VERSION = 95,
    INELIGIBLE_REPLICA = 107,
    TRANSACTION_ABORTABLE = 120,
};

std::string_view error_name(ErrorCode code);

// Kafka's RetriableException subclasses among the codes above.
bool is_retriable(ErrorCode code);

// A produce error the leader can answer after it appended the batch: DelayedProduce starts every
// appended partition at REQUEST_TIMED_OUT (kept on expiry), and tryComplete sets
// NOT_LEADER_OR_FOLLOWER (leadership moved, getPartitionOrError) or
// NOT_ENOUGH_REPLICAS_AFTER_APPEND (Partition.checkEnoughReplicasReachOffset). The client cannot
// tell these from a refusal before the append, so the write may have happened.
bool may_follow_append(ErrorCode code);

}  // namespace eosim::kafka
