// The transactional part of ProducerClient: Kafka's TransactionManager (client side).
#include "base/assert.hpp"
#include "kafka/client/producer_client.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {

bool coordinator_retriable(ErrorCode e) {
    return e == ErrorCode::CONCURRENT_TRANSACTIONS || e == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS ||
           e == ErrorCode::COORDINATOR_NOT_AVAILABLE || e == ErrorCode::NOT_COORDINATOR ||
           e == ErrorCode::REQUEST_TIMED_OUT || e == ErrorCode::NETWORK_EXCEPTION ||
           e == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
}

// Errors after which the producer can only be closed (ProducerFencedException and friends).
bool fatal_for_transaction_request(ErrorCode e) {
    return e == ErrorCode::PRODUCER_FENCED || e == ErrorCode::INVALID_PRODUCER_EPOCH ||
           e == ErrorCode::INVALID_TXN_STATE || e == ErrorCode::INVALID_PRODUCER_ID_MAPPING;
}

constexpr std::int32_t kAddPartitionsConcurrentBackoffMs = 20;  // KAFKA-5477

}  // namespace

void ProducerClient::transition_to(ClientTxnState target) {
    EOSIM_ASSERT(is_valid_client_transition(txn_state_, target));
    sim_.record_state(host_, sim::StateChange("producer.txn_state")
                                 .with("from", client_txn_state_name(txn_state_))
                                 .with("to", client_txn_state_name(target)));
    txn_state_ = target;
}

void ProducerClient::init_transactions() {
    EOSIM_ASSERT(transactional());
    EOSIM_ASSERT(!operation_);
    transition_to(ClientTxnState::INITIALIZING);
    operation_ = TxnOperation::init;
    poll();
}

void ProducerClient::begin_transaction() {
    transition_to(ClientTxnState::IN_TRANSACTION);
    txn_partitions_.clear();
    txn_partitions_pending_.clear();
    txn_offsets_.reset();
    txn_offsets_added_ = false;
    txn_send_made_ = false;
}

void ProducerClient::send_offsets_to_transaction(std::map<TopicPartition, std::int64_t> offsets,
                                                 GroupMetadata group) {
    EOSIM_ASSERT(!operation_);
    operation_ = TxnOperation::send_offsets;
    if (txn_state_ != ClientTxnState::IN_TRANSACTION) {
        finish_operation(ErrorCode::INVALID_TXN_STATE);
        return;
    }
    txn_offsets_ = std::move(offsets);
    txn_group_ = std::move(group);
    txn_send_made_ = true;
    txn_offsets_added_ = false;
    poll();
}

void ProducerClient::commit_transaction() {
    EOSIM_ASSERT(!operation_);
    operation_ = TxnOperation::commit;
    if (txn_state_ != ClientTxnState::IN_TRANSACTION) {
        finish_operation(txn_state_ == ClientTxnState::FATAL_ERROR ? ErrorCode::PRODUCER_FENCED
                                                                   : ErrorCode::TRANSACTION_ABORTABLE);
        return;
    }
    transition_to(ClientTxnState::COMMITTING_TRANSACTION);
    poll();
}

void ProducerClient::abort_transaction() {
    EOSIM_ASSERT(!operation_);
    operation_ = TxnOperation::abort;
    if (txn_state_ == ClientTxnState::FATAL_ERROR) {
        finish_operation(ErrorCode::PRODUCER_FENCED);
        return;
    }
    transition_to(ClientTxnState::ABORTING_TRANSACTION);
    fail_queued_batches(ErrorCode::TRANSACTION_ABORTABLE);  // abortUndrainedBatches
    txn_partitions_pending_.clear();
    poll();
}

bool ProducerClient::send_to_partition_allowed(const TopicPartition& partition) const {
    const bool open = txn_state_ == ClientTxnState::IN_TRANSACTION ||
                      txn_state_ == ClientTxnState::COMMITTING_TRANSACTION;
    return open && txn_partitions_.count(partition) > 0;
}

bool ProducerClient::has_unfinished_batches() const {
    for (const auto& [tp, state] : partitions_) {
        if (!state.queue.empty() || state.in_flight_batches > 0) return true;
    }
    return false;
}

void ProducerClient::fail_queued_batches(ErrorCode error) {
    for (auto& [tp, state] : partitions_) {
        for (BatchPtr& batch : state.queue) {
            if (batch->done) continue;
            finish(*batch, {batch->maybe_written ? SendOutcome::Kind::info : SendOutcome::Kind::fail, error, -1});
        }
        state.queue.clear();
    }
}

