#include "kafka/coordinator/transaction_coordinator.hpp"

#include <limits>

#include "base/assert.hpp"

namespace eosim::kafka {
namespace {

constexpr std::int16_t kMaxEpoch = std::numeric_limits<std::int16_t>::max();

bool is_complete(TxnState s) { return s == TxnState::CompleteCommit || s == TxnState::CompleteAbort; }
bool is_prepare(TxnState s) { return s == TxnState::PrepareCommit || s == TxnState::PrepareAbort; }

// Marker responses that mean "try again, maybe at the new leader" (TMRCH).
bool marker_retriable(ErrorCode e) {
    return e == ErrorCode::NOT_LEADER_OR_FOLLOWER || e == ErrorCode::NOT_ENOUGH_REPLICAS ||
           e == ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND || e == ErrorCode::REQUEST_TIMED_OUT ||
           e == ErrorCode::UNKNOWN_TOPIC_OR_PARTITION || e == ErrorCode::NETWORK_EXCEPTION;
}

}  // namespace

const TransactionMetadata* TransactionCoordinator::find(const std::string& id) const {
    const auto found = transactions_.find(id);
    return found == transactions_.end() ? nullptr : &found->second;
}

void TransactionCoordinator::trace_state(const TransactionMetadata& m, std::string_view event) {
    host_.trace(sim::StateChange(event)
                    .with("transactional_id", m.transactional_id)
                    .with("state", txn_state_name(m.state))
                    .with("pid", m.producer_id)
                    .with("epoch", m.producer_epoch)
                    .with("partitions", static_cast<std::int64_t>(m.partitions.size())));
}

void TransactionCoordinator::load(std::int32_t coordinator_epoch) {
    coordinator_epoch_ = coordinator_epoch;
    transactions_.clear();
    markers_pending_.clear();
    markers_in_flight_.clear();
    marker_retry_scheduled_.clear();
    markers_abandoned_.clear();
    // Last record per id wins (the log is read to its end, as TSM does).
    for (const TransactionLogRecord& record : host_.transaction_records()) {
        transactions_[record.transactional_id] = from_log_record(record);
    }
    loaded_ = true;
    for (auto& [id, m] : transactions_) {
        if (is_prepare(m.state) && !config_.knockout_prepare_recovery) {
            trace_state(m, "txn.recover_prepare");
            send_markers(id);  // every Prepare* is completed, with the new coordinator epoch
        }
    }
}

// Two-phase transition: append now (durable), apply when the write completes.
void TransactionCoordinator::write(const std::string& id, TransactionMetadata target, Done done) {
    TransactionMetadata& m = transactions_.at(id);
    EOSIM_ASSERT(!m.pending_state.has_value());
    EOSIM_ASSERT(is_valid_transition(m.state, target.state, tv2()) || m.producer_epoch == kNoProducerEpoch);
    target.last_update_us = host_.now();
    m.pending_state = target.state;
    host_.append_transaction_record(to_log_record(target), [this, id, target, done](ErrorCode error) {
        TransactionMetadata& current = transactions_.at(id);
        current.pending_state.reset();
        if (error != ErrorCode::NONE) {
            // TransactionStateManager.appendTransactionToLog: the write failed, the state stays.
            // Lost leadership -> NOT_COORDINATOR (look for the coordinator again); a log that
            // could not replicate -> COORDINATOR_NOT_AVAILABLE (retry).
            done(error == ErrorCode::NOT_LEADER_OR_FOLLOWER ? ErrorCode::NOT_COORDINATOR
                                                            : ErrorCode::COORDINATOR_NOT_AVAILABLE);
            return;
        }
        current = target;
        trace_state(current, "txn.state");
        done(ErrorCode::NONE);
    });
}

ErrorCode TransactionCoordinator::check_producer(const TransactionMetadata* m,
                                                 std::int64_t producer_id,
                                                 std::int16_t epoch, bool check_pending) const {
    if (!loaded_) return ErrorCode::COORDINATOR_LOAD_IN_PROGRESS;
    if (m == nullptr || m->producer_id != producer_id) return ErrorCode::INVALID_PRODUCER_ID_MAPPING;
    if (m->producer_epoch != epoch) return ErrorCode::PRODUCER_FENCED;
    if (check_pending && m->pending_state.has_value()) return ErrorCode::CONCURRENT_TRANSACTIONS;
    return ErrorCode::NONE;
}

void TransactionCoordinator::handle_init_producer_id(const InitProducerIdRequest& request,
                                                     Reply reply) {
    EOSIM_ASSERT(request.transactional_id.has_value());
    const std::string& id = *request.transactional_id;
    const auto answer = [&reply](ErrorCode e) { reply(InitProducerIdResponse{e, kNoProducerId, kNoProducerEpoch}); };
    if (id.empty()) return answer(ErrorCode::INVALID_REQUEST);
    if (request.transaction_timeout_ms <= 0 ||
        request.transaction_timeout_ms > config_.transaction_max_timeout_ms) {
        return answer(ErrorCode::INVALID_TRANSACTION_TIMEOUT);
    }
    if (!loaded_) return answer(ErrorCode::COORDINATOR_LOAD_IN_PROGRESS);
    auto found = transactions_.find(id);
    if (found == transactions_.end() || found->second.state == TxnState::Dead) {
        TransactionMetadata fresh;  // in memory only until the Empty write below
        fresh.transactional_id = id;
        fresh.producer_id = host_.allocate_producer_id();
        fresh.txn_timeout_ms = request.transaction_timeout_ms;
        found = transactions_.insert_or_assign(id, fresh).first;
    }
    TransactionMetadata& m = found->second;
    if (m.pending_state.has_value()) return answer(ErrorCode::CONCURRENT_TRANSACTIONS);
    // isValidProducerId: a passed (pid, epoch) must belong to this transactional id.
    if (request.producer_id != kNoProducerId && m.producer_epoch != kNoProducerEpoch &&
        request.producer_id != m.producer_id) {
        return answer(ErrorCode::PRODUCER_FENCED);
    }
    init_existing(m, request, std::move(reply));
}

void TransactionCoordinator::init_existing(TransactionMetadata& m,
                                           const InitProducerIdRequest& request, Reply reply) {
    const std::string id = m.transactional_id;
    switch (m.state) {
        case TxnState::PrepareCommit:
        case TxnState::PrepareAbort:
        case TxnState::PrepareEpochFence:
            reply(InitProducerIdResponse{ErrorCode::CONCURRENT_TRANSACTIONS, kNoProducerId, kNoProducerEpoch});
            return;
        case TxnState::Ongoing:
            // Fence the old producer (epoch + 1), abort its transaction; the client retries.
            begin_abort(id, !m.has_failed_epoch_fence && !config_.knockout_init_epoch_bump, [](ErrorCode) {});
            reply(InitProducerIdResponse{ErrorCode::CONCURRENT_TRANSACTIONS, kNoProducerId, kNoProducerEpoch});
            return;
        default:
            break;
    }
    // prepareIncrementProducerEpoch.
    TransactionMetadata target = m;
    target.txn_timeout_ms = request.transaction_timeout_ms;
    target.partitions.clear();
    target.txn_start_us = -1;
    target.state = TxnState::Empty;
    const bool passed_epoch = request.producer_epoch != kNoProducerEpoch;
    if (passed_epoch && request.producer_epoch == m.last_producer_epoch && m.producer_epoch != kNoProducerEpoch) {
        reply(InitProducerIdResponse{ErrorCode::NONE, m.producer_id, m.producer_epoch});  // a retry
        return;
    }
    if (passed_epoch && m.producer_epoch != kNoProducerEpoch && request.producer_epoch != m.producer_epoch) {
        reply(InitProducerIdResponse{ErrorCode::PRODUCER_FENCED, kNoProducerId, kNoProducerEpoch});
        return;
    }
    if (m.producer_epoch >= kMaxEpoch - 1) {
        target.producer_id = host_.allocate_producer_id();  // epoch exhausted: rotate the id
        target.producer_epoch = 0;
        target.last_producer_epoch = kNoProducerEpoch;
    } else {
        target.last_producer_epoch = passed_epoch ? m.producer_epoch : kNoProducerEpoch;
        const bool bump = !config_.knockout_init_epoch_bump || m.producer_epoch == kNoProducerEpoch;
        target.producer_epoch = static_cast<std::int16_t>(bump ? m.producer_epoch + 1 : m.producer_epoch);
    }
    write(m.transactional_id, target, [this, id, reply](ErrorCode e) {
        const TransactionMetadata& now = transactions_.at(id);
        reply(InitProducerIdResponse{e, now.producer_id, now.producer_epoch});
    });
}

void TransactionCoordinator::add_partitions(const std::string& id, std::int64_t producer_id,
                                            std::int16_t epoch,
                                            const std::vector<TopicPartition>& partitions,
                                            Reply reply,
                                            std::function<MessageBody(ErrorCode)> answer) {
    const auto found = transactions_.find(id);
    const TransactionMetadata* m = found == transactions_.end() ? nullptr : &found->second;
    ErrorCode error = check_producer(m, producer_id, epoch);
    if (error == ErrorCode::NONE && is_prepare(m->state)) error = ErrorCode::CONCURRENT_TRANSACTIONS;
    if (error != ErrorCode::NONE) return reply(answer(error));
    bool subset = m->state == TxnState::Ongoing;
    for (const TopicPartition& tp : partitions) subset = subset && m->partitions.count(tp) > 0;
    if (subset) return reply(answer(ErrorCode::NONE));  // nothing to write
    TransactionMetadata target = *m;
    if (target.state != TxnState::Ongoing) {
        target.partitions.clear();
        target.txn_start_us = host_.now();  // the timeout counts from leaving Empty/Complete*
    }
    target.state = TxnState::Ongoing;
    target.partitions.insert(partitions.begin(), partitions.end());
    write(id, target, [reply, answer](ErrorCode e) { reply(answer(e)); });
}

void TransactionCoordinator::handle_add_partitions(const AddPartitionsToTxnRequest& request,
                                                   Reply reply) {
    if (request.verify_only) {
        // KIP-890 part 1: is the partition already in this producer's ongoing transaction?
        // TransactionCoordinator.handleVerifyPartitionsInTransaction does not check the pending
        // state (a write under way, e.g. AddOffsetsToTxn's): partitions join the metadata only
        // once their write is persisted, and the append is validated again at the log.
        const TransactionMetadata* m = find(request.transactional_id);
        ErrorCode error = check_producer(m, request.producer_id, request.producer_epoch, false);
        if (error == ErrorCode::NONE && is_prepare(m->state)) error = ErrorCode::CONCURRENT_TRANSACTIONS;
        if (error == ErrorCode::NONE) {
            for (const TopicPartition& tp : request.partitions) {
                if (m->state != TxnState::Ongoing || m->partitions.count(tp) == 0) {
                    error = ErrorCode::TRANSACTION_ABORTABLE;
                }
            }
        }
        reply(AddPartitionsToTxnResponse{error, request.partitions});
        return;
    }
    const std::vector<TopicPartition> partitions = request.partitions;
    add_partitions(request.transactional_id, request.producer_id, request.producer_epoch,
                   partitions, std::move(reply), [partitions](ErrorCode e) -> MessageBody {
                       return AddPartitionsToTxnResponse{e, partitions};
                   });
}

void TransactionCoordinator::handle_add_offsets(const AddOffsetsToTxnRequest& request, Reply reply) {
    add_partitions(request.transactional_id, request.producer_id, request.producer_epoch,
                   {layout_.offsets_partition_of_group(request.group_id)}, std::move(reply),
                   [](ErrorCode e) -> MessageBody { return AddOffsetsToTxnResponse{e}; });
}

// EndTxn's answer for a transaction that is not Ongoing (the per-state table).
ErrorCode TransactionCoordinator::end_txn_state_answer(const TransactionMetadata& m,
                                                       bool commit) const {
    switch (m.state) {
        case TxnState::CompleteCommit: return commit ? ErrorCode::NONE : ErrorCode::INVALID_TXN_STATE;
        case TxnState::CompleteAbort: return commit ? ErrorCode::INVALID_TXN_STATE : ErrorCode::NONE;
        case TxnState::PrepareCommit:
            return commit ? ErrorCode::CONCURRENT_TRANSACTIONS : ErrorCode::INVALID_TXN_STATE;
        case TxnState::PrepareAbort:
            return commit ? ErrorCode::INVALID_TXN_STATE : ErrorCode::CONCURRENT_TRANSACTIONS;
        case TxnState::PrepareEpochFence: return ErrorCode::CONCURRENT_TRANSACTIONS;
        default: return ErrorCode::INVALID_TXN_STATE;  // Empty, Dead
    }
}

void TransactionCoordinator::handle_end_txn(const EndTxnRequest& request, Reply reply) {
    const auto found = transactions_.find(request.transactional_id);
    TransactionMetadata* m = found == transactions_.end() ? nullptr : &found->second;
    const auto answer = [&](ErrorCode e) {
        const bool ok = e == ErrorCode::NONE && m != nullptr;
        reply(EndTxnResponse{e, ok ? m->producer_id : kNoProducerId, ok ? m->producer_epoch : kNoProducerEpoch});
    };
    // transaction.version 2: a retry of an EndTxn that already bumped the epoch
    // (endTxnEpochBumped: stored epoch == request epoch + 1; lastProducerEpoch is not persisted,
    // so it cannot be required: after a coordinator reload it is -1).
    if (tv2() && m != nullptr && m->producer_id == request.producer_id &&
        m->producer_epoch == request.producer_epoch + 1 && (is_prepare(m->state) || is_complete(m->state))) {
        // Recognised as a retry before any epoch check; a transition in flight -> retry later.
        if (m->pending_state) return answer(ErrorCode::CONCURRENT_TRANSACTIONS);
        return answer(end_txn_state_answer(*m, request.committed));
    }
    const ErrorCode error = check_producer(m, request.producer_id, request.producer_epoch);
    if (error != ErrorCode::NONE) return answer(error);
    const bool tv2_abort_without_txn =
        tv2() && !request.committed && (m->state == TxnState::Empty || is_complete(m->state));
    if (m->state != TxnState::Ongoing && !tv2_abort_without_txn) {
        return answer(end_txn_state_answer(*m, request.committed));
    }
    const std::string id = request.transactional_id;
    prepare_end(id, request.committed, [this, id, reply](ErrorCode e) {
        const TransactionMetadata& now = transactions_.at(id);
        // The client hears NONE as soon as Prepare* is durable; markers follow.
        reply(EndTxnResponse{e, now.producer_id, now.producer_epoch});
    });
}

void TransactionCoordinator::prepare_end(const std::string& id, bool commit, Done done) {
    TransactionMetadata target = transactions_.at(id);
    if (target.state != TxnState::Ongoing) target.partitions.clear();  // TV2 abort of nothing
    target.state = commit ? TxnState::PrepareCommit : TxnState::PrepareAbort;
    if (tv2()) {
        // KIP-890 part 2: every commit/abort bumps the epoch; markers carry the new one.
        target.last_producer_epoch = target.producer_epoch;
        target.producer_epoch = static_cast<std::int16_t>(target.producer_epoch + 1);
    }
    write(id, target, [this, id, done](ErrorCode e) {
        done(e);
        if (e == ErrorCode::NONE) send_markers(id);
    });
}

// Fences the current producer (epoch + 1) and aborts its ongoing transaction.
void TransactionCoordinator::begin_abort(const std::string& id, bool fence_epoch, Done done) {
    TransactionMetadata& m = transactions_.at(id);
    EOSIM_ASSERT(m.state == TxnState::Ongoing);
    EOSIM_ASSERT(!m.pending_state);
    TransactionMetadata target = m;
    if (fence_epoch && !tv2()) target.producer_epoch = static_cast<std::int16_t>(m.producer_epoch + 1);
    target.last_producer_epoch = kNoProducerEpoch;
    target.state = TxnState::PrepareAbort;
    if (tv2()) target.producer_epoch = static_cast<std::int16_t>(m.producer_epoch + 1);
    host_.trace(sim::StateChange("txn.fence").with("transactional_id", id).with("epoch", target.producer_epoch));
    write(id, target, [this, id, done](ErrorCode e) {
        done(e);
        if (e == ErrorCode::NONE) send_markers(id);
    });
}

void TransactionCoordinator::send_markers(const std::string& id) {
    const TransactionMetadata& m = transactions_.at(id);
    EOSIM_ASSERT(is_prepare(m.state));
    markers_pending_[id] = m.partitions;
    if (m.partitions.empty()) {
        complete(id);
        return;
    }
    send_markers_for(id, m.partitions);
    // Knocked out: Complete* without waiting for the markers (their answers then find no
    // Prepare* and are dropped, so a lost marker is never resent).
    if (config_.knockout_markers_before_complete) complete(id);
}

void TransactionCoordinator::send_markers_for(const std::string& id,
                                              const std::set<TopicPartition>& partitions_to_mark) {
    const TransactionMetadata& m = transactions_.at(id);
    std::map<std::int32_t, std::set<TopicPartition>> by_leader;
    std::set<TopicPartition>& in_flight = markers_in_flight_[MarkerKey{id, m.producer_id, m.producer_epoch}];
    for (const TopicPartition& tp : partitions_to_mark) {
        if (in_flight.insert(tp).second) by_leader[host_.leader_of(tp)].insert(tp);
    }
    for (auto& [broker, partitions] : by_leader) {
        WriteTxnMarkersRequest request;
        request.producer_id = m.producer_id;
        request.producer_epoch = m.producer_epoch;
        request.coordinator_epoch = coordinator_epoch_;
        request.committed = m.state == TxnState::PrepareCommit;
        request.strict_epoch = tv2();
        request.partitions.assign(partitions.begin(), partitions.end());
        const std::int64_t pid = m.producer_id;
        const std::int16_t epoch = m.producer_epoch;
        host_.send_markers(broker, request, [this, id, pid, epoch, sent = partitions](const WriteTxnMarkersResponse* response) {
            on_markers(id, pid, epoch, sent, response);
        });
    }
}

void TransactionCoordinator::on_markers(const std::string& id, std::int64_t producer_id,
                                        std::int16_t epoch, const std::set<TopicPartition>& sent,
                                        const WriteTxnMarkersResponse* response) {
    auto& in_flight = markers_in_flight_[MarkerKey{id, producer_id, epoch}];
    for (const TopicPartition& tp : sent) in_flight.erase(tp);
    if (in_flight.empty()) markers_in_flight_.erase(MarkerKey{id, producer_id, epoch});
    const auto found = transactions_.find(id);
    if (found == transactions_.end() || found->second.producer_id != producer_id ||
        found->second.producer_epoch != epoch || !is_prepare(found->second.state)) {
        return;  // a stale callback from an older transaction (KAFKA-16352)
    }
    // The completion is already being written: a late answer to a retried marker request must
    // not write Complete* a second time (KAFKA-10080).
    if (found->second.pending_state.has_value()) return;
    if (markers_abandoned_.count(MarkerKey{id, producer_id, epoch}) > 0) return;
    std::set<TopicPartition>& pending = markers_pending_[id];
    bool retry = response == nullptr;
    bool abort_sending = false;
    if (response != nullptr) {
        for (const auto& [tp, error] : response->partitions) {
            if (error == ErrorCode::NONE) {
                pending.erase(tp);
            } else if (marker_retriable(error)) {
                retry = true;
            } else {
                host_.trace(sim::StateChange("txn.marker_rejected").with("partition", tp.str()).with("error", error_name(error)));
                abort_sending = true;
            }
        }
    }
    if (abort_sending) {
        abandon_markers(id, producer_id, epoch);
        return;
    }
    if (pending.empty()) {
        complete(id);
        return;
    }
    if (!retry || !marker_retry_scheduled_.insert(id).second) return;
    host_.after(sim::ms(config_.marker_retry_backoff_ms), [this, id, producer_id, epoch] {
        marker_retry_scheduled_.erase(id);
        const TransactionMetadata* m = find(id);
        if (m == nullptr || m->producer_id != producer_id || m->producer_epoch != epoch || !is_prepare(m->state)) return;
        if (markers_abandoned_.count(MarkerKey{id, producer_id, epoch}) > 0) return;
        send_markers_for(id, markers_pending_[id]);  // resend only what is still missing
    });
}

// TransactionMarkerRequestCompletionHandler: INVALID_PRODUCER_EPOCH or
// TRANSACTION_COORDINATOR_FENCED means the producer or coordinator epoch moved on, "this txn can
// now be ignored": removeMarkersForTxnId and abortSending. Nothing writes Complete*; the
// transaction stays in Prepare* (clients get CONCURRENT_TRANSACTIONS) until a coordinator load
// sends its markers again.
void TransactionCoordinator::abandon_markers(const std::string& id, std::int64_t producer_id, std::int16_t epoch) {
    markers_abandoned_.insert(MarkerKey{id, producer_id, epoch});
    markers_pending_.erase(id);
    host_.trace(sim::StateChange("txn.markers_abandoned").with("transactional_id", id).with("pid", producer_id)
                    .with("epoch", epoch));
}

void TransactionCoordinator::complete(const std::string& id) {
    markers_pending_.erase(id);
    TransactionMetadata target = transactions_.at(id);
    target.state = target.state == TxnState::PrepareCommit ? TxnState::CompleteCommit : TxnState::CompleteAbort;
    target.partitions.clear();
    target.txn_start_us = -1;
    const std::int64_t pid = target.producer_id;
    const std::int16_t epoch = target.producer_epoch;
    write(id, target, [this, id, pid, epoch](ErrorCode error) {
        if (error != ErrorCode::COORDINATOR_NOT_AVAILABLE) return;  // done, or no longer ours
        // TransactionMarkerChannelManager: the completion append is retried until it lands.
        host_.after(sim::ms(config_.marker_retry_backoff_ms), [this, id, pid, epoch] {
            const TransactionMetadata* m = find(id);
            if (m == nullptr || m->producer_id != pid || m->producer_epoch != epoch || !is_prepare(m->state) ||
                m->pending_state.has_value()) {
                return;
            }
            complete(id);
        });
    });
}

void TransactionCoordinator::abort_timed_out_transactions() {
    const sim::TimeUs now = host_.now();
    std::vector<std::string> expired;
    for (const auto& [id, m] : transactions_) {
        if (m.state == TxnState::Ongoing && !m.pending_state &&
            m.txn_start_us + sim::ms(m.txn_timeout_ms) < now) {
            expired.push_back(id);
        }
    }
    for (const std::string& id : expired) {
        host_.trace(sim::StateChange("txn.timeout").with("transactional_id", id));
        const bool fence = !transactions_.at(id).has_failed_epoch_fence && !config_.knockout_timeout_abort_bump;
        begin_abort(id, fence, [](ErrorCode) {});
    }
}

}  // namespace eosim::kafka
