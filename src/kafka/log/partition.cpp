#include "kafka/log/partition.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::kafka {

std::int64_t Partition::append(RecordBatch batch) {
    const std::int64_t base_offset = log_->append(std::move(batch), leader_epoch_);
    if (single_replica_) log_->set_high_watermark(log_->log_end_offset(), leader_epoch_);
    return base_offset;
}

AppendResult Partition::append_data(const RecordBatch& batch, const PartitionRules& rules) {
    EOSIM_ASSERT(!batch.is_control());
    if (!batch.has_producer_id()) return AppendResult{ErrorCode::NONE, append(batch), false};
    const AppendCheck check = producers_.check(batch, rules);
    if (check.kind == AppendCheck::Kind::duplicate) {
        return AppendResult{ErrorCode::NONE, check.original.first_offset, true};
    }
    if (check.kind == AppendCheck::Kind::reject) return AppendResult{check.error, -1, false};
    const std::int64_t base_offset = append(batch);
    producers_.on_append(batch, base_offset);
    return AppendResult{ErrorCode::NONE, base_offset, false};
}

AppendResult Partition::append_marker(std::int64_t producer_id, std::int16_t epoch,
                                      std::int32_t coordinator_epoch, ControlType type,
                                      const PartitionRules& rules) {
    EOSIM_ASSERT(type != ControlType::none);
    const ErrorCode error = producers_.check_marker(producer_id, epoch, coordinator_epoch, rules);
    if (error != ErrorCode::NONE) return AppendResult{error, -1, false};
    RecordBatch marker;
    marker.producer_id = producer_id;
    marker.producer_epoch = epoch;
    marker.transactional = true;
    marker.control = type;
    marker.coordinator_epoch = coordinator_epoch;
    marker.records.push_back(Record{0, -1, kNoSource});
    const std::int64_t offset = append(std::move(marker));
    index_completed(producers_.on_marker(producer_id, epoch, coordinator_epoch, offset), type);
    return AppendResult{ErrorCode::NONE, offset, false};
}

std::int64_t Partition::last_stable_offset() const {
    const auto first_unstable = producers_.first_unstable_offset();
    const std::int64_t lso = first_unstable ? std::min(*first_unstable, high_watermark()) : high_watermark();
    EOSIM_ASSERT(lso >= log_->log_start_offset());
    EOSIM_ASSERT(lso <= high_watermark());
    return lso;
}

ReadResult Partition::read(std::int64_t from_offset, Isolation isolation,
                           std::int32_t max_records) const {
    ReadResult result;
    result.high_watermark = high_watermark();
    result.last_stable_offset = last_stable_offset();
    const std::int64_t bound =
        isolation == Isolation::read_committed ? result.last_stable_offset : result.high_watermark;
    result.batches = log_->read(from_offset, bound, max_records);
    if (isolation == Isolation::read_committed) {
        // TransactionIndex.collectAbortedTxns: lastOffset >= fetchOffset && firstOffset < LSO.
        for (const AbortedTxn& aborted : aborted_) {
            if (aborted.last_offset >= from_offset && aborted.first_offset < bound) {
                result.aborted.push_back(aborted);
            }
        }
    }
    return result;
}

void Partition::index_completed(const std::optional<CompletedTxn>& completed, ControlType type) {
    if (completed && type == ControlType::abort) {
        aborted_.push_back(AbortedTxn{completed->producer_id, completed->first_offset, completed->last_offset});
    }
}

void Partition::append_replica(const LogBatch& batch) {
    log_->append_replica(batch);
    index_completed(producers_.replay(batch), batch.batch.control);
}

void Partition::truncate_to(std::int64_t offset) {
    const std::int64_t end = log_->log_end_offset();
    log_->truncate_to(offset);
    if (offset < end) rebuild();
}

void Partition::rebuild(std::int64_t snapshot_offset) {
    producers_.clear();
    aborted_.clear();
    bool snapshot_applied = snapshot_offset <= 0;
    for (const LogBatch& stored : log_->batches()) {
        if (!snapshot_applied && stored.base_offset >= snapshot_offset) {
            producers_.keep_last_batch_only();
            snapshot_applied = true;
        }
        index_completed(producers_.replay(stored), stored.batch.control);
    }
    if (!snapshot_applied) producers_.keep_last_batch_only();
}

std::int64_t Partition::last_roll_offset(std::int64_t segment_records) const {
    if (segment_records <= 0) return 0;
    // A segment rolls at the first batch that starts at or past a multiple of segment_records.
    const std::int64_t boundary = log_->log_end_offset() / segment_records * segment_records;
    for (const LogBatch& stored : log_->batches()) {
        if (stored.base_offset >= boundary) return stored.base_offset;
    }
    return log_->log_end_offset();
}

}  // namespace eosim::kafka
