#pragma once
// Broker-side idempotence state per (producer id, partition): Kafka's ProducerStateEntry and the
// checks of UnifiedLog.analyzeAndValidateProducerState / ProducerAppendInfo.
#include <cstdint>
#include <deque>
#include <map>
#include <optional>

#include "kafka/errors.hpp"
#include "kafka/record_batch.hpp"

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
    std::deque<BatchMetadata> batches;  // oldest first

    std::int32_t last_sequence() const;
    const BatchMetadata* find_duplicate(const RecordBatch& batch) const;
};

// The verdict on one incoming batch, before anything is appended.
struct AppendCheck {
    enum class Kind { append, duplicate, reject };
    Kind kind = Kind::append;
    ErrorCode error = ErrorCode::NONE;       // for reject
    BatchMetadata original;                  // for duplicate: the first append's offsets
};

bool in_sequence(std::int32_t last_sequence, std::int32_t next_sequence);

// All producers' state for one partition.
class ProducerStateTable {
public:
    // Kafka's order: duplicate (origin CLIENT), then epoch, then sequence.
    AppendCheck check(const RecordBatch& batch) const;
    // Updates state after a successful, non-duplicate append (UnifiedLog.append).
    void on_append(const RecordBatch& batch, std::int64_t first_offset);
    // Replays a batch read back from the log (origin REPLICATION/recovery): no checks.
    void replay(const LogBatch& stored);
    void clear() { entries_.clear(); }

    const ProducerStateEntry* find(std::int64_t producer_id) const;
    std::size_t size() const { return entries_.size(); }

private:
    std::map<std::int64_t, ProducerStateEntry> entries_;
};

}  // namespace eosim::kafka
