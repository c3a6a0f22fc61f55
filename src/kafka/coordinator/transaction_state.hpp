#pragma once
// The transaction coordinator's per-transactional-id state (Kafka's TransactionMetadata) and the
// record it persists in the transaction log.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/protocol/record_batch.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

enum class TxnState : std::uint8_t {
    Empty,
    Ongoing,
    PrepareCommit,
    PrepareAbort,
    CompleteCommit,
    CompleteAbort,
    Dead,
    PrepareEpochFence,
};

std::string_view txn_state_name(TxnState state);

// TransactionState's valid previous states; transaction.version 2 also allows PrepareAbort from
// Empty and Complete* (an abort when the client is unsure whether a transaction began).
bool is_valid_transition(TxnState from, TxnState to, bool transaction_version_2);

struct TransactionMetadata {
    std::string transactional_id;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::int16_t last_producer_epoch = kNoProducerEpoch;  // not persisted (-1 after a load)
    std::int32_t txn_timeout_ms = 60000;
    TxnState state = TxnState::Empty;
    std::set<TopicPartition> partitions;
    sim::TimeUs txn_start_us = -1;
    sim::TimeUs last_update_us = 0;
    std::optional<TxnState> pending_state;  // a transaction-log write is in flight
    bool has_failed_epoch_fence = false;    // KAFKA-9666
};

// One transaction-log record: the state after a transition (TransactionLog.valueToBytes).
struct TransactionLogRecord {
    std::string transactional_id;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::int32_t txn_timeout_ms = 0;
    TxnState state = TxnState::Empty;
    std::vector<TopicPartition> partitions;  // none for Empty
    sim::TimeUs txn_start_us = -1;
    sim::TimeUs last_update_us = 0;
};

TransactionLogRecord to_log_record(const TransactionMetadata& metadata);
// The metadata a coordinator rebuilds from a log record on load.
TransactionMetadata from_log_record(const TransactionLogRecord& record);

}  // namespace eosim::kafka
