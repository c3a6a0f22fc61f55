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

}  // namespace eosim::kafka
