#include "kafka/client/producer_client.hpp"

#include <algorithm>
#include <limits>

#include "base/assert.hpp"
#include "kafka/protocol/dispatch.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {


}  // namespace

ProducerClient::ProducerClient(sim::Simulation& sim, sim::NodeId host,
                               std::shared_ptr<const ClusterLayout> layout,
                               ProducerConfig config, SendListener& listener,
                               std::uint64_t timer_tag)
    : sim_(sim),
      host_(host),
      layout_(std::move(layout)),
      config_(config),
      listener_(listener),
      wakeup_(sim, host, timer_tag),
      retry_backoff_(config_.retry_backoff_ms, config_.retry_backoff_max_ms),
      reconnect_backoff_(config_.reconnect_backoff_ms, config_.reconnect_backoff_max_ms),
      backoff_prng_(sim.stream("producer-backoff/" + sim.node_name(host))),
      leaders_(layout_, first_metadata_broker(sim, host, *layout_)),
      transport_(sim, host),
      network_(transport_) {
    // resolve_producer_config (Kafka: ProducerConfig.postProcessAndValidateIdempotenceConfigs).
    EOSIM_ASSERT(!idempotent() || config_.acks == -1);
    EOSIM_ASSERT(!idempotent() || config_.max_in_flight_requests_per_connection <= 5);
    if (transactional()) txn_.emplace(config_, static_cast<TransactionManagerHost&>(*this));
}

std::int32_t ProducerClient::next_sequence(const TopicPartition& partition) const {
    const auto found = partitions_.find(partition);
    return found == partitions_.end() ? 0 : found->second.next_sequence;
}

void ProducerClient::send(const TopicPartition& partition, Record record,
                          std::int32_t size_bytes) {
    if (transactional()) {
        if (!txn().note_send(partition)) {
            // KafkaProducer.send outside a transaction (or after an error) fails at once.
            listener_.on_send_complete(record.value, partition, {SendOutcome::Kind::fail, ErrorCode::INVALID_TXN_STATE, -1});
            return;
        }
    }
    PartitionState& state = partition_state(partition);
    const bool fits = !state.queue.empty() && !state.queue.back()->closed &&
                      state.queue.back()->size_bytes + size_bytes <= config_.batch_size;
    if (!fits) {
        if (!state.queue.empty()) state.queue.back()->closed = true;
        auto batch = std::make_unique<Batch>();
        batch->partition = partition;
        batch->created_us = sim_.now();
        batch->size_bytes = kRecordBatchHeaderBytes;
        batch->allocated_bytes = std::max(config_.batch_size, kRecordBatchHeaderBytes + size_bytes);
        buffer_used_bytes_ += batch->allocated_bytes;
        state.queue.push_back(std::move(batch));
    }
    Batch& batch = *state.queue.back();
    EOSIM_ASSERT(batch.base_sequence == kNoSequence);
    EOSIM_ASSERT(batch.attempts == 0);
    batch.records.push_back(record);
    batch.size_bytes += size_bytes;
    if (batch.size_bytes >= config_.batch_size) batch.closed = true;
    ++pending_records_;
    poll();
}

bool ProducerClient::buffer_full_for(const TopicPartition& partition, std::int32_t size_bytes) const {
    const auto found = partitions_.find(partition);
    if (found != partitions_.end()) {
        const auto& queue = found->second.queue;
        const bool fits = !queue.empty() && !queue.back()->closed && queue.back()->size_bytes + size_bytes <= config_.batch_size;
        if (fits) return false;  // appended to the open batch: no new allocation
    }
    const std::int64_t allocation = std::max(config_.batch_size, kRecordBatchHeaderBytes + size_bytes);
    return buffer_used_bytes_ + allocation > config_.buffer_memory;
}

void ProducerClient::on_timer() {
    wakeup_.fired();
    poll();
}