void ProducerClient::enter_abortable_error(ErrorCode error) {
    if (error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER || error == ErrorCode::UNKNOWN_PRODUCER_ID ||
        error == ErrorCode::REQUEST_TIMED_OUT) {
        txn_epoch_bump_after_abort_ = true;  // KIP-360: abort, then InitProducerId(pid, epoch)
    }
    if (txn_state_ == ClientTxnState::FATAL_ERROR || txn_state_ == ClientTxnState::ABORTABLE_ERROR ||
        txn_state_ == ClientTxnState::ABORTING_TRANSACTION) {
        return;
    }
    if (error == ErrorCode::PRODUCER_FENCED) {
        transition_to(ClientTxnState::FATAL_ERROR);
    } else {
        transition_to(ClientTxnState::ABORTABLE_ERROR);
    }
    if (operation_ == TxnOperation::commit || operation_ == TxnOperation::send_offsets) finish_operation(error);
}

void ProducerClient::finish_operation(ErrorCode error) {
    EOSIM_ASSERT(operation_.has_value());
    const TxnOperation operation = *operation_;
    operation_.reset();
    if (txn_listener_ != nullptr) {
        txn_listener_->on_transaction_result(operation, error, txn_state_ == ClientTxnState::FATAL_ERROR);
    }
}

void ProducerClient::reset_sequences() {
    for (auto& [tp, state] : partitions_) {
        state.producer_id = producer_id_;
        state.producer_epoch = producer_epoch_;
        state.next_sequence = 0;
        state.last_acked_sequence = kNoSequence;
        state.unresolved_next_sequence.reset();
        for (BatchPtr& batch : state.queue) batch->base_sequence = kNoSequence;
    }
}

void ProducerClient::maybe_send_transaction_request(sim::TimeUs now) {
    if (txn_request_in_flight_ || now < txn_retry_after_us_) return;
    const std::string& id = *config_.transactional_id;
    std::int32_t broker = leaders_.leader_of(layout_->transaction_partition_of(id));
    if (broker == kNoLeader) return;  // the metadata refresh will find it
    MessageBody body;
    const bool adding = txn_state_ == ClientTxnState::IN_TRANSACTION ||
                        txn_state_ == ClientTxnState::COMMITTING_TRANSACTION;
    if (txn_state_ == ClientTxnState::INITIALIZING) {
        InitProducerIdRequest init{id, config_.transaction_timeout_ms, kNoProducerId, kNoProducerEpoch};
        if (txn_epoch_bump_after_abort_) {
            init.producer_id = producer_id_;
            init.producer_epoch = producer_epoch_;
        }
        body = init;
    } else if (adding && !txn_partitions_pending_.empty()) {
        body = AddPartitionsToTxnRequest{id, producer_id_, producer_epoch_,
                                         {txn_partitions_pending_.begin(), txn_partitions_pending_.end()}, false};
    } else if (adding && operation_ == TxnOperation::send_offsets && txn_offsets_ && !txn_offsets_added_) {
        body = AddOffsetsToTxnRequest{id, producer_id_, producer_epoch_, txn_group_.group_id};
    } else if (adding && operation_ == TxnOperation::send_offsets && txn_offsets_) {
        TxnOffsetCommitRequest commit{id, txn_group_.group_id, producer_id_, producer_epoch_, txn_group_.member_id,
                                      txn_group_.generation_id, txn_group_.group_instance_id, {}};
        for (const auto& [tp, offset] : *txn_offsets_) commit.partitions.push_back({tp, offset});
        broker = leaders_.leader_of(layout_->offsets_partition_of_group(txn_group_.group_id));
        if (broker == kNoLeader) return;
        body = commit;
    } else if ((txn_state_ == ClientTxnState::COMMITTING_TRANSACTION ||
                txn_state_ == ClientTxnState::ABORTING_TRANSACTION) &&
               !has_unfinished_batches()) {
        const bool commit = txn_state_ == ClientTxnState::COMMITTING_TRANSACTION;
        const bool started = config_.transaction_version_2 ? txn_send_made_ : !txn_partitions_.empty() || txn_offsets_added_;
        if (!started) {
            // TransactionManager.nextRequest skips the EndTxn when !transactionStarted: under
            // transaction.version 1 nothing was added at the coordinator; under 2 nothing was
            // sent ("no send or sendOffsetsToTransaction were triggered").
            transition_to(txn_epoch_bump_after_abort_ ? ClientTxnState::INITIALIZING : ClientTxnState::READY);
            if (txn_state_ == ClientTxnState::READY) {
                finish_operation(ErrorCode::NONE);
                return;
            }
            // nextRequest then polls the next handler at once: the epoch-bumping InitProducerId
            // goes out in this same pass. Nothing else would wake the client to send it later.
            maybe_send_transaction_request(now);
            return;
        }
        body = EndTxnRequest{id, producer_id_, producer_epoch_, commit};
    } else {
        return;
    }
    txn_request_in_flight_ = true;
    InFlightRequest request{broker, now + sim::ms(config_.request_timeout_ms), RequestKind::transaction, {}};
    send_request(broker, std::move(request), std::move(body));
}

void ProducerClient::transaction_request_failed() {
    txn_request_in_flight_ = false;
    leaders_.mark_stale();
    txn_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
}

