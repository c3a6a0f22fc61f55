#pragma once
// A partition's log: batches with dense offsets. One replica for now; the high watermark is kept
// separate from the log end offset so that replication can move it independently.
#include <cstdint>
#include <vector>

#include "kafka/record_batch.hpp"

namespace eosim::kafka {

class PartitionLog {
public:
    // Appends and returns the batch's base offset.
    std::int64_t append(RecordBatch batch);
    std::int64_t log_start_offset() const { return 0; }
    std::int64_t log_end_offset() const { return log_end_offset_; }
    std::int64_t high_watermark() const { return high_watermark_; }
    void set_high_watermark(std::int64_t offset);
    // Whole batches that contain offsets in [from_offset, up_to_offset), at most max_records
    // records counted from from_offset (a batch is never split, as in Kafka).
    std::vector<LogBatch> read(std::int64_t from_offset, std::int64_t up_to_offset,
                               std::int32_t max_records) const;
    const std::vector<LogBatch>& batches() const { return batches_; }

private:
    std::vector<LogBatch> batches_;
    std::int64_t log_end_offset_ = 0;
    std::int64_t high_watermark_ = 0;
};

}  // namespace eosim::kafka
