// The idempotent producer's sequence bookkeeping: Kafka's TransactionManager (handleFailedBatch,
// canRetry, maybeResolveSequences, bumpIdempotentEpochAndResetIdIfNeeded) and TxnPartitionEntry
// (startSequencesAtBeginning). A sequence is only ever reassigned when no earlier attempt of the
// batch can still be appended under the old one, or when the broker said it lost our state.
#include <algorithm>
#include <limits>

#include "kafka/client/producer_client.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

std::vector<ProducerClient::Batch*> ProducerClient::sequenced_batches(const TopicPartition& partition) {
    std::vector<Batch*> batches;
    for (auto& [broker, ch] : network_.channels()) {
        for (auto& [correlation, request] : ch.in_flight) {
            for (BatchPtr& batch : request.batches) {
                // An expired batch left inflightBatchesBySequence when it failed (handleFailedBatch).
                if (batch->partition == partition && !batch->done && batch->base_sequence != kNoSequence) {
                    batches.push_back(batch.get());
                }
            }
        }
    }
    const auto found = partitions_.find(partition);
    if (found != partitions_.end()) {
        for (BatchPtr& batch : found->second.queue) {
            if (batch->attempts == 0) break;  // never sent: no sequence yet, nor after it
            if (batch->base_sequence != kNoSequence) batches.push_back(batch.get());
        }
    }
    std::sort(batches.begin(), batches.end(),
              [](const Batch* a, const Batch* b) { return a->base_sequence < b->base_sequence; });
    return batches;
}

bool ProducerClient::has_in_flight_batches(const TopicPartition& partition) {
    return !sequenced_batches(partition).empty();
}

std::int32_t ProducerClient::first_in_flight_sequence(const TopicPartition& partition) {
    const std::vector<Batch*> batches = sequenced_batches(partition);
    return batches.empty() ? kNoSequence : batches.front()->base_sequence;
}

bool ProducerClient::has_stale_producer_id_and_epoch(const PartitionState& state) const {
    return state.producer_id != producer_id_ || state.producer_epoch != producer_epoch_;
}

// TransactionManager.maybeUpdateProducerIdAndEpoch: a partition joins the producer's current
// epoch, at sequence 0, once nothing of it is in flight under the old one (KAFKA-12152: lazily,
// so a bump caused by one partition does not disturb batches in flight to others).
void ProducerClient::maybe_update_producer_id_and_epoch(const TopicPartition& partition) {
    PartitionState& state = partitions_[partition];
    if (!has_stale_producer_id_and_epoch(state) || has_in_flight_batches(partition)) return;
    state.producer_id = producer_id_;
    state.producer_epoch = producer_epoch_;
    state.next_sequence = 0;
    state.last_acked_sequence = kNoSequence;
}

// TxnPartitionEntry.startSequencesAtBeginning: the partition's unfinished sequenced batches are
// renumbered from 0 under the current producer id and epoch.
void ProducerClient::start_sequences_at_beginning(const TopicPartition& partition) {
    PartitionState& state = partitions_[partition];
    std::int32_t sequence = 0;
    for (Batch* batch : sequenced_batches(partition)) {
        batch->producer_id = producer_id_;
        batch->producer_epoch = producer_epoch_;
        batch->base_sequence = producer_id_ == kNoProducerId ? kNoSequence : sequence;
        batch->sequence_reset = true;
        sequence = increment_sequence(sequence, static_cast<std::int32_t>(batch->records.size()));
    }
    state.producer_id = producer_id_;
    state.producer_epoch = producer_epoch_;
    state.next_sequence = producer_id_ == kNoProducerId ? 0 : sequence;
    state.last_acked_sequence = kNoSequence;
    state.unresolved_next_sequence.reset();
}

void ProducerClient::request_epoch_bump(const TopicPartition& partition) {
    epoch_bump_required_ = true;
    partitions_[partition].rewrite_on_bump = true;
}

void ProducerClient::mark_sequence_unresolved(const Batch& batch) {
    PartitionState& state = partitions_[batch.partition];
    const std::int32_t next = increment_sequence(batch.base_sequence, static_cast<std::int32_t>(batch.records.size()));
    if (!state.unresolved_next_sequence || *state.unresolved_next_sequence < next) {
        state.unresolved_next_sequence = next;
    }
}

