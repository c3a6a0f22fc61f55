#include "kafka/client/transaction_manager.hpp"

#include "base/assert.hpp"

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

TransactionManager::TransactionManager(const ProducerConfig& config, TransactionManagerHost& host)
    : config_(config), host_(host) {
    EOSIM_ASSERT(config_.transactional_id.has_value());
}

void TransactionManager::transition_to(ClientTxnState target) {
    EOSIM_ASSERT(is_valid_client_transition(state_, target));
    host_.state_changed(state_, target);
    state_ = target;
}

bool TransactionManager::init_transactions() {
    EOSIM_ASSERT(!operation_);
    transition_to(ClientTxnState::INITIALIZING);
    operation_ = TxnOperation::init;
    return true;
}

void TransactionManager::begin_transaction() {
    transition_to(ClientTxnState::IN_TRANSACTION);
    partitions_.clear();
    partitions_pending_.clear();
    offsets_.reset();
    offsets_added_ = false;
    send_made_ = false;
}

bool TransactionManager::send_offsets_to_transaction(std::map<TopicPartition, std::int64_t> offsets,
                                                     GroupMetadata group) {
    EOSIM_ASSERT(!operation_);
    operation_ = TxnOperation::send_offsets;
    if (state_ != ClientTxnState::IN_TRANSACTION) {
        finish_operation(ErrorCode::INVALID_TXN_STATE);
        return false;
    }
    offsets_ = std::move(offsets);
    group_ = std::move(group);
    send_made_ = true;
    offsets_added_ = false;
    return true;
}

bool TransactionManager::commit_transaction() {
    EOSIM_ASSERT(!operation_);
    operation_ = TxnOperation::commit;
    if (state_ != ClientTxnState::IN_TRANSACTION) {
        finish_operation(state_ == ClientTxnState::FATAL_ERROR ? ErrorCode::PRODUCER_FENCED
                                                               : ErrorCode::TRANSACTION_ABORTABLE);
        return false;
    }
    transition_to(ClientTxnState::COMMITTING_TRANSACTION);
    return true;
}

bool TransactionManager::abort_transaction() {
    EOSIM_ASSERT(!operation_);
    operation_ = TxnOperation::abort;
    if (state_ == ClientTxnState::FATAL_ERROR) {
        finish_operation(ErrorCode::PRODUCER_FENCED);
        return false;
    }
    transition_to(ClientTxnState::ABORTING_TRANSACTION);
    host_.fail_queued_batches(ErrorCode::TRANSACTION_ABORTABLE);  // abortUndrainedBatches
    partitions_pending_.clear();
    return true;
}

bool TransactionManager::note_send(const TopicPartition& partition) {
    if (state_ != ClientTxnState::IN_TRANSACTION) return false;
    if (partitions_.count(partition) == 0) partitions_pending_.insert(partition);
    send_made_ = true;
    return true;
}

bool TransactionManager::send_to_partition_allowed(const TopicPartition& partition) const {
    const bool open = state_ == ClientTxnState::IN_TRANSACTION || state_ == ClientTxnState::COMMITTING_TRANSACTION;
    return open && partitions_.count(partition) > 0;
}

void TransactionManager::enter_abortable_error(ErrorCode error) {
    if (error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER || error == ErrorCode::UNKNOWN_PRODUCER_ID ||
        error == ErrorCode::REQUEST_TIMED_OUT) {
        epoch_bump_after_abort_ = true;  // KIP-360: abort, then InitProducerId(pid, epoch)
    }
    if (state_ == ClientTxnState::FATAL_ERROR || aborting()) return;
    transition_to(error == ErrorCode::PRODUCER_FENCED ? ClientTxnState::FATAL_ERROR : ClientTxnState::ABORTABLE_ERROR);
    if (operation_ == TxnOperation::commit || operation_ == TxnOperation::send_offsets) finish_operation(error);
}

void TransactionManager::finish_operation(ErrorCode error) {
    EOSIM_ASSERT(operation_.has_value());
    const TxnOperation operation = *operation_;
    operation_.reset();
    if (listener_ != nullptr) listener_->on_transaction_result(operation, error, state_ == ClientTxnState::FATAL_ERROR);
}

