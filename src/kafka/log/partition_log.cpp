#include "kafka/log/partition_log.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::kafka {

std::int64_t PartitionLog::append(RecordBatch batch, std::int32_t leader_epoch) {
    EOSIM_ASSERT(!batch.records.empty());
    const std::int64_t base_offset = log_end_offset_;
    append_replica(LogBatch{base_offset, std::move(batch), leader_epoch});
    return base_offset;
}

void PartitionLog::append_replica(LogBatch batch) {
    EOSIM_ASSERT(batch.base_offset == log_end_offset_ && "replicated batches arrive in offset order");
    EOSIM_ASSERT(batch.leader_epoch >= latest_epoch() || epochs_.empty());
    if (batch.leader_epoch > latest_epoch()) assign_epoch(batch.leader_epoch, batch.base_offset);
    log_end_offset_ = batch.last_offset() + 1;
    batches_.push_back(std::move(batch));
    check_offsets();
}

void PartitionLog::truncate_to(std::int64_t offset) {
    // At the log end nothing is removed but epochs begun there without any batch (a
    // leadership that wrote nothing) still go.
    if (offset > log_end_offset_) return;
    while (!batches_.empty() && batches_.back().last_offset() >= offset) batches_.pop_back();
    log_end_offset_ = batches_.empty() ? 0 : batches_.back().last_offset() + 1;
    // LeaderEpochFileCache.truncateFromEnd: epochs that began at or after the new end go.
    while (!epochs_.empty() && epochs_.back().start_offset >= log_end_offset_) epochs_.pop_back();
    high_watermark_ = std::min(high_watermark_, log_end_offset_);
    flushed_offset_ = std::min(flushed_offset_, log_end_offset_);
    if (producer_snapshot_offset_ > log_end_offset_) producer_snapshot_offset_ = 0;
    check_offsets();
}

void PartitionLog::set_high_watermark(std::int64_t offset, std::int32_t leader_epoch) {
    EOSIM_ASSERT_LE(offset, log_end_offset_);
    // Epochs only grow at a replica, so no update comes from an older epoch than an earlier one.
    EOSIM_ASSERT_GE(leader_epoch, high_watermark_epoch_);
    high_watermark_epoch_ = leader_epoch;
    high_watermark_ = std::max(high_watermark_, offset);  // the high watermark never goes back
    check_offsets();
}

void PartitionLog::check_offsets() const {
    EOSIM_ASSERT_LE(log_start_offset(), high_watermark_);
    EOSIM_ASSERT_LE(high_watermark_, log_end_offset_);
    EOSIM_ASSERT_LE(flushed_offset_, log_end_offset_);
    EOSIM_ASSERT_LE(producer_snapshot_offset_, log_end_offset_);
    if (!epochs_.empty()) EOSIM_ASSERT_LE(epochs_.back().start_offset, log_end_offset_);
}

void PartitionLog::assign_epoch(std::int32_t epoch, std::int64_t start_offset) {
    if (!epochs_.empty() && epochs_.back().epoch >= epoch) return;
    EOSIM_ASSERT(epochs_.empty() || epochs_.back().start_offset <= start_offset);
    epochs_.push_back(EpochEntry{epoch, start_offset});
}

std::pair<std::int32_t, std::int64_t> PartitionLog::end_offset_for_epoch(std::int32_t epoch) const {
    // The first entry with a larger epoch; the one before it is the largest epoch <= requested.
    const auto next = std::upper_bound(epochs_.begin(), epochs_.end(), epoch,
                                       [](std::int32_t e, const EpochEntry& entry) { return e < entry.epoch; });
    if (next == epochs_.begin()) return {-1, -1};
    const std::int32_t found = std::prev(next)->epoch;
    return {found, next == epochs_.end() ? log_end_offset_ : next->start_offset};
}

std::vector<LogBatch> PartitionLog::read(std::int64_t from_offset, std::int64_t up_to_offset,
                                         std::int32_t max_records) const {
    std::vector<LogBatch> result;
    auto it = std::upper_bound(batches_.begin(), batches_.end(), from_offset,
                               [](std::int64_t offset, const LogBatch& b) {
                                   return offset < b.base_offset;
                               });
    if (it != batches_.begin()) --it;  // the batch that may contain from_offset
    std::int64_t records = 0;
    for (; it != batches_.end() && records < max_records; ++it) {
        if (it->last_offset() < from_offset) continue;
        if (it->last_offset() >= up_to_offset) break;  // only whole batches below the bound
        result.push_back(*it);
        records += it->last_offset() + 1 - std::max(from_offset, it->base_offset);
    }
    return result;
}

}  // namespace eosim::kafka
