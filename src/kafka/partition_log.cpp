#include "kafka/partition_log.hpp"

#include <algorithm>
#include <cassert>

namespace eosim::kafka {

std::int64_t PartitionLog::append(RecordBatch batch) {
    assert(!batch.records.empty());
    const std::int64_t base_offset = log_end_offset_;
    log_end_offset_ += batch.record_count();
    batches_.push_back(LogBatch{base_offset, std::move(batch)});
    return base_offset;
}

void PartitionLog::set_high_watermark(std::int64_t offset) {
    assert(offset >= high_watermark_ && offset <= log_end_offset_);
    high_watermark_ = offset;
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