std::optional<TxnRequest> TransactionManager::next_request(sim::TimeUs now, std::int64_t producer_id,
                                                           std::int16_t producer_epoch) {
    for (;;) {
        if (request_in_flight_ || now < retry_after_us_) return std::nullopt;
        TxnRequest request;
        request.broker = host_.coordinator(CoordinatorType::transaction, *config_.transactional_id);
        if (request.broker == kNoLeader) return std::nullopt;  // the metadata refresh will find it
        CoordinatorType type = CoordinatorType::transaction;
        const NextStep step = next_body(producer_id, producer_epoch, request.body, type);
        if (step == NextStep::none) return std::nullopt;
        if (step == NextStep::look_again) continue;
        if (type == CoordinatorType::group) {
            request.broker = host_.coordinator(CoordinatorType::group, group_.group_id);
            if (request.broker == kNoLeader) return std::nullopt;
        }
        request_in_flight_ = true;
        return request;
    }
}

// The handlers in nextRequest's order: InitProducerId, AddPartitionsToTxn for partitions with
// batches, AddOffsetsToTxn then TxnOffsetCommit (to the group coordinator), EndTxn once every
// batch is done.
TransactionManager::NextStep TransactionManager::next_body(std::int64_t producer_id, std::int16_t producer_epoch,
                                                           MessageBody& body, CoordinatorType& type) {
    const std::string& id = *config_.transactional_id;
    const bool adding = state_ == ClientTxnState::IN_TRANSACTION || state_ == ClientTxnState::COMMITTING_TRANSACTION;
    const bool sending_offsets = adding && operation_ == TxnOperation::send_offsets && offsets_;
    if (state_ == ClientTxnState::INITIALIZING) {
        InitProducerIdRequest init{id, config_.transaction_timeout_ms, kNoProducerId, kNoProducerEpoch};
        if (epoch_bump_after_abort_) {
            init.producer_id = producer_id;
            init.producer_epoch = producer_epoch;
        }
        body = init;
    } else if (adding && !partitions_pending_.empty()) {
        body = AddPartitionsToTxnRequest{id, producer_id, producer_epoch,
                                         {partitions_pending_.begin(), partitions_pending_.end()}, false};
    } else if (sending_offsets && !offsets_added_) {
        body = AddOffsetsToTxnRequest{id, producer_id, producer_epoch, group_.group_id};
    } else if (sending_offsets) {
        TxnOffsetCommitRequest commit{id, group_.group_id, producer_id, producer_epoch, group_.member_id,
                                      group_.generation_id, group_.group_instance_id, {}};
        for (const auto& [tp, offset] : *offsets_) commit.partitions.push_back({tp, offset});
        body = commit;
        type = CoordinatorType::group;
    } else if ((state_ == ClientTxnState::COMMITTING_TRANSACTION || state_ == ClientTxnState::ABORTING_TRANSACTION) &&
               !host_.has_unfinished_batches()) {
        const bool started = config_.transaction_version_2 ? send_made_ : !partitions_.empty() || offsets_added_;
        if (!started) return end_without_request();
        body = EndTxnRequest{id, producer_id, producer_epoch, state_ == ClientTxnState::COMMITTING_TRANSACTION};
    } else {
        return NextStep::none;
    }
    return NextStep::request;
}

// TransactionManager.nextRequest skips the EndTxn when !transactionStarted: under
// transaction.version 1 nothing was added at the coordinator; under 2 nothing was sent ("no send
// or sendOffsetsToTransaction were triggered"). With a KIP-360 bump due, nextRequest then polls
// the next handler at once: the epoch-bumping InitProducerId goes out in this same pass, as
// nothing else would wake the client to send it later.
TransactionManager::NextStep TransactionManager::end_without_request() {
    transition_to(epoch_bump_after_abort_ ? ClientTxnState::INITIALIZING : ClientTxnState::READY);
    if (state_ == ClientTxnState::INITIALIZING) return NextStep::look_again;
    finish_operation(ErrorCode::NONE);
    return NextStep::none;
}

std::optional<sim::TimeUs> TransactionManager::retry_at_us() const {
    if (request_in_flight_) return std::nullopt;
    return retry_after_us_;
}

void TransactionManager::back_off(sim::TimeUs now, std::int32_t backoff_ms) { retry_after_us_ = now + sim::ms(backoff_ms); }

void TransactionManager::request_failed(sim::TimeUs now) {
    request_in_flight_ = false;
    host_.lookup_coordinator();
    back_off(now, config_.retry_backoff_ms);
}

// FindCoordinator again after NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE.
void TransactionManager::note_coordinator_error(ErrorCode error) {
    if (error == ErrorCode::NOT_COORDINATOR || error == ErrorCode::COORDINATOR_NOT_AVAILABLE) host_.lookup_coordinator();
}

// Every answer to a transaction request (TransactionManager.TxnRequestHandler.onComplete): the
// next request may go out; a coordinator error sends the client to find the coordinator again.
void TransactionManager::response_received(ErrorCode error) {
    request_in_flight_ = false;
    note_coordinator_error(error);
}

