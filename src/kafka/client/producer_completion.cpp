// How a batch ends, after Kafka's Sender.completeBatch / failBatch and RecordAccumulator.reenqueue:
// the answer to a produce request completes its batches, retries them (in sequence order) or
// fails them, and the application hears the outcome of each record.
#include "base/assert.hpp"
#include "kafka/client/producer_client.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

void ProducerClient::handle_produce_response(InFlightRequest& request,
                                             const ProduceResponse& response) {
    for (BatchPtr& batch : request.batches) {
        const ProduceResponse::PartitionResponse* result = nullptr;
        for (const auto& p : response.partitions) {
            if (p.partition == batch->partition) result = &p;
        }
        EOSIM_ASSERT(result != nullptr);
        if (result->error == ErrorCode::NOT_LEADER_OR_FOLLOWER || result->error == ErrorCode::FENCED_LEADER_EPOCH) {
            leaders_.mark_stale();
        }
        forget_in_flight(*batch);
        if (batch->done) continue;  // expired meanwhile
        // The history records what the client knows: with acks=all such an answer can come after
        // the append (e.g. NOT_ENOUGH_REPLICAS_AFTER_APPEND), so a final failure is indeterminate.
        // With acks=1 the leader answers right after its append, so these errors are refusals.
        if (config_.acks == -1 && may_follow_append(result->error)) batch->maybe_written = true;
        complete_batch(std::move(batch), result->error, result->base_offset);
    }
}

void ProducerClient::forget_in_flight(const Batch& batch) {
    PartitionState& state = partitions_[batch.partition];
    EOSIM_ASSERT(state.in_flight_batches > 0);
    --state.in_flight_batches;
}

// Sender.completeBatch / failBatch.
void ProducerClient::complete_batch(BatchPtr batch, ErrorCode error, std::int64_t base_offset) {
    PartitionState& state = partitions_[batch->partition];
    if (error == ErrorCode::NONE || error == ErrorCode::DUPLICATE_SEQUENCE_NUMBER) {
        // handleCompletedBatch: the partition's last acknowledged sequence, in its own epoch.
        if (batch->base_sequence != kNoSequence && !batch->records.empty() &&
            batch->producer_id == state.producer_id && batch->producer_epoch == state.producer_epoch) {
            state.last_acked_sequence = increment_sequence(batch->base_sequence, static_cast<std::int32_t>(batch->records.size()) - 1);
        }
        // DUPLICATE_SEQUENCE_NUMBER is success without an offset (Sender.completeBatch).
        const std::int64_t offset = error == ErrorCode::NONE ? base_offset : -1;
        finish(*batch, {SendOutcome::Kind::ok, ErrorCode::NONE, offset});
        return;
    }
    if (transactional() && !is_retriable(error)) {
        // TxM: anything but a retriable error aborts the transaction (fenced: fatal later).
        txn().enter_abortable_error(error);
        sim_.record_state(host_, sim::StateChange("producer.batch_failed")
                                     .with("partition", batch->partition.str())
                                     .with("error", error_name(error)));
        finish(*batch, {batch->maybe_written ? SendOutcome::Kind::info : SendOutcome::Kind::fail, error, -1});
        return;
    }
    if (can_retry(*batch, error)) {
        reenqueue(std::move(batch));
        return;
    }
    if (transactional()) {
        txn().enter_abortable_error(error);
    } else if (idempotent()) {
        // failBatch(batch, response, batch.attempts() < retries).
        handle_failed_batch(*batch, error, batch->attempts < config_.retries);
    }
    sim_.record_state(host_, sim::StateChange("producer.batch_failed")
                                 .with("partition", batch->partition.str())
                                 .with("error", error_name(error)));
    finish(*batch, {batch->maybe_written ? SendOutcome::Kind::info : SendOutcome::Kind::fail,
                    error, -1});
}

// Sender.canRetry: within delivery.timeout.ms and retries, then TransactionManager.canRetry.
bool ProducerClient::can_retry(Batch& batch, ErrorCode error) {
    if (sim_.now() >= batch.created_us + sim::ms(config_.delivery_timeout_ms)) return false;
    if (batch.attempts >= config_.retries) return false;
    if (idempotent() && !transactional()) return transaction_manager_can_retry(batch, error);
    return is_retriable(error);
}

void ProducerClient::reenqueue(BatchPtr batch) {
    ++batch->attempts;
    // RecordAccumulator.batchReady: retryBackoff.backoff(attempts - 1), exponential (KIP-580).
    batch->retry_after_us = sim_.now() + retry_backoff_.backoff_us(batch->attempts - 1, backoff_prng_);
    batch->closed = true;
    sim_.record_state(host_, sim::StateChange("producer.retry")
                                 .with("partition", batch->partition.str())
                                 .with("seq", batch->base_sequence)
                                 .with("attempt", batch->attempts));
    auto& queue = partitions_[batch->partition].queue;
    auto position = queue.begin();
    if (batch->base_sequence != kNoSequence) {
        // insertInSequenceOrder: ahead of fresh batches and of retries with higher sequences.
        while (position != queue.end() && (*position)->base_sequence != kNoSequence &&
               (*position)->base_sequence < batch->base_sequence) {
            ++position;
        }
    }
    queue.insert(position, std::move(batch));
}

void ProducerClient::finish(Batch& batch, SendOutcome outcome) {
    EOSIM_ASSERT(!batch.done);
    batch.done = true;
    EOSIM_ASSERT(pending_records_ >= batch.records.size());
    pending_records_ -= batch.records.size();
    EOSIM_ASSERT(buffer_used_bytes_ >= batch.allocated_bytes);
    buffer_used_bytes_ -= batch.allocated_bytes;
    for (std::size_t i = 0; i < batch.records.size(); ++i) {
        SendOutcome record_outcome = outcome;
        if (outcome.offset >= 0) record_outcome.offset = outcome.offset + static_cast<std::int64_t>(i);
        listener_.on_send_complete(batch.records[i].value, batch.partition, record_outcome);
    }
}

}  // namespace eosim::kafka
