#include "kafka/protocol/errors.hpp"

namespace eosim::kafka {

std::string_view error_name(ErrorCode code) {
    switch (code) {
        case ErrorCode::NONE: return "NONE";
        case ErrorCode::OFFSET_OUT_OF_RANGE: return "OFFSET_OUT_OF_RANGE";
        case ErrorCode::FENCED_LEADER_EPOCH: return "FENCED_LEADER_EPOCH";
        case ErrorCode::UNKNOWN_LEADER_EPOCH: return "UNKNOWN_LEADER_EPOCH";
        case ErrorCode::INVALID_UPDATE_VERSION: return "INVALID_UPDATE_VERSION";
        case ErrorCode::INELIGIBLE_REPLICA: return "INELIGIBLE_REPLICA";
        case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION: return "UNKNOWN_TOPIC_OR_PARTITION";
        case ErrorCode::NOT_LEADER_OR_FOLLOWER: return "NOT_LEADER_OR_FOLLOWER";
        case ErrorCode::REQUEST_TIMED_OUT: return "REQUEST_TIMED_OUT";
        case ErrorCode::MESSAGE_TOO_LARGE: return "MESSAGE_TOO_LARGE";
        case ErrorCode::NETWORK_EXCEPTION: return "NETWORK_EXCEPTION";
        case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS: return "COORDINATOR_LOAD_IN_PROGRESS";
        case ErrorCode::COORDINATOR_NOT_AVAILABLE: return "COORDINATOR_NOT_AVAILABLE";
        case ErrorCode::NOT_COORDINATOR: return "NOT_COORDINATOR";
        case ErrorCode::NOT_ENOUGH_REPLICAS: return "NOT_ENOUGH_REPLICAS";
        case ErrorCode::ILLEGAL_GENERATION: return "ILLEGAL_GENERATION";
        case ErrorCode::UNKNOWN_MEMBER_ID: return "UNKNOWN_MEMBER_ID";
        case ErrorCode::REBALANCE_IN_PROGRESS: return "REBALANCE_IN_PROGRESS";
        case ErrorCode::INCONSISTENT_GROUP_PROTOCOL: return "INCONSISTENT_GROUP_PROTOCOL";
        case ErrorCode::INVALID_SESSION_TIMEOUT: return "INVALID_SESSION_TIMEOUT";
        case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND: return "NOT_ENOUGH_REPLICAS_AFTER_APPEND";
        case ErrorCode::INVALID_REQUEST: return "INVALID_REQUEST";
        case ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER: return "OUT_OF_ORDER_SEQUENCE_NUMBER";
        case ErrorCode::DUPLICATE_SEQUENCE_NUMBER: return "DUPLICATE_SEQUENCE_NUMBER";
        case ErrorCode::INVALID_PRODUCER_EPOCH: return "INVALID_PRODUCER_EPOCH";
        case ErrorCode::INVALID_TXN_STATE: return "INVALID_TXN_STATE";
        case ErrorCode::INVALID_PRODUCER_ID_MAPPING: return "INVALID_PRODUCER_ID_MAPPING";
        case ErrorCode::INVALID_TRANSACTION_TIMEOUT: return "INVALID_TRANSACTION_TIMEOUT";
        case ErrorCode::CONCURRENT_TRANSACTIONS: return "CONCURRENT_TRANSACTIONS";
        case ErrorCode::TRANSACTION_COORDINATOR_FENCED: return "TRANSACTION_COORDINATOR_FENCED";
        case ErrorCode::UNKNOWN_PRODUCER_ID: return "UNKNOWN_PRODUCER_ID";
        case ErrorCode::FENCED_INSTANCE_ID: return "FENCED_INSTANCE_ID";
        case ErrorCode::UNSTABLE_OFFSET_COMMIT: return "UNSTABLE_OFFSET_COMMIT";
        case ErrorCode::PRODUCER_FENCED: return "PRODUCER_FENCED";
        case ErrorCode::TRANSACTION_ABORTABLE: return "TRANSACTION_ABORTABLE";
    }
    return "UNKNOWN_SERVER_ERROR";
}

bool is_retriable(ErrorCode code) {
    switch (code) {
        case ErrorCode::UNKNOWN_TOPIC_OR_PARTITION:
        case ErrorCode::NOT_LEADER_OR_FOLLOWER:
        case ErrorCode::REQUEST_TIMED_OUT:
        case ErrorCode::NETWORK_EXCEPTION:
        case ErrorCode::COORDINATOR_LOAD_IN_PROGRESS:
        case ErrorCode::COORDINATOR_NOT_AVAILABLE:
        case ErrorCode::NOT_COORDINATOR:
        case ErrorCode::UNSTABLE_OFFSET_COMMIT:
        case ErrorCode::NOT_ENOUGH_REPLICAS:
        case ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND:
        case ErrorCode::CONCURRENT_TRANSACTIONS:
        case ErrorCode::FENCED_LEADER_EPOCH:
        case ErrorCode::UNKNOWN_LEADER_EPOCH:
            return true;
        default:
            return false;
    }
}

bool may_follow_append(ErrorCode code) {
    return code == ErrorCode::REQUEST_TIMED_OUT || code == ErrorCode::NOT_LEADER_OR_FOLLOWER ||
           code == ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND;
}

}  // namespace eosim::kafka
