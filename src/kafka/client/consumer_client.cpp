#include "kafka/client/consumer_client.hpp"

#include <algorithm>
#include <limits>
#include <set>

#include "base/assert.hpp"
#include "kafka/protocol/dispatch.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {

// AbstractCoordinator.sendJoinGroupRequest: the rebalance timeout + 5 s, or the rebalance timeout
// alone when the int sum would overflow (Kafka's max(timeout + lapse, timeout) guard).
std::int64_t join_group_timeout_ms(const ConsumerConfig& config) {
    constexpr std::int32_t kJoinGroupTimeoutLapseMs = 5000;
    const std::int32_t rebalance_ms = config.max_poll_interval_ms;
    if (rebalance_ms > std::numeric_limits<std::int32_t>::max() - kJoinGroupTimeoutLapseMs) return rebalance_ms;
    return std::int64_t{rebalance_ms} + kJoinGroupTimeoutLapseMs;
}

}  // namespace

ConsumerClient::ConsumerClient(sim::Simulation& sim, sim::NodeId host,
                               std::shared_ptr<const ClusterLayout> layout,
                               ConsumerConfig config, std::string group_id,
                               std::vector<TopicPartition> assignment,
                               ConsumerListener& listener, std::uint64_t timer_tag)
    : sim_(sim),
      host_(host),
      layout_(std::move(layout)),
      config_(config),
      group_id_(std::move(group_id)),
      assignment_(std::move(assignment)),
      listener_(listener),
      wakeup_(sim, host, timer_tag),
      leaders_(layout_, first_metadata_broker(sim, host, *layout_)),
      transport_(sim, host),
      network_(transport_) {}

void ConsumerClient::start() {
    started_ = true;
    poll();
}

std::vector<ConsumedRecord> ConsumerClient::take_records() {
    last_application_poll_us_ = sim_.now();
    // poll() runs a pending rebalance before it returns records (a revocation drops the buffer).
    if (subscribed() && !fatal_) group_poll(sim_.now());
    std::vector<ConsumedRecord> records;
    while (!buffer_.empty() && records.size() < static_cast<std::size_t>(config_.max_poll_records)) {
        records.push_back(buffer_.front());
        buffer_.pop_front();
        positions_[records.back().partition] = records.back().offset + 1;
    }
    settle_positions();
    poll();  // an emptied buffer means the next fetch can go out
    return records;
}

void ConsumerClient::commit(std::map<TopicPartition, std::int64_t> offsets) {
    EOSIM_ASSERT(!pending_commit_.has_value());
    pending_commit_ = std::move(offsets);
    commit_sent_ = false;
    poll();
}

void ConsumerClient::on_timer() {
    wakeup_.fired();
    poll();
}

void ConsumerClient::poll() {
    if (!started_ || fatal_ || closed_) return;
    const sim::TimeUs now = sim_.now();
    expire_requests(now);
    if (subscribed()) group_poll(now);
    if (fatal_) return;
    if (now >= retry_after_us_) {
        send_metadata();  // when a leader or the coordinator is unknown
        if (subscribed() && member_state_ != MemberState::stable) {
            send_join();
        } else if (!committed_known_) {
            send_offset_fetch();
        } else {
            send_list_offsets();
            send_fetches();
        }
        send_commit();
    }
    schedule_wakeup();
}

void ConsumerClient::expire_requests(sim::TimeUs now) {
    network_.for_each_timed_out(now, [&](std::int32_t key) {
        network_.close(key);
        fail_channel(key, ErrorCode::REQUEST_TIMED_OUT);
    });
}

bool ConsumerClient::in_flight(RequestKind kind) const {
    for (const auto& [broker, ch] : network_.channels()) {
        if (in_flight_to(broker, kind)) return true;
    }
    return false;
}

bool ConsumerClient::in_flight_to(std::int32_t broker, RequestKind kind) const {
    const auto found = network_.channels().find(broker);
    if (found == network_.channels().end()) return false;
    for (const auto& [correlation, pending] : found->second.in_flight) {
        if (pending.kind == kind) return true;
    }
    return false;
}