void TransactionManager::handle_init_producer_id_response(const InitProducerIdResponse& response, sim::TimeUs now) {
    response_received(response.error);
    if (response.error == ErrorCode::NONE) {
        epoch_bump_after_abort_ = false;
        host_.producer_id_and_epoch_changed(response.producer_id, response.producer_epoch, true);
        transition_to(ClientTxnState::READY);
        finish_operation(ErrorCode::NONE);
        return;
    }
    if (coordinator_retriable(response.error)) {
        back_off(now, config_.retry_backoff_ms);
        return;
    }
    transition_to(ClientTxnState::FATAL_ERROR);
    finish_operation(response.error);
}

void TransactionManager::handle_add_partitions_to_txn_response(const AddPartitionsToTxnResponse& response,
                                                               sim::TimeUs now) {
    response_received(response.error);
    if (response.error == ErrorCode::NONE) {
        for (const TopicPartition& tp : response.partitions) {
            partitions_.insert(tp);
            partitions_pending_.erase(tp);
        }
    }
    handle_add_response(response.error, false, now);
}

void TransactionManager::handle_add_offsets_to_txn_response(const AddOffsetsToTxnResponse& response, sim::TimeUs now) {
    response_received(response.error);
    if (response.error == ErrorCode::NONE) offsets_added_ = true;
    handle_add_response(response.error, true, now);
}

void TransactionManager::handle_add_response(ErrorCode error, bool offsets, sim::TimeUs now) {
    if (error == ErrorCode::NONE) return;
    if (coordinator_retriable(error)) {
        const bool first_add = !offsets && partitions_.empty() && error == ErrorCode::CONCURRENT_TRANSACTIONS;
        back_off(now, first_add ? kAddPartitionsConcurrentBackoffMs : config_.retry_backoff_ms);
        return;
    }
    if (fatal_for_transaction_request(error)) {
        transition_to(ClientTxnState::FATAL_ERROR);
        host_.fail_queued_batches(error);
        if (operation_) finish_operation(error);
        return;
    }
    enter_abortable_error(error);
}

void TransactionManager::handle_txn_offset_commit_response(const TxnOffsetCommitResponse& response, sim::TimeUs now) {
    response_received(ErrorCode::NONE);
    for (const auto& [tp, e] : response.partitions) note_coordinator_error(e);
    // The transaction may have turned into an abort while this request was in flight: the
    // answer then belongs to no pending operation.
    if (operation_ != TxnOperation::send_offsets) return;
    ErrorCode error = ErrorCode::NONE;
    for (const auto& [tp, e] : response.partitions) {
        if (e != ErrorCode::NONE) error = e;
    }
    if (error == ErrorCode::NONE) {
        offsets_.reset();
        finish_operation(ErrorCode::NONE);
        return;
    }
    if (coordinator_retriable(error)) {
        back_off(now, config_.retry_backoff_ms);
        return;
    }
    if (error == ErrorCode::INVALID_PRODUCER_EPOCH || error == ErrorCode::PRODUCER_FENCED) {
        transition_to(ClientTxnState::FATAL_ERROR);
        finish_operation(error);
        return;
    }
    enter_abortable_error(error);  // UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, FENCED_INSTANCE_ID
}

void TransactionManager::handle_end_txn_response(const EndTxnResponse& response, sim::TimeUs now) {
    response_received(response.error);
    if (coordinator_retriable(response.error)) {
        back_off(now, config_.retry_backoff_ms);
        return;
    }
    if (response.error == ErrorCode::NONE) {
        if (config_.transaction_version_2 && response.producer_epoch != kNoProducerEpoch) {
            // EndTxn v5: every transaction gets a new epoch.
            host_.producer_id_and_epoch_changed(response.producer_id, response.producer_epoch, false);
        }
        if (state_ == ClientTxnState::ABORTING_TRANSACTION && epoch_bump_after_abort_) {
            transition_to(ClientTxnState::INITIALIZING);  // then InitProducerId(pid, epoch)
            return;
        }
        transition_to(ClientTxnState::READY);
        finish_operation(ErrorCode::NONE);
        return;
    }
    if (fatal_for_transaction_request(response.error)) {
        transition_to(ClientTxnState::FATAL_ERROR);
    } else if (state_ == ClientTxnState::COMMITTING_TRANSACTION) {
        transition_to(ClientTxnState::ABORTABLE_ERROR);
    }
    finish_operation(response.error);
}

}  // namespace eosim::kafka
