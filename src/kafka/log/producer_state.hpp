#pragma once
// Broker-side producer state per (producer id, partition): Kafka's ProducerStateEntry and the
// checks of UnifiedLog.analyzeAndValidateProducerState / ProducerAppendInfo, including open
// transactions (for the last stable offset) and transaction markers.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "kafka/protocol/errors.hpp"
#include "kafka/protocol/record_batch.hpp"

namespace eosim::kafka {

struct BatchMetadata {
    std::int32_t first_sequence = 0;
    std::int32_t last_sequence = 0;
    std::int64_t first_offset = 0;
    std::int64_t last_offset = 0;
};

struct ProducerStateEntry {
    static constexpr std::size_t kNumBatchesToRetain = 5;  // NUM_BATCHES_TO_RETAIN

    std::int16_t producer_epoch = kNoProducerEpoch;
    std::int32_t coordinator_epoch = -1;
    std::int64_t current_txn_first_offset = -1;  // -1: no open transaction
    std::deque<BatchMetadata> batches;  // oldest first

    std::int32_t last_sequence() const;
    const BatchMetadata* find_duplicate(const RecordBatch& batch) const;
    void update_epoch(std::int16_t epoch);  // any epoch change clears the cache
};

// Which protocol rules a partition enforces. Knock-outs switch one off for experiments.
struct PartitionRules {
    bool dedup = true;          // the duplicate-batch check
    bool epoch_fencing = true;  // INVALID_PRODUCER_EPOCH for older epochs
    bool strict_marker_epoch = false;  // transaction.version 2: markers carry a bumped epoch
    // KAFKA-19999's fix: under the strict check, a marker with the current epoch and no open
    // transaction is a retry and succeeds. false (a knock-out): it is INVALID_PRODUCER_EPOCH.
    bool idempotent_marker_retry = true;
};

// The verdict on one incoming batch, before anything is appended.
struct AppendCheck {
    enum class Kind { append, duplicate, reject };
    Kind kind = Kind::append;
    ErrorCode error = ErrorCode::NONE;  // for reject
    BatchMetadata original;             // for duplicate: the first append's offsets
};

// A transaction that a marker completed on this partition.
struct CompletedTxn {
    std::int64_t producer_id = kNoProducerId;
    std::int64_t first_offset = 0;
    std::int64_t last_offset = 0;  // the marker's offset
};

bool in_sequence(std::int32_t last_sequence, std::int32_t next_sequence);

// All producers' state for one partition.
class ProducerStateTable {
public:
    // Kafka's order: duplicate (origin CLIENT), then epoch, then sequence, then transaction.
    AppendCheck check(const RecordBatch& batch, const PartitionRules& rules = {}) const;
    // Updates state after a successful, non-duplicate append (UnifiedLog.append).
    void on_append(const RecordBatch& batch, std::int64_t first_offset);
    // PAI.appendEndTxnMarker's checks: epoch and coordinator epoch.
    ErrorCode check_marker(std::int64_t producer_id, std::int16_t epoch,
                           std::int32_t coordinator_epoch, const PartitionRules& rules) const;
    // Applies a marker written at marker_offset; returns the transaction it ended, if any.
    std::optional<CompletedTxn> on_marker(std::int64_t producer_id, std::int16_t epoch,
                                          std::int32_t coordinator_epoch, std::int64_t marker_offset);
    // Replays a batch read back from the log (origin REPLICATION/recovery): no checks.
    std::optional<CompletedTxn> replay(const LogBatch& stored);
    void clear();
    // A producer-state snapshot stores one batch per producer (ProducerStateManager.writeSnapshot).
    void keep_last_batch_only();

    const ProducerStateEntry* find(std::int64_t producer_id) const;
    std::size_t size() const { return entries_.size(); }
    // The first offset of the oldest open transaction (PSM.firstUnstableOffset).
    std::optional<std::int64_t> first_unstable_offset() const;

private:
    std::map<std::int64_t, ProducerStateEntry> entries_;
    std::map<std::int64_t, std::int64_t> ongoing_;  // first offset -> producer id
};

}  // namespace eosim::kafka