void ConsumerClient::send(std::int32_t broker, RequestKind kind, MessageBody body) {
    if (broker == kNoLeader) {  // no known coordinator or leader: find it first, then retry
        const bool lookup_in_flight = in_flight(RequestKind::metadata);
        request_failed(kind, ErrorCode::COORDINATOR_NOT_AVAILABLE);
        // AbstractCoordinator.ensureCoordinatorReady waits for the lookup under way: its answer
        // retries at once, with no backoff (a new client's first requests).
        if (lookup_in_flight) retry_after_us_ = sim_.now();
        return;
    }
    // The group coordinator gets its own connection (AbstractCoordinator's FindCoordinator
    // handler addresses it as node id Integer.MAX_VALUE - coordinator id "to allow separate
    // connections"), so a fetch long poll at the same broker, which mutes that connection, never
    // holds a commit, heartbeat or JoinGroup behind it.
    const bool coordinator_request = kind == RequestKind::offset_fetch || kind == RequestKind::offset_commit ||
                                     kind == RequestKind::join_group || kind == RequestKind::sync_group ||
                                     kind == RequestKind::heartbeat || kind == RequestKind::leave_group;
    const std::int32_t key = coordinator_request ? kCoordinatorChannel - broker : broker;
    if (!network_.channel(key).open) network_.connect(key, layout_->broker_nodes.at(broker));
    const std::int32_t correlation = next_correlation_++;
    // A long poll may legitimately wait fetch.max.wait.ms before answering; a JoinGroup waits for
    // the whole join phase (ConsumerCoordinator: rebalance timeout + 5 s).
    sim::TimeUs wait_us = kind == RequestKind::fetch ? sim::ms(config_.fetch_max_wait_ms) : 0;
    sim::TimeUs timeout_us = sim::ms(config_.request_timeout_ms);
    if (kind == RequestKind::join_group) timeout_us = std::max(timeout_us, sim::ms(join_group_timeout_ms(config_)));
    network_.track(key, correlation, Pending{kind, sim_.now() + wait_us + timeout_us, position_epoch_, member_epoch_});
    network_.send(key, correlation, std::move(body));
}

void ConsumerClient::send_offset_fetch() {
    if (in_flight(RequestKind::offset_fetch)) return;
    // A read_committed consumer asks for stable offsets (no pending transactional commits).
    send(coordinator(), RequestKind::offset_fetch,
         OffsetFetchRequest{group_id_, assignment_, config_.isolation == Isolation::read_committed});
}

void ConsumerClient::send_metadata() {
    if (!leaders_.stale() || in_flight(RequestKind::metadata)) return;
    std::vector<TopicPartition> wanted = assignment_;
    wanted.push_back(layout_->offsets_partition_of_group(group_id_));
    send(leaders_.next_broker(), RequestKind::metadata, leaders_.request(wanted));
}

void ConsumerClient::handle_metadata_response(const MetadataResponse& response) {
    leaders_.update(response);
    if (leaders_.stale()) retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
}

// auto.offset.reset after OFFSET_OUT_OF_RANGE: the position is gone from the leader's log.
void ConsumerClient::reset_position(const TopicPartition& tp) {
    const auto position = positions_.find(tp);
    if (position == positions_.end()) return;
    sim_.record_state(host_, sim::StateChange("consumer.offset_out_of_range")
                                 .with("partition", tp.str())
                                 .with("position", position->second));
    positions_.erase(position);
    fetch_positions_.erase(tp);
    if (config_.auto_offset_reset == OffsetReset::earliest) positions_[tp] = 0;
}

void ConsumerClient::send_list_offsets() {
    if (in_flight(RequestKind::list_offsets)) return;
    std::map<std::int32_t, ListOffsetsRequest> by_leader;
    for (const TopicPartition& tp : assignment_) {
        const std::int32_t leader = leaders_.leader_of(tp);
        if (positions_.count(tp) == 0 && leader != kNoLeader) by_leader[leader].partitions.push_back(tp);
    }
    for (auto& [broker, request] : by_leader) {
        request.isolation = config_.fetch_isolation();  // a read_committed reset starts at the LSO
        send(broker, RequestKind::list_offsets, std::move(request));
    }
}

