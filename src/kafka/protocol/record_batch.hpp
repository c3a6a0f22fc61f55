#pragma once
// Records and v2 record batches as the broker stores them: producer id, epoch, base sequence.
#include <compare>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace eosim::kafka {

// DefaultRecordBatch's fixed header: every batch's size, and Kafka's bound on a record's size
// (ensureValidRecordSize), start from it.
inline constexpr std::int32_t kRecordBatchHeaderBytes = 61;

struct TransactionLogRecord;  // the value of a __transaction_state record
struct GroupStorage;          // a __consumer_offsets record: the partition's group state

constexpr std::int64_t kNoProducerId = -1;
constexpr std::int16_t kNoProducerEpoch = -1;
constexpr std::int32_t kNoSequence = -1;
constexpr std::uint64_t kNoSource = ~std::uint64_t{0};

struct TopicPartition {
    std::string topic;
    std::int32_t partition = 0;
    auto operator<=>(const TopicPartition&) const = default;
    std::string str() const { return topic + "-" + std::to_string(partition); }
};

struct Record {
    std::uint64_t value = 0;  // the workload's unique logical id
    std::int64_t key = 0;
    std::uint64_t source = kNoSource;  // a derived record's input value
};

// A control batch holds one marker record (COMMIT or ABORT) written by the coordinator.
enum class ControlType : std::uint8_t { none, commit, abort };

struct RecordBatch {
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::int32_t base_sequence = kNoSequence;
    bool transactional = false;
    ControlType control = ControlType::none;
    std::int32_t coordinator_epoch = -1;  // control batches only
    std::vector<Record> records;
    // __transaction_state batches carry the coordinator's record (one per batch).
    std::shared_ptr<const TransactionLogRecord> txn_record;
    std::shared_ptr<const GroupStorage> group_state;
    // Bytes on the wire and in the log, header included, as the producer built it (its
    // batch.size accounting); 0 for batches nobody sized: wire_size_bytes() estimates those.
    std::int32_t size_bytes = 0;

    std::int32_t record_count() const { return static_cast<std::int32_t>(records.size()); }
    bool has_producer_id() const { return producer_id != kNoProducerId; }
    bool is_control() const { return control != ControlType::none; }
    // Sequences wrap modulo 2^31 (DefaultRecordBatch.incrementSequence).
    std::int32_t last_sequence() const;
    // size_bytes, or for an unsized batch (a marker, a coordinator's record) the v2 header and
    // a typical small record each.
    std::int64_t wire_size_bytes() const;
};

std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment);

// A fetch's isolation level (FetchRequest isolation_level).
enum class Isolation : std::uint8_t { read_uncommitted, read_committed };

// An entry of the aborted-transaction index (Kafka's .txnindex AbortedTxn).
struct AbortedTxn {
    std::int64_t producer_id = kNoProducerId;
    std::int64_t first_offset = 0;
    std::int64_t last_offset = 0;  // the ABORT marker
};

// A batch as stored in a partition log, with its assigned offsets.
struct LogBatch {
    std::int64_t base_offset = 0;
    RecordBatch batch;
    std::int32_t leader_epoch = 0;  // the epoch of the leader that appended it (KIP-101)
    std::int64_t last_offset() const { return base_offset + batch.record_count() - 1; }
};

}  // namespace eosim::kafka