// One pass of Kafka's Sender.runOnce: timeouts, sequence resolution, then drain.
void ProducerClient::poll() {
    const sim::TimeUs now = sim_.now();
    // Sender.runOnce expires batches (sendProducerData: failBatch, markSequenceUnresolved)
    // before client.poll times requests out. The other order, at one instant, fails a
    // delivery-timed-out batch as a plain request timeout, which bumps the epoch and
    // renumbers successors that may already be written (swarm seed 68524: duplicates).
    expire_batches(now);
    expire_requests(now);
    if (idempotent() && !transactional()) {
        maybe_resolve_sequences();
        maybe_bump_epoch();
    }
    if (transactional()) {
        // Sender.runOnce: while aborting (or after an abortable error) undrained batches fail at
        // every pass, including those re-queued for a retry meanwhile.
        if (txn().aborting()) {
            fail_queued_batches(ErrorCode::TRANSACTION_ABORTABLE);
        }
        maybe_send_transaction_request(now);
        maybe_refresh_metadata(now);
        if (producer_id_ != kNoProducerId) drain(now);
    } else if (idempotent() && producer_id_ == kNoProducerId) {
        maybe_init_producer_id(now);
    } else {
        maybe_refresh_metadata(now);
        drain(now);
    }
    schedule_wakeup();
}

// Metadata.requestUpdate after NOT_LEADER_OR_FOLLOWER or a lost connection: ask some broker.
void ProducerClient::maybe_refresh_metadata(sim::TimeUs now) {
    if (!leaders_.stale() || metadata_in_flight_ || now < metadata_retry_after_us_) return;
    std::vector<TopicPartition> wanted;
    for (const auto& [tp, state] : partitions_) wanted.push_back(tp);
    if (transactional()) wanted.push_back(layout_->transaction_partition_of(*config_.transactional_id));
    if (txn_ && !txn_->group_id().empty()) wanted.push_back(layout_->offsets_partition_of_group(txn_->group_id()));
    if (wanted.empty()) return;
    metadata_in_flight_ = true;
    const std::int32_t broker = leaders_.next_broker();
    InFlightRequest request{broker, now + sim::ms(config_.request_timeout_ms), RequestKind::metadata, {}};
    send_request(broker, std::move(request), leaders_.request(wanted));
}

void ProducerClient::handle_metadata_response(const MetadataResponse& response) {
    metadata_in_flight_ = false;
    leaders_.update(response);
    if (leaders_.stale()) metadata_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
    for (auto& [tp, state] : partitions_) {
        const std::int32_t leader = leaders_.leader_of(tp);
        if (leader == state.leader) continue;
        sim_.record_state(host_, sim::StateChange("producer.leader_moved")
                                     .with("partition", tp.str())
                                     .with("leader", leader));
        state.leader = leader;
    }
}

void ProducerClient::expire_batches(sim::TimeUs now) {
    const sim::TimeUs timeout_us = sim::ms(config_.delivery_timeout_ms);
    // The abortable error is entered once the loops are done: it calls back into the
    // application, which may abort and fail the queues being walked here.
    std::optional<ErrorCode> abortable;
    for (auto& [tp, state] : partitions_) {
        for (auto it = state.queue.begin(); it != state.queue.end();) {
            if (now < (*it)->created_us + timeout_us) {
                if ((*it)->attempts == 0) break;  // the fresh tail is in creation order
                ++it;
                continue;
            }
            BatchPtr batch = std::move(*it);
            it = state.queue.erase(it);
            if (batch->base_sequence != kNoSequence) mark_sequence_unresolved(*batch);  // inRetry
            finish(*batch, {batch->maybe_written ? SendOutcome::Kind::info : SendOutcome::Kind::fail,
                            ErrorCode::REQUEST_TIMED_OUT, -1});
            if (transactional() && !abortable) abortable = ErrorCode::REQUEST_TIMED_OUT;
        }
    }
    // Batches past delivery.timeout.ms fail even while in flight; a late response is ignored.
    for (auto& [broker, ch] : network_.channels()) {
        for (auto& [correlation, request] : ch.in_flight) {
            for (BatchPtr& batch : request.batches) {
                if (batch->done || now < batch->created_us + timeout_us) continue;
                // Kafka marks only batches in retry; eosim also a first attempt, whose successors
                // could otherwise be drained past a sequence gap nobody will fill.
                if (batch->base_sequence != kNoSequence) mark_sequence_unresolved(*batch);
                finish(*batch, {SendOutcome::Kind::info, ErrorCode::REQUEST_TIMED_OUT, -1});
                // Transactional: the sequence is unresolved, so abort and bump the epoch.
                if (transactional()) abortable = ErrorCode::UNKNOWN_PRODUCER_ID;
            }
        }
    }
    if (abortable) txn().enter_abortable_error(*abortable);
}