void ConsumerClient::send_fetches() {
    if (!buffer_.empty()) return;  // fetch again once the application drained the buffer
    std::map<std::int32_t, FetchRequest> by_leader;
    for (const TopicPartition& tp : assignment_) {
        const auto position = positions_.find(tp);
        if (position == positions_.end()) continue;
        const std::int32_t leader = leaders_.leader_of(tp);
        if (leader == kNoLeader || in_flight_to(leader, RequestKind::fetch)) continue;
        FetchRequest& request = by_leader[leader];
        request.max_wait_ms = config_.fetch_max_wait_ms;
        request.max_records = config_.max_poll_records;
        request.isolation = config_.fetch_isolation();
        request.partitions.push_back({tp, position->second});
    }
    for (auto& [broker, request] : by_leader) send(broker, RequestKind::fetch, std::move(request));
}

void ConsumerClient::send_commit() {
    if (!pending_commit_.has_value() || commit_sent_) return;
    if (subscribed() && (member_state_ != MemberState::stable || generation_id_ < 0)) {
        // ConsumerCoordinator.sendOffsetCommitRequest: not part of an active group, the commit
        // fails (RebalanceInProgressException / CommitFailedException); poll() rejoins.
        pending_commit_.reset();
        listener_.on_commit_complete(member_state_ != MemberState::unjoined ? ErrorCode::REBALANCE_IN_PROGRESS
                                                                             : ErrorCode::ILLEGAL_GENERATION);
        return;
    }
    OffsetCommitRequest request{group_id_, generation_id_, member_id_, config_.group_instance_id, {}};
    for (const auto& [tp, offset] : *pending_commit_) request.partitions.push_back({tp, offset});
    commit_sent_ = true;
    send(coordinator(), RequestKind::offset_commit, std::move(request));
}

void ConsumerClient::request_failed(RequestKind kind, ErrorCode error) {
    retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
    if (error == ErrorCode::NOT_COORDINATOR || error == ErrorCode::COORDINATOR_NOT_AVAILABLE) leaders_.mark_stale();
    if (kind == RequestKind::offset_commit) {
        commit_sent_ = false;  // commitSync retries retriable errors
    }
    if (kind == RequestKind::join_group || kind == RequestKind::sync_group || kind == RequestKind::heartbeat) {
        group_error(kind, error);
    }
}

void ConsumerClient::fail_channel(std::int32_t key, ErrorCode error) {
    std::map<std::int32_t, Pending> failed = network_.disconnect(key);
    leaders_.mark_stale();
    for (const auto& [correlation, pending] : failed) request_failed(pending.kind, error);
}

void ConsumerClient::on_connection_closed(sim::ConnectionId connection) {
    if (const std::optional<std::int32_t> key = network_.key_of(connection)) {
        fail_channel(*key, ErrorCode::NETWORK_EXCEPTION);
    }
    poll();
}

void ConsumerClient::on_message(const sim::Envelope& envelope) {
    const auto& message = static_cast<const KafkaMessage&>(*envelope.payload);
    const std::optional<Network::Answer> answer = network_.take_answer(envelope.connection, message.correlation_id);
    if (answer && !answer->request) return;  // its request failed meanwhile
    if (answer) {
        answer_epoch_ = answer->request->position_epoch;
        answer_member_epoch_ = answer->request->member_epoch;
        std::visit(
            Overloaded{
                [&](const OffsetFetchResponse& r) { handle_offset_fetch_response(r); },
                [&](const ListOffsetsResponse& r) { handle_list_offsets_response(r); },
                [&](const FetchResponse& r) { handle_fetch_response(r); },
                [&](const OffsetCommitResponse& r) { handle_offset_commit_response(r); },
                [&](const JoinGroupResponse& r) { handle_join_group_response(r); },
                [&](const SyncGroupResponse& r) { handle_sync_group_response(r); },
                [&](const HeartbeatResponse& r) { handle_heartbeat_response(r); },
                [&](const MetadataResponse& r) { handle_metadata_response(r); },
                // The member left (close or max.poll.interval.ms): nothing waits for the answer,
                // as AbstractCoordinator.maybeLeaveGroup does not.
                [&](const LeaveGroupResponse&) {},
                [&](const OneOf<InitProducerIdRequest, InitProducerIdResponse, ProduceRequest, ProduceResponse,
                                FetchRequest, ListOffsetsRequest, OffsetCommitRequest, OffsetFetchRequest,
                                AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, AddOffsetsToTxnRequest,
                                AddOffsetsToTxnResponse, EndTxnRequest, EndTxnResponse, WriteTxnMarkersRequest,
                                WriteTxnMarkersResponse, TxnOffsetCommitRequest, TxnOffsetCommitResponse,
                                JoinGroupRequest, SyncGroupRequest, HeartbeatRequest, LeaveGroupRequest,
                                BrokerHeartbeatRequest, BrokerHeartbeatResponse, MetadataUpdate,
                                AlterPartitionRequest, AlterPartitionResponse, ReplicaFetchRequest,
                                ReplicaFetchResponse, MetadataRequest, ApiVersionsRequest,
                                ApiVersionsResponse> auto&) { not_for_this_node("a consumer", message); },
            },
            message.body);
    }
    poll();
}

