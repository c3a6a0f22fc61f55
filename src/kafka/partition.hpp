#pragma once
// A partition replica as its leader sees it: the persisted log, the producer state derived from
// it, the aborted-transaction index, the high watermark and the last stable offset.
#include <cstdint>
#include <vector>

#include "kafka/errors.hpp"
#include "kafka/partition_log.hpp"
#include "kafka/producer_state.hpp"
#include "kafka/record_batch.hpp"

namespace eosim::kafka {

enum class Isolation : std::uint8_t { read_uncommitted, read_committed };

// An entry of the aborted-transaction index (Kafka's .txnindex AbortedTxn).
struct AbortedTxn {
    std::int64_t producer_id = kNoProducerId;
    std::int64_t first_offset = 0;
    std::int64_t last_offset = 0;  // the ABORT marker
};

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
    explicit Partition(PartitionLog& log) : log_(&log) { rebuild(); }

    AppendResult append_data(const RecordBatch& batch, const PartitionRules& rules);
    // WriteTxnMarkers for one partition: one control batch; fences older epochs.
    AppendResult append_marker(std::int64_t producer_id, std::int16_t epoch,
                               std::int32_t coordinator_epoch, ControlType type,
                               const PartitionRules& rules);
    ReadResult read(std::int64_t from_offset, Isolation isolation, std::int32_t max_records) const;

    std::int64_t high_watermark() const { return log_->high_watermark(); }
    // LSO = min(first offset of open transactions, HW) (UnifiedLog.lastStableOffset).
    std::int64_t last_stable_offset() const;
    const ProducerStateTable& producers() const { return producers_; }
    const std::vector<AbortedTxn>& aborted_index() const { return aborted_; }
    // Rebuilds producer state and the aborted index by replaying the log.
    void rebuild();

private:
    std::int64_t append(RecordBatch batch);

    PartitionLog* log_;
    ProducerStateTable producers_;
    std::vector<AbortedTxn> aborted_;
};

}  // namespace eosim::kafka