void ProducerClient::maybe_init_producer_id(sim::TimeUs now) {
    if (init_in_flight_ || now < init_retry_after_us_) return;
    init_in_flight_ = true;
    InFlightRequest request;
    request.broker = init_broker_;
    request.deadline_us = now + sim::ms(config_.request_timeout_ms);
    request.kind = RequestKind::init_producer_id;
    send_request(init_broker_, std::move(request), InitProducerIdRequest{});
}

// RecordAccumulator.drain's readiness checks, shouldStopDrainBatchesForPartition included.
bool ProducerClient::ready_to_drain(const TopicPartition& partition, const PartitionState& state, sim::TimeUs now,
                                    bool linger) {
    if (state.queue.empty()) return false;
    const Batch& head = *state.queue.front();
    if (now < head.retry_after_us) return false;
    // RecordAccumulator.ready: a committing transaction (transactionCompleting) sends at once.
    const bool completing = transactional() && txn().state() == ClientTxnState::COMMITTING_TRANSACTION;
    const bool lingering = linger && !completing && !head.closed && state.queue.size() == 1 &&
                           now < head.created_us + sim::ms(config_.linger_ms);
    if (lingering) return false;
    // max.in.flight=1 guarantees order by muting the partition while a batch is out.
    if (config_.max_in_flight_requests_per_connection == 1 && state.in_flight_batches > 0) {
        return false;
    }
    if (!idempotent()) return true;
    if (producer_id_ == kNoProducerId) return false;
    if (transactional() && !txn().send_to_partition_allowed(partition)) return false;
    if (head.base_sequence == kNoSequence) {
        // A new batch waits while older-epoch batches of the partition are unfinished (it would
        // start the new epoch at sequence 0 ahead of them) and while a sequence is unresolved.
        // Retries do not wait: they are what resolves it.
        if (has_stale_producer_id_and_epoch(state) && has_in_flight_batches(partition)) return false;
        if (state.unresolved_next_sequence) return false;
        return true;
    }
    // A retry goes out only as the lowest unfinished sequence of its partition.
    return head.base_sequence == first_in_flight_sequence(partition);
}

// Sender.runOnce: sendProducerData makes one request per ready node, and while data is still
// sendable client.poll returns at once (pollTimeout 0) for the next round, so a backlog fills
// the connection up to max.in.flight.requests.per.connection without waiting for responses.
void ProducerClient::drain(sim::TimeUs now) {
    for (std::int32_t broker = 0; broker < layout_->broker_count(); ++broker) {
        while (drain_request(broker, now)) {
        }
    }
}