void ConsumerClient::clear_positions() {
    buffer_.clear();
    positions_.clear();
    fetch_positions_.clear();
    committed_known_ = false;
    ++position_epoch_;
}

void ConsumerClient::rewind_to_committed() {
    clear_positions();
    poll();
}

// After a commit the group refused (fenced, unknown member, old generation): in subscribe mode
// the member rejoins, in assign mode it only rewinds.
void ConsumerClient::rejoin() {
    if (subscribed() && member_state_ == MemberState::stable) {
        reset_generation(false);
        rejoin_needed_ = true;
    }
    rewind_to_committed();
}

void ConsumerClient::handle_offset_fetch_response(const OffsetFetchResponse& response) {
    if (answer_epoch_ != position_epoch_) return;
    bool unstable = response.error != ErrorCode::NONE;
    for (const auto& p : response.partitions) unstable = unstable || p.error != ErrorCode::NONE;
    if (unstable) {  // e.g. UNSTABLE_OFFSET_COMMIT: a transaction still holds offsets here
        request_failed(RequestKind::offset_fetch, response.error);
        return;
    }
    committed_known_ = true;
    for (const auto& p : response.partitions) {
        if (p.committed_offset >= 0) {
            positions_[p.partition] = p.committed_offset;
        } else if (config_.auto_offset_reset == OffsetReset::earliest) {
            positions_[p.partition] = 0;  // log start offset (no retention in the model)
        }
        // latest: left absent, resolved by ListOffsets.
    }
}

void ConsumerClient::handle_list_offsets_response(const ListOffsetsResponse& response) {
    if (answer_epoch_ != position_epoch_) return;
    for (const auto& p : response.partitions) {
        if (p.error != ErrorCode::NONE) {
            if (p.error == ErrorCode::NOT_LEADER_OR_FOLLOWER) leaders_.mark_stale();
            request_failed(RequestKind::list_offsets, p.error);
            continue;
        }
        if (positions_.count(p.partition) == 0) positions_[p.partition] = p.offset;
    }
}

void ConsumerClient::handle_fetch_response(const FetchResponse& response) {
    if (answer_epoch_ != position_epoch_) return;  // fetched before a rewind
    const std::size_t before = buffer_.size();
    for (const auto& p : response.partitions) {
        if (p.error == ErrorCode::OFFSET_OUT_OF_RANGE) {
            reset_position(p.partition);
            continue;
        }
        if (p.error != ErrorCode::NONE) {
            if (p.error == ErrorCode::NOT_LEADER_OR_FOLLOWER) leaders_.mark_stale();
            request_failed(RequestKind::fetch, p.error);
            continue;
        }
        if (positions_.count(p.partition) == 0) continue;
        accept_batches(p);
    }
    const auto positions_before = positions_;
    settle_positions();
    // Skipped control or aborted batches move the position without records: tell the
    // application too, so that it can commit the new position.
    if (buffer_.size() > before || positions_ != positions_before) listener_.on_records_available();
}

void ConsumerClient::accept_batches(const FetchResponse::PartitionData& data) {
    std::int64_t& fetch_position = fetch_positions_[data.partition];
    // Records below the fetch position are buffered or consumed already: a second fetch answer
    // for the same offsets (e.g. from the old leader while the new one answered) adds nothing.
    const std::int64_t from = std::max(positions_.at(data.partition), fetch_position);
    FilteredFetch fetched = filter_fetched(data, from, config_.fetch_isolation());
    if (fetched.next_fetch_offset > fetch_position) fetch_position = fetched.next_fetch_offset;
    for (ConsumedRecord& record : fetched.records) buffer_.push_back(std::move(record));
}

