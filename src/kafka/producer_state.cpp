#include "kafka/producer_state.hpp"

#include <cassert>
#include <limits>

namespace eosim::kafka {

std::int32_t ProducerStateEntry::last_sequence() const {
    return batches.empty() ? kNoSequence : batches.back().last_sequence;
}

const BatchMetadata* ProducerStateEntry::find_duplicate(const RecordBatch& batch) const {
    if (batch.producer_epoch != producer_epoch) return nullptr;
    for (const BatchMetadata& cached : batches) {
        if (cached.first_sequence == batch.base_sequence &&
            cached.last_sequence == batch.last_sequence()) {
            return &cached;
        }
    }
    return nullptr;
}

bool in_sequence(std::int32_t last_sequence, std::int32_t next_sequence) {
    return static_cast<std::int64_t>(next_sequence) == static_cast<std::int64_t>(last_sequence) + 1 ||
           (next_sequence == 0 && last_sequence == std::numeric_limits<std::int32_t>::max());
}

AppendCheck ProducerStateTable::check(const RecordBatch& batch) const {
    assert(batch.has_producer_id());
    assert(batch.base_sequence >= 0);
    const auto found = entries_.find(batch.producer_id);
    if (found == entries_.end()) return {};  // no state: any sequence is accepted (KIP-360)
    const ProducerStateEntry& entry = found->second;
    if (const BatchMetadata* original = entry.find_duplicate(batch)) {
        return {AppendCheck::Kind::duplicate, ErrorCode::NONE, *original};
    }
    if (batch.producer_epoch < entry.producer_epoch) {
        return {AppendCheck::Kind::reject, ErrorCode::INVALID_PRODUCER_EPOCH, {}};
    }
    if (batch.producer_epoch != entry.producer_epoch) {
        // A new epoch must start at sequence 0, unless the entry never had an epoch.
        if (batch.base_sequence != 0 && entry.producer_epoch != kNoProducerEpoch) {
            return {AppendCheck::Kind::reject, ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER, {}};
        }
        return {};
    }
    // Same epoch: the batch must follow the last one (an empty cache expects sequence 0).
    if (in_sequence(entry.last_sequence(), batch.base_sequence)) return {};
    return {AppendCheck::Kind::reject, ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER, {}};
}

void ProducerStateTable::on_append(const RecordBatch& batch, std::int64_t first_offset) {
    assert(batch.has_producer_id());
    ProducerStateEntry& entry = entries_[batch.producer_id];
    if (batch.producer_epoch != entry.producer_epoch) {
        entry.batches.clear();  // maybeUpdateProducerEpoch: any epoch change clears the cache
        entry.producer_epoch = batch.producer_epoch;
    }
    entry.batches.push_back(BatchMetadata{batch.base_sequence, batch.last_sequence(),
                                          first_offset, first_offset + batch.record_count() - 1});
    if (entry.batches.size() > ProducerStateEntry::kNumBatchesToRetain) entry.batches.pop_front();
    assert(entry.batches.size() <= ProducerStateEntry::kNumBatchesToRetain);
}

void ProducerStateTable::replay(const LogBatch& stored) {
    if (!stored.batch.has_producer_id()) return;
    on_append(stored.batch, stored.base_offset);
}

const ProducerStateEntry* ProducerStateTable::find(std::int64_t producer_id) const {
    const auto found = entries_.find(producer_id);
    return found == entries_.end() ? nullptr : &found->second;
}

}  // namespace eosim::kafka