// One ProduceRequest to the broker with the head batch of each of its ready partitions; false
// when nothing was sent (nothing ready, not connected, or the in-flight limit reached).
bool ProducerClient::drain_request(std::int32_t broker, sim::TimeUs now) {
    // accumulator.ready finds the nodes with sendable data, then client.ready(node) keeps only
    // connected ones (and starts connecting to the others).
    bool sendable = false;
    for (const auto& [tp, state] : partitions_) {
        if (state.leader == broker && ready_to_drain(tp, state, now, true)) {
            sendable = true;
            break;
        }
    }
    if (!sendable || !node_ready(broker, now)) return false;
    if (channel(broker).in_flight.size() >= static_cast<std::size_t>(config_.max_in_flight_requests_per_connection)) {
        return false;
    }
    ProduceRequest produce{config_.transactional_id, config_.acks, config_.request_timeout_ms, {}};
    InFlightRequest request{broker, now + sim::ms(config_.request_timeout_ms), RequestKind::produce, {}};
    std::int64_t request_bytes = 0;
    for (auto& [tp, state] : partitions_) {
        // drainBatchesForOneNode: every partition's head batch, lingering or not, up to max.request.size.
        if (state.leader != broker || !ready_to_drain(tp, state, now, false)) continue;
        const std::int64_t batch_bytes = state.queue.front()->size_bytes;
        if (request_bytes + batch_bytes > config_.max_request_size && !produce.partitions.empty()) break;
        request_bytes += batch_bytes;
        if (idempotent() && state.queue.front()->base_sequence == kNoSequence) {
            maybe_update_producer_id_and_epoch(tp);
        }
        BatchPtr batch = std::move(state.queue.front());
        state.queue.pop_front();
        batch->closed = true;
        if (idempotent() && batch->base_sequence == kNoSequence) {
            // Sequences are assigned at drain; a retried batch keeps its own (a new one could
            // be appended a second time if the earlier attempt was accepted).
            batch->producer_id = producer_id_;
            batch->producer_epoch = producer_epoch_;
            batch->base_sequence = state.next_sequence;
            state.next_sequence = increment_sequence(state.next_sequence, batch->records.size());
        }
        ++state.in_flight_batches;
        RecordBatch wire{batch->producer_id, batch->producer_epoch, batch->base_sequence,
                         transactional(), ControlType::none, -1, batch->records, nullptr, nullptr,
                         batch->size_bytes};
        produce.partitions.push_back({tp, std::move(wire)});
        request.batches.push_back(std::move(batch));
    }
    if (produce.partitions.empty()) return false;
    if (config_.acks == 0) {
        // No response will come: each batch counts as sent and done (offset unknown).
        std::vector<BatchPtr> batches = std::move(request.batches);
        send_request(broker, InFlightRequest{}, std::move(produce));
        for (BatchPtr& batch : batches) {
            forget_in_flight(*batch);
            finish(*batch, {SendOutcome::Kind::ok, ErrorCode::NONE, -1});
        }
        return true;
    }
    send_request(broker, std::move(request), std::move(produce));
    return true;
}

void ProducerClient::fail_request(InFlightRequest& request, ErrorCode error) {
    if (request.kind == RequestKind::transaction) {
        txn().request_failed(sim_.now());
        return;
    }
    if (request.kind == RequestKind::api_versions) return;
    if (request.kind == RequestKind::metadata) {
        metadata_in_flight_ = false;
        metadata_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
        leaders_.mark_stale();
        return;
    }
    if (request.kind == RequestKind::init_producer_id) {
        init_in_flight_ = false;
        init_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
        init_broker_ = (init_broker_ + 1) % layout_->broker_count();
        return;
    }
    for (BatchPtr& batch : request.batches) {
        forget_in_flight(*batch);
        if (batch->done) continue;
        batch->maybe_written = true;  // sent, never answered: the broker may have appended it
        complete_batch(std::move(batch), error, -1);
    }
}