FilteredFetch filter_fetched(const FetchResponse::PartitionData& data, std::int64_t position,
                             Isolation isolation) {
    FilteredFetch result{{}, position};
    // The broker lists aborted transactions in the order their ABORT markers were written (the
    // .txnindex order), which differs from the order they began when two producers' transactions
    // overlap. CompletedFetch keeps them in a PriorityQueue by firstOffset; a stable sort by
    // first offset is that queue's order.
    std::vector<AbortedTxn> aborted = data.aborted;
    std::stable_sort(aborted.begin(), aborted.end(),
                     [](const AbortedTxn& a, const AbortedTxn& b) { return a.first_offset < b.first_offset; });
    std::set<std::int64_t> aborted_producers;
    std::size_t next_aborted = 0;
    for (const LogBatch& stored : data.batches) {
        const RecordBatch& batch = stored.batch;
        // CompletedFetch.consumeAbortedTransactionsUpTo: producers whose aborted transactions
        // began at or before this batch's last offset.
        while (isolation == Isolation::read_committed && next_aborted < aborted.size() &&
               aborted[next_aborted].first_offset <= stored.last_offset()) {
            aborted_producers.insert(aborted[next_aborted++].producer_id);
        }
        result.next_fetch_offset = std::max(result.next_fetch_offset, stored.last_offset() + 1);
        if (batch.is_control()) {
            if (batch.control == ControlType::abort) aborted_producers.erase(batch.producer_id);
            continue;
        }
        if (batch.transactional && aborted_producers.count(batch.producer_id) > 0) continue;
        for (std::int32_t i = 0; i < batch.record_count(); ++i) {
            const std::int64_t offset = stored.base_offset + i;
            if (offset < position) continue;  // whole batches come back; skip consumed ones
            result.records.push_back(ConsumedRecord{data.partition, offset, batch.records[i]});
        }
    }
    return result;
}

// Once everything fetched was handed out, the position moves past skipped batches too.
void ConsumerClient::settle_positions() {
    if (!buffer_.empty()) return;
    for (const auto& [tp, fetched] : fetch_positions_) {
        auto position = positions_.find(tp);
        if (position != positions_.end() && fetched > position->second) position->second = fetched;
    }
}

void ConsumerClient::handle_offset_commit_response(const OffsetCommitResponse& response) {
    ErrorCode error = ErrorCode::NONE;
    for (const auto& p : response.partitions) {
        if (p.error != ErrorCode::NONE) error = p.error;
    }
    if (error != ErrorCode::NONE && is_retriable(error)) {
        request_failed(RequestKind::offset_commit, error);
        return;
    }
    // ConsumerCoordinator.OffsetCommitResponseHandler: a stale member rejoins.
    if (error == ErrorCode::ILLEGAL_GENERATION || error == ErrorCode::UNKNOWN_MEMBER_ID) {
        if (subscribed() && member_state_ == MemberState::stable) {
            reset_generation(error == ErrorCode::UNKNOWN_MEMBER_ID);
            rejoin_needed_ = true;
        }
    }
    pending_commit_.reset();
    commit_sent_ = false;
    listener_.on_commit_complete(error);
}

void ConsumerClient::schedule_wakeup() {
    const sim::TimeUs now = sim_.now();
    sim::TimeUs deadline = sim::kNever;
    if (retry_after_us_ > now) deadline = retry_after_us_;
    if (subscribed() && generation_id_ >= 0) {
        if (next_heartbeat_us_ > now) deadline = std::min(deadline, next_heartbeat_us_);
        const sim::TimeUs poll_deadline = last_application_poll_us_ + sim::ms(config_.max_poll_interval_ms) + 1;
        if (poll_deadline > now) deadline = std::min(deadline, poll_deadline);
    }
    for (const auto& [key, ch] : network_.channels()) {
        for (const auto& [correlation, pending] : ch.in_flight) {
            if (pending.deadline_us > now && pending.deadline_us < deadline) deadline = pending.deadline_us;
        }
    }
    wakeup_.wake_at(deadline);
}

}  // namespace eosim::kafka
