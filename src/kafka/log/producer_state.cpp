#include "kafka/log/producer_state.hpp"

#include <limits>

#include "base/assert.hpp"

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

void ProducerStateEntry::update_epoch(std::int16_t epoch) {
    if (epoch == producer_epoch) return;
    // A partition's producer epoch never goes back: older epochs are fenced or ignored.
    EOSIM_ASSERT_GT(epoch, producer_epoch);
    batches.clear();  // maybeUpdateProducerEpoch
    producer_epoch = epoch;
}

bool in_sequence(std::int32_t last_sequence, std::int32_t next_sequence) {
    return static_cast<std::int64_t>(next_sequence) == static_cast<std::int64_t>(last_sequence) + 1 ||
           (next_sequence == 0 && last_sequence == std::numeric_limits<std::int32_t>::max());
}

AppendCheck ProducerStateTable::check(const RecordBatch& batch, const PartitionRules& rules) const {
    EOSIM_ASSERT(batch.has_producer_id());
    EOSIM_ASSERT(!batch.is_control());
    EOSIM_ASSERT(batch.base_sequence >= 0);
    const auto found = entries_.find(batch.producer_id);
    if (found == entries_.end()) return {};  // no state: any sequence is accepted (KIP-360)
    const ProducerStateEntry& entry = found->second;
    if (rules.dedup) {
        if (const BatchMetadata* original = entry.find_duplicate(batch)) {
            return {AppendCheck::Kind::duplicate, ErrorCode::NONE, *original};
        }
    }
    if (batch.producer_epoch < entry.producer_epoch) {
        if (!rules.epoch_fencing) return {};  // knocked out: taken unchecked, as a follower would
        return {AppendCheck::Kind::reject, ErrorCode::INVALID_PRODUCER_EPOCH, {}};
    }
    if (batch.producer_epoch != entry.producer_epoch) {
        // A new epoch must start at sequence 0, unless the entry never had an epoch.
        if (batch.base_sequence != 0 && entry.producer_epoch != kNoProducerEpoch) {
            return {AppendCheck::Kind::reject, ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER, {}};
        }
    } else if (!in_sequence(entry.last_sequence(), batch.base_sequence)) {
        // Same epoch: the batch must follow the last one (an empty cache expects sequence 0).
        return {AppendCheck::Kind::reject, ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER, {}};
    }
    if (!batch.transactional && entry.current_txn_first_offset >= 0) {
        return {AppendCheck::Kind::reject, ErrorCode::INVALID_TXN_STATE, {}};
    }
    return {};
}

void ProducerStateTable::on_append(const RecordBatch& batch, std::int64_t first_offset) {
    EOSIM_ASSERT(batch.has_producer_id());
    EOSIM_ASSERT(!batch.is_control());
    ProducerStateEntry& entry = entries_[batch.producer_id];
    if (batch.producer_epoch < entry.producer_epoch) {
        // Only with epoch fencing knocked out: the stale write still joins (or opens) the
        // producer id's transaction on this partition; the current epoch's state is kept.
        if (batch.transactional && entry.current_txn_first_offset < 0) {
            entry.current_txn_first_offset = first_offset;
            ongoing_[first_offset] = batch.producer_id;
        }
        return;
    }
    // Sequences follow on within an epoch, as check() requires of a leader's append and as the
    // leader's log, replayed by followers and recovery, therefore holds.
    if (batch.producer_epoch == entry.producer_epoch && !entry.batches.empty()) {
        EOSIM_ASSERT(in_sequence(entry.last_sequence(), batch.base_sequence));
    }
    entry.update_epoch(batch.producer_epoch);
    entry.batches.push_back(BatchMetadata{batch.base_sequence, batch.last_sequence(),
                                          first_offset, first_offset + batch.record_count() - 1});
    if (entry.batches.size() > ProducerStateEntry::kNumBatchesToRetain) entry.batches.pop_front();
    EOSIM_ASSERT(entry.batches.size() <= ProducerStateEntry::kNumBatchesToRetain);
    if (batch.transactional && entry.current_txn_first_offset < 0) {
        entry.current_txn_first_offset = first_offset;
        ongoing_[first_offset] = batch.producer_id;
    }
}

ErrorCode ProducerStateTable::check_marker(std::int64_t producer_id, std::int16_t epoch,
                                           std::int32_t coordinator_epoch,
                                           const PartitionRules& rules) const {
    const auto found = entries_.find(producer_id);
    if (found == entries_.end()) return ErrorCode::NONE;
    const ProducerStateEntry& entry = found->second;
    if (rules.epoch_fencing) {
        // TV1: a marker may carry the current epoch; TV2 (KIP-1228): it must be newer, except
        // a retried marker when no transaction is open (KAFKA-19999).
        const bool stale = rules.strict_marker_epoch
                               ? epoch < entry.producer_epoch ||
                                     (epoch == entry.producer_epoch &&
                                      (entry.current_txn_first_offset >= 0 || !rules.idempotent_marker_retry))
                               : epoch < entry.producer_epoch;
        if (stale) return ErrorCode::INVALID_PRODUCER_EPOCH;
    }
    if (coordinator_epoch < entry.coordinator_epoch) return ErrorCode::TRANSACTION_COORDINATOR_FENCED;
    return ErrorCode::NONE;
}

std::optional<CompletedTxn> ProducerStateTable::on_marker(std::int64_t producer_id,
                                                          std::int16_t epoch,
                                                          std::int32_t coordinator_epoch,
                                                          std::int64_t marker_offset) {
    ProducerStateEntry& entry = entries_[producer_id];
    if (epoch > entry.producer_epoch) entry.update_epoch(epoch);  // lazy fencing
    // check_marker fences older coordinators, so the log holds their epochs in order.
    EOSIM_ASSERT_GE(coordinator_epoch, entry.coordinator_epoch);
    entry.coordinator_epoch = coordinator_epoch;
    if (entry.current_txn_first_offset < 0) return std::nullopt;  // empty here (KAFKA-10702)
    const CompletedTxn completed{producer_id, entry.current_txn_first_offset, marker_offset};
    ongoing_.erase(entry.current_txn_first_offset);
    entry.current_txn_first_offset = -1;
    return completed;
}

std::optional<CompletedTxn> ProducerStateTable::replay(const LogBatch& stored) {
    const RecordBatch& batch = stored.batch;
    if (!batch.has_producer_id()) return std::nullopt;
    if (batch.is_control()) {
        return on_marker(batch.producer_id, batch.producer_epoch, batch.coordinator_epoch,
                         stored.base_offset);
    }
    on_append(batch, stored.base_offset);
    return std::nullopt;
}

void ProducerStateTable::clear() {
    entries_.clear();
    ongoing_.clear();
}

const ProducerStateEntry* ProducerStateTable::find(std::int64_t producer_id) const {
    const auto found = entries_.find(producer_id);
    return found == entries_.end() ? nullptr : &found->second;
}

std::optional<std::int64_t> ProducerStateTable::first_unstable_offset() const {
    if (ongoing_.empty()) return std::nullopt;
    return ongoing_.begin()->first;
}

void ProducerStateTable::keep_last_batch_only() {
    for (auto& [pid, entry] : entries_) {
        while (entry.batches.size() > 1) entry.batches.pop_front();
    }
}

}  // namespace eosim::kafka
