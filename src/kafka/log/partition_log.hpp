#pragma once
// A partition replica's log: batches with dense offsets, each stamped with the leader epoch that
// appended it, the leader-epoch cache (epoch -> start offset, KIP-101), the high watermark kept
// apart from the log end offset, and the flushed offset (what survives a power loss).
#include <cstdint>
#include <utility>
#include <vector>

#include "kafka/protocol/record_batch.hpp"

namespace eosim::kafka {

struct EpochEntry {
    std::int32_t epoch = 0;
    std::int64_t start_offset = 0;
};

class PartitionLog {
public:
    // Appends as leader in leader_epoch and returns the batch's base offset.
    std::int64_t append(RecordBatch batch, std::int32_t leader_epoch = 0);
    // Appends a batch fetched from the leader, keeping its offsets and epoch.
    void append_replica(LogBatch batch);
    // Removes every batch at or above offset (a batch is never cut: offset is a batch boundary
    // or the batch containing it goes too). The high watermark is clamped.
    void truncate_to(std::int64_t offset);
    std::int64_t log_start_offset() const { return 0; }
    std::int64_t log_end_offset() const { return log_end_offset_; }
    std::int64_t high_watermark() const { return high_watermark_; }
    // Raises the high watermark to offset (never lowers it: UnifiedLog.maybeUpdateHighWatermark),
    // as known in leader_epoch, the partition's current leader epoch at the caller.
    void set_high_watermark(std::int64_t offset, std::int32_t leader_epoch = 0);
    // The newest leader epoch the high watermark was set in: within one epoch it only grows, and
    // only a truncation (a newer epoch's divergence, or a power loss) lowers it.
    std::int32_t high_watermark_epoch() const { return high_watermark_epoch_; }
    // Leader-epoch cache (LeaderEpochFileCache.assign): a new leader records where its epoch began.
    void assign_epoch(std::int32_t epoch, std::int64_t start_offset);
    std::int32_t latest_epoch() const { return epochs_.empty() ? -1 : epochs_.back().epoch; }
    // OffsetsForLeaderEpoch: the largest epoch <= requested and the offset where it ended (the
    // next epoch's start, or the log end for the latest). {-1, -1} if no such epoch.
    std::pair<std::int32_t, std::int64_t> end_offset_for_epoch(std::int32_t epoch) const;
    const std::vector<EpochEntry>& epochs() const { return epochs_; }
    // Whole batches that contain offsets in [from_offset, up_to_offset), at most max_records
    // records counted from from_offset (a batch is never split, as in Kafka).
    std::vector<LogBatch> read(std::int64_t from_offset, std::int64_t up_to_offset,
                               std::int32_t max_records) const;
    const std::vector<LogBatch>& batches() const { return batches_; }
    // fsync: everything appended so far survives a power loss.
    void flush() { flushed_offset_ = log_end_offset_; }
    std::int64_t flushed_offset() const { return flushed_offset_; }
    // A producer-state snapshot at the log end, as a clean shutdown writes (UnifiedLog.close);
    // 0: none. Truncating below it drops it (ProducerStateManager.truncateAndReload).
    void take_producer_snapshot() { producer_snapshot_offset_ = log_end_offset_; }
    std::int64_t producer_snapshot_offset() const { return producer_snapshot_offset_; }

private:
    // log start <= high watermark, flushed offset, snapshot <= log end; epochs in order.
    void check_offsets() const;

    std::vector<LogBatch> batches_;
    std::vector<EpochEntry> epochs_;
    std::int64_t log_end_offset_ = 0;
    std::int64_t high_watermark_ = 0;
    std::int32_t high_watermark_epoch_ = 0;
    std::int64_t flushed_offset_ = 0;
    std::int64_t producer_snapshot_offset_ = 0;
};

}  // namespace eosim::kafka