// FindCoordinator again after NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE (here: the leader of
// the transactional id's __transaction_state partition, through Metadata).
void ProducerClient::note_coordinator_error(ErrorCode error) {
    if (error == ErrorCode::NOT_COORDINATOR || error == ErrorCode::COORDINATOR_NOT_AVAILABLE) leaders_.mark_stale();
}

// Every answer to a transaction request (TransactionManager.TxnRequestHandler.onComplete): the
// next request may go out; a coordinator error sends the client to find the coordinator again.
void ProducerClient::txn_response_received(ErrorCode error) {
    txn_request_in_flight_ = false;
    note_coordinator_error(error);
}

void ProducerClient::handle_add_partitions_to_txn_response(const AddPartitionsToTxnResponse& response) {
    txn_response_received(response.error);
    if (response.error == ErrorCode::NONE) {
        for (const TopicPartition& tp : response.partitions) {
            txn_partitions_.insert(tp);
            txn_partitions_pending_.erase(tp);
        }
    }
    handle_add_response(response.error, false);
}

void ProducerClient::handle_add_offsets_to_txn_response(const AddOffsetsToTxnResponse& response) {
    txn_response_received(response.error);
    if (response.error == ErrorCode::NONE) txn_offsets_added_ = true;
    handle_add_response(response.error, true);
}

void ProducerClient::handle_init_response(const InitProducerIdResponse& response) {
    txn_response_received(response.error);
    if (response.error == ErrorCode::NONE) {
        producer_id_ = response.producer_id;
        producer_epoch_ = response.producer_epoch;
        txn_epoch_bump_after_abort_ = false;
        reset_sequences();
        sim_.record_state(host_, sim::StateChange("producer.producer_id").with("pid", producer_id_).with("epoch", producer_epoch_));
        transition_to(ClientTxnState::READY);
        finish_operation(ErrorCode::NONE);
        return;
    }
    if (coordinator_retriable(response.error)) {
        txn_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
        return;
    }
    transition_to(ClientTxnState::FATAL_ERROR);
    finish_operation(response.error);
}

void ProducerClient::handle_add_response(ErrorCode error, bool offsets) {
    if (error == ErrorCode::NONE) return;
    if (coordinator_retriable(error)) {
        const bool first_add = !offsets && txn_partitions_.empty() && error == ErrorCode::CONCURRENT_TRANSACTIONS;
        txn_retry_after_us_ = sim_.now() + sim::ms(first_add ? kAddPartitionsConcurrentBackoffMs : config_.retry_backoff_ms);
        return;
    }
    if (fatal_for_transaction_request(error)) {
        transition_to(ClientTxnState::FATAL_ERROR);
        fail_queued_batches(error);
        if (operation_) finish_operation(error);
        return;
    }
    enter_abortable_error(error);
}

void ProducerClient::handle_txn_offset_commit_response(const TxnOffsetCommitResponse& response) {
    txn_response_received(ErrorCode::NONE);
    for (const auto& [tp, e] : response.partitions) note_coordinator_error(e);
    // The transaction may have turned into an abort while this request was in flight: the
    // answer then belongs to no pending operation.
    if (operation_ != TxnOperation::send_offsets) return;
    ErrorCode error = ErrorCode::NONE;
    for (const auto& [tp, e] : response.partitions) {
        if (e != ErrorCode::NONE) error = e;
    }
    if (error == ErrorCode::NONE) {
        txn_offsets_.reset();
        finish_operation(ErrorCode::NONE);
        return;
    }
    if (coordinator_retriable(error)) {
        txn_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
        return;
    }
    if (error == ErrorCode::INVALID_PRODUCER_EPOCH || error == ErrorCode::PRODUCER_FENCED) {
        transition_to(ClientTxnState::FATAL_ERROR);
        finish_operation(error);
        return;
    }
    enter_abortable_error(error);  // UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID
}

void ProducerClient::handle_end_txn_response(const EndTxnResponse& response) {
    txn_response_received(response.error);
    if (coordinator_retriable(response.error)) {
        txn_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
        return;
    }
    if (response.error == ErrorCode::NONE) {
        if (config_.transaction_version_2 && response.producer_epoch != kNoProducerEpoch) {
            producer_id_ = response.producer_id;  // EndTxn v5: every transaction gets a new epoch
            producer_epoch_ = response.producer_epoch;
            reset_sequences();
        }
        if (txn_state_ == ClientTxnState::ABORTING_TRANSACTION && txn_epoch_bump_after_abort_) {
            transition_to(ClientTxnState::INITIALIZING);  // then InitProducerId(pid, epoch)
            return;
        }
        transition_to(ClientTxnState::READY);
        finish_operation(ErrorCode::NONE);
        return;
    }
    if (fatal_for_transaction_request(response.error)) {
        transition_to(ClientTxnState::FATAL_ERROR);
    } else if (txn_state_ == ClientTxnState::COMMITTING_TRANSACTION) {
        transition_to(ClientTxnState::ABORTABLE_ERROR);
    }
    finish_operation(response.error);
}

}  // namespace eosim::kafka
