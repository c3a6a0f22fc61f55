#pragma once
// A partition replica: the persisted log, the producer state derived from it, the
// aborted-transaction index, the high watermark and the last stable offset. As leader it validates
// and appends; as follower it appends what the leader sent and truncates on divergence.
#include <cstdint>
#include <optional>
#include <vector>

#include "kafka/protocol/errors.hpp"
#include "kafka/log/partition_log.hpp"
#include "kafka/log/producer_state.hpp"
#include "kafka/protocol/record_batch.hpp"

namespace eosim::kafka {

struct AppendResult {
    ErrorCode error = ErrorCode::NONE;
    std::int64_t base_offset = -1;
    bool duplicate = false;
};

struct ReadResult {
    std::vector<LogBatch> batches;
    std::vector<AbortedTxn> aborted;  // read_committed only
    std::int64_t high_watermark = 0;
    std::int64_t last_stable_offset = 0;
};

class Partition {
public:
    // single_replica: every append is committed at once (no followers to wait for).
    explicit Partition(PartitionLog& log, bool single_replica = true)
        : log_(&log), single_replica_(single_replica) {
        rebuild();
    }

    AppendResult append_data(const RecordBatch& batch, const PartitionRules& rules);
    // WriteTxnMarkers for one partition: one control batch; fences older epochs.
    AppendResult append_marker(std::int64_t producer_id, std::int16_t epoch,
                               std::int32_t coordinator_epoch, ControlType type,
                               const PartitionRules& rules);
    // Follower side: appends fetched batches (producer state and index follow, unchecked).
    void append_replica(const LogBatch& batch);
    // Truncation after divergence: removes everything from offset on, then rebuilds state.
    void truncate_to(std::int64_t offset);
    void set_high_watermark(std::int64_t offset, std::int32_t leader_epoch) {
        log_->set_high_watermark(offset, leader_epoch);
    }
    // The epoch this replica appends in while it leads.
    void set_leader_epoch(std::int32_t epoch) { leader_epoch_ = epoch; }
    std::int32_t leader_epoch() const { return leader_epoch_; }
    const PartitionLog& log() const { return *log_; }
    PartitionLog& log() { return *log_; }
    ReadResult read(std::int64_t from_offset, Isolation isolation, std::int32_t max_records) const;

    std::int64_t high_watermark() const { return log_->high_watermark(); }
    // LSO = min(first offset of open transactions, HW) (UnifiedLog.lastStableOffset).
    std::int64_t last_stable_offset() const;
    const ProducerStateTable& producers() const { return producers_; }
    const std::vector<AbortedTxn>& aborted_index() const { return aborted_; }
    // Rebuilds producer state and the aborted index by replaying the log. Kafka's recovery loads
    // the producer-state snapshot taken at the last segment roll, which keeps one batch per
    // producer, and replays the batches after it: snapshot_offset says where that snapshot is
    // (0: no snapshot, the whole log is replayed).
    void rebuild(std::int64_t snapshot_offset = 0);
    // Where the snapshot of the last roll is, for segments of segment_records (0: never rolled).
    std::int64_t last_roll_offset(std::int64_t segment_records) const;

private:
    std::int64_t append(RecordBatch batch);

    void index_completed(const std::optional<CompletedTxn>& completed, ControlType type);

    PartitionLog* log_;
    bool single_replica_ = true;
    std::int32_t leader_epoch_ = 0;
    ProducerStateTable producers_;
    std::vector<AbortedTxn> aborted_;
};

}  // namespace eosim::kafka