// TransactionManager.maybeResolveSequences: once no batch of an unresolved partition is in flight
// or waiting for a retry, either the batches after the expired one were all acknowledged (the
// sequence is contiguous again) or the epoch must be bumped.
void ProducerClient::maybe_resolve_sequences() {
    for (auto& [tp, state] : partitions_) {
        if (!state.unresolved_next_sequence || has_in_flight_batches(tp)) continue;
        const std::int32_t expected = state.last_acked_sequence == kNoSequence
                                          ? 0
                                          : increment_sequence(state.last_acked_sequence, 1);
        if (expected != state.next_sequence) request_epoch_bump(tp);
        state.unresolved_next_sequence.reset();
    }
}

// TransactionManager.bumpIdempotentEpochAndResetIdIfNeeded (KIP-360): the idempotent producer
// bumps its own epoch (no RPC); only the partitions that asked for it are renumbered now.
void ProducerClient::maybe_bump_epoch() {
    if (!epoch_bump_required_) return;
    epoch_bump_required_ = false;
    if (producer_epoch_ == std::numeric_limits<std::int16_t>::max()) {
        producer_id_ = kNoProducerId;  // resetIdempotentProducerId: a new InitProducerId, epoch 0
        producer_epoch_ = kNoProducerEpoch;
    } else if (producer_id_ != kNoProducerId) {
        ++producer_epoch_;
    }
    sim_.record_state(host_, sim::StateChange("producer.epoch_bump")
                                 .with("pid", producer_id_)
                                 .with("epoch", producer_epoch_));
    for (auto& [tp, state] : partitions_) {
        if (!state.rewrite_on_bump) continue;
        state.rewrite_on_bump = false;
        start_sequences_at_beginning(tp);
    }
}

// TransactionManager.canRetry for OUT_OF_ORDER_SEQUENCE_NUMBER and UNKNOWN_PRODUCER_ID (the
// idempotent producer; the transactional one aborts instead).
bool ProducerClient::transaction_manager_can_retry(Batch& batch, ErrorCode error) {
    const PartitionState& state = partitions_[batch.partition];
    if (error == ErrorCode::UNKNOWN_PRODUCER_ID) {
        // The broker has no state for us: bump, unless this batch was already renumbered.
        if (!batch.sequence_reset) request_epoch_bump(batch.partition);
        return true;
    }
    if (error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER) {
        const std::int32_t expected = state.last_acked_sequence == kNoSequence
                                          ? 0
                                          : increment_sequence(state.last_acked_sequence, 1);
        const bool is_next = batch.base_sequence == expected;
        if (!state.unresolved_next_sequence && (batch.sequence_reset || !is_next)) {
            return true;  // an earlier batch is still unresolved: a plain retry will do
        }
        // A real gap: the next expected batch was refused (or the one right after an unresolved
        // sequence). Bump and resend from 0.
        if (!state.unresolved_next_sequence || batch.base_sequence == *state.unresolved_next_sequence) {
            request_epoch_bump(batch.partition);
        }
        return true;
    }
    return is_retriable(error);
}

// TransactionManager.handleFailedBatch for the idempotent producer. adjust_sequences is
// Sender's `batch.attempts() < retries`: a batch that ran out of retries (or expired) may have
// been appended, so its successors keep their sequences and nothing is renumbered.
void ProducerClient::handle_failed_batch(const Batch& batch, ErrorCode error, bool adjust_sequences) {
    if (batch.base_sequence == kNoSequence) return;
    if (error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER) {
        request_epoch_bump(batch.partition);  // a gap in the log: restart the partition at 0
    } else if (error == ErrorCode::UNKNOWN_PRODUCER_ID) {
        PartitionState& state = partitions_[batch.partition];  // resetSequenceForPartition
        state.producer_id = producer_id_;
        state.producer_epoch = producer_epoch_;
        state.next_sequence = 0;
        state.last_acked_sequence = kNoSequence;
        state.unresolved_next_sequence.reset();
    } else if (adjust_sequences) {
        request_epoch_bump(batch.partition);  // definitely refused with retries left
    }
}

}  // namespace eosim::kafka
