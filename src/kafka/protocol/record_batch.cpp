#include "kafka/protocol/record_batch.hpp"

#include <limits>

#include "base/assert.hpp"

namespace eosim::kafka {

std::int32_t increment_sequence(std::int32_t sequence, std::int32_t increment) {
    EOSIM_ASSERT(sequence >= 0);
    EOSIM_ASSERT(increment >= 0);
    constexpr std::int64_t kMax = std::numeric_limits<std::int32_t>::max();
    const std::int64_t sum = static_cast<std::int64_t>(sequence) + increment;
    return static_cast<std::int32_t>(sum > kMax ? sum - kMax - 1 : sum);
}

std::int32_t RecordBatch::last_sequence() const {
    if (base_sequence == kNoSequence) return kNoSequence;
    EOSIM_ASSERT(!records.empty());
    return increment_sequence(base_sequence, record_count() - 1);
}

std::int64_t RecordBatch::wire_size_bytes() const {
    constexpr std::int64_t kSmallRecordBytes = 20;  // a control record, a coordinator's record
    if (size_bytes > 0) return size_bytes;
    return kRecordBatchHeaderBytes + kSmallRecordBytes * static_cast<std::int64_t>(records.empty() ? 1 : records.size());
}

}  // namespace eosim::kafka