// One handler per answer (the completion handlers of Kafka's NetworkClient, Sender and
// TransactionManager); what a producer never asked for is not for it.
void ProducerClient::dispatch(std::int32_t broker, InFlightRequest& request, const KafkaMessage& message) {
    std::visit(
        Overloaded{
            [&](const ApiVersionsResponse&) { handle_api_versions_response(broker); },
            [&](const MetadataResponse& r) { handle_metadata_response(r); },
            [&](const ProduceResponse& r) { handle_produce_response(request, r); },
            // The idempotent producer's InitProducerId (Sender) or the transactional one
            // (TransactionManager.InitProducerIdHandler).
            [&](const InitProducerIdResponse& r) {
                if (request.kind == RequestKind::transaction) return txn().handle_init_producer_id_response(r, sim_.now());
                handle_init_producer_id_response(r);
            },
            [&](const AddPartitionsToTxnResponse& r) { txn().handle_add_partitions_to_txn_response(r, sim_.now()); },
            [&](const AddOffsetsToTxnResponse& r) { txn().handle_add_offsets_to_txn_response(r, sim_.now()); },
            [&](const TxnOffsetCommitResponse& r) { txn().handle_txn_offset_commit_response(r, sim_.now()); },
            [&](const EndTxnResponse& r) { txn().handle_end_txn_response(r, sim_.now()); },
            [&](const OneOf<InitProducerIdRequest, ProduceRequest, FetchRequest, FetchResponse, ListOffsetsRequest,
                            ListOffsetsResponse, OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest,
                            OffsetFetchResponse, AddPartitionsToTxnRequest, AddOffsetsToTxnRequest, EndTxnRequest,
                            WriteTxnMarkersRequest, WriteTxnMarkersResponse, TxnOffsetCommitRequest,
                            JoinGroupRequest, JoinGroupResponse, SyncGroupRequest, SyncGroupResponse,
                            HeartbeatRequest, HeartbeatResponse, LeaveGroupRequest, LeaveGroupResponse,
                            BrokerHeartbeatRequest, BrokerHeartbeatResponse, MetadataUpdate, AlterPartitionRequest,
                            AlterPartitionResponse, ReplicaFetchRequest, ReplicaFetchResponse, MetadataRequest,
                            ApiVersionsRequest> auto&) { not_for_this_node("a producer", message); },
        },
        message.body);
}

void ProducerClient::handle_init_producer_id_response(const InitProducerIdResponse& response) {
    init_in_flight_ = false;
    if (response.error != ErrorCode::NONE) {
        init_retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
        return;
    }
    producer_id_ = response.producer_id;
    producer_epoch_ = response.producer_epoch;
    sim_.record_state(host_, sim::StateChange("producer.producer_id")
                                 .with("pid", producer_id_)
                                 .with("epoch", producer_epoch_));
}

ProducerClient::PartitionState& ProducerClient::partition_state(const TopicPartition& partition) {
    PartitionState& state = partitions_[partition];
    if (state.leader == kNoLeader && !leaders_.stale()) state.leader = leaders_.leader_of(partition);
    return state;
}

sim::TimeUs ProducerClient::next_deadline() const {
    const sim::TimeUs now = sim_.now();
    sim::TimeUs deadline = sim::kNever;
    const auto consider = [&](sim::TimeUs at) {
        if (at > now && at < deadline) deadline = at;
    };
    const sim::TimeUs delivery_us = sim::ms(config_.delivery_timeout_ms);
    for (const auto& [tp, state] : partitions_) {
        for (const BatchPtr& batch : state.queue) {
            consider(batch->created_us + delivery_us);
            // The fresh tail is in creation order: its first deadline ahead is its earliest.
            if (batch->attempts == 0 && batch->created_us + delivery_us > now) break;
        }
        if (state.queue.empty()) continue;
        consider(state.queue.front()->retry_after_us);
        consider(state.queue.front()->created_us + sim::ms(config_.linger_ms));
    }
    for (const auto& [broker, ch] : network_.channels()) {
        if (!ch.open) consider(ch.state.reconnect_after_us);
        for (const auto& [correlation, request] : ch.in_flight) {
            consider(request.deadline_us);
            for (const BatchPtr& batch : request.batches) {
                if (!batch->done) consider(batch->created_us + delivery_us);
            }
        }
    }
    if (idempotent() && producer_id_ == kNoProducerId && !init_in_flight_) {
        consider(init_retry_after_us_);
    }
    if (txn_) {
        if (const auto retry_at_us = txn_->retry_at_us()) consider(*retry_at_us);
    }
    if (leaders_.stale() && !metadata_in_flight_) consider(metadata_retry_after_us_);
    return deadline;
}

void ProducerClient::schedule_wakeup() { wakeup_.wake_at(next_deadline()); }

}  // namespace eosim::kafka
