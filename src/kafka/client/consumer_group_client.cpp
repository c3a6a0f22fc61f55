// ConsumerClient in subscribe mode: the client side of Kafka's classic group protocol
// (AbstractCoordinator: joinGroupIfNeeded, JoinGroupResponseHandler, SyncGroupResponseHandler,
// HeartbeatResponseHandler, the heartbeat thread's poll-timeout check, maybeLeaveGroup;
// ConsumerCoordinator: onJoinPrepare revokes, onJoinComplete assigns). Rebalances run only while
// the application is in poll(), as in Kafka, so a batch in progress finishes first.
#include "kafka/client/consumer_client.hpp"
#include "kafka/client/partition_assignor.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

bool ConsumerClient::settled() const {
    return !subscribed() || fatal_ || (member_state_ == MemberState::stable && !rejoin_needed_);
}

void ConsumerClient::on_application_poll() {
    last_application_poll_us_ = sim_.now();
    poll();
}

void ConsumerClient::group_poll(sim::TimeUs now) {
    if (listener_.polling()) last_application_poll_us_ = now;
    check_poll_timeout(now);
    // onJoinPrepare: an eager assignor revokes everything before the member rejoins.
    if (member_state_ == MemberState::stable && rejoin_needed_ && listener_.polling()) {
        revoke_assignment();
        member_state_ = MemberState::unjoined;
        rejoin_needed_ = false;
    }
    send_heartbeat(now);
}

void ConsumerClient::revoke_assignment() {
    const std::vector<TopicPartition> revoked = assignment_;
    assignment_.clear();
    clear_positions();
    sim_.record_state(host_, sim::StateChange("consumer.revoke").with("group", group_id_).with("generation", generation_id_));
    listener_.on_partitions_revoked(revoked);
}

void ConsumerClient::reset_generation(bool reset_member_id) {
    generation_id_ = -1;
    if (reset_member_id) member_id_.clear();
    ++member_epoch_;
}

void ConsumerClient::become_fatal(ErrorCode error) {
    if (fatal_) return;
    fatal_ = true;
    sim_.record_state(host_, sim::StateChange("consumer.fatal").with("error", std::string(error_name(error))));
    listener_.on_consumer_fatal(error);
}

// The heartbeat thread's check (AbstractCoordinator.HeartbeatThread): the application has not
// called poll() for max.poll.interval.ms, so the member leaves; a dynamic one sends LeaveGroup, a
// static one only forgets its generation (KIP-345) and rejoins at the next poll.
void ConsumerClient::check_poll_timeout(sim::TimeUs now) {
    if (generation_id_ < 0 || listener_.polling()) return;
    if (now - last_application_poll_us_ <= sim::ms(config_.max_poll_interval_ms)) return;
    sim_.record_state(host_, sim::StateChange("consumer.poll_timeout").with("group", group_id_).with("member", member_id_));
    if (config_.group_instance_id.empty() && !member_id_.empty()) {
        send(coordinator(), RequestKind::leave_group, LeaveGroupRequest{group_id_, member_id_, ""});
    }
    reset_generation(config_.group_instance_id.empty());
    rejoin_needed_ = true;
    if (member_state_ != MemberState::stable) member_state_ = MemberState::unjoined;
}

void ConsumerClient::close() {
    if (closed_) return;
    if (subscribed() && config_.group_instance_id.empty() && !member_id_.empty() && !fatal_) {
        send(coordinator(), RequestKind::leave_group, LeaveGroupRequest{group_id_, member_id_, ""});
        reset_generation(true);
    }
    closed_ = true;
}

void ConsumerClient::send_join() {
    if (member_state_ != MemberState::unjoined || !listener_.polling()) return;
    member_state_ = MemberState::joining;
    ++member_epoch_;
    JoinGroupRequest request;
    request.group_id = group_id_;
    request.member_id = member_id_;
    request.group_instance_id = config_.group_instance_id;
    request.client_id = sim_.node_name(host_);
    request.session_timeout_ms = config_.session_timeout_ms;
    request.rebalance_timeout_ms = config_.max_poll_interval_ms;
    request.protocol = config_.assignment_strategy;
    request.topics = {subscription_};
    send(coordinator(), RequestKind::join_group, std::move(request));
}

void ConsumerClient::send_heartbeat(sim::TimeUs now) {
    if (generation_id_ < 0 || member_state_ == MemberState::joining || member_state_ == MemberState::unjoined) return;
    if (now < next_heartbeat_us_ || in_flight(RequestKind::heartbeat)) return;
    next_heartbeat_us_ = now + sim::ms(config_.heartbeat_interval_ms);
    send(coordinator(), RequestKind::heartbeat,
         HeartbeatRequest{group_id_, member_id_, generation_id_, config_.group_instance_id});
}

// A group request failed or was refused. Kafka's handlers: the coordinator moved → find it
// again and retry; the member is stale → reset and rejoin; fenced → fatal.
void ConsumerClient::group_error(RequestKind kind, ErrorCode error) {
    if (error == ErrorCode::FENCED_INSTANCE_ID || error == ErrorCode::INCONSISTENT_GROUP_PROTOCOL ||
        error == ErrorCode::INVALID_SESSION_TIMEOUT) {
        return become_fatal(error);
    }
    if (error == ErrorCode::UNKNOWN_MEMBER_ID || error == ErrorCode::ILLEGAL_GENERATION) {
        reset_generation(error == ErrorCode::UNKNOWN_MEMBER_ID);
    }
    if (error == ErrorCode::NOT_COORDINATOR || error == ErrorCode::COORDINATOR_NOT_AVAILABLE) leaders_.mark_stale();
    if (kind == RequestKind::heartbeat) {
        // REBALANCE_IN_PROGRESS or a stale member: rejoin at the next poll; else just retry.
        if (error == ErrorCode::REBALANCE_IN_PROGRESS || generation_id_ < 0) rejoin_needed_ = true;
        if (generation_id_ < 0 && member_state_ != MemberState::stable) member_state_ = MemberState::unjoined;
        return;
    }
    // A failed JoinGroup or SyncGroup: join again (with the member id, if still valid).
    member_state_ = MemberState::unjoined;
    if (error != ErrorCode::REBALANCE_IN_PROGRESS && error != ErrorCode::UNKNOWN_MEMBER_ID &&
        error != ErrorCode::ILLEGAL_GENERATION) {
        retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
    }
}

void ConsumerClient::handle_join_group_response(const JoinGroupResponse& response) {
    if (answer_member_epoch_ != member_epoch_ || member_state_ != MemberState::joining) return;
    if (response.error != ErrorCode::NONE) return group_error(RequestKind::join_group, response.error);
    member_id_ = response.member_id;
    generation_id_ = response.generation_id;
    ++member_epoch_;
    SyncGroupRequest sync{group_id_, member_id_, generation_id_, config_.group_instance_id, {}};
    if (response.leader == member_id_ && !response.members.empty()) {
        // The leader assigns (ConsumerCoordinator.onLeaderElected) with the partition counts it
        // knows from metadata.
        std::map<std::string, std::int32_t> partitions;
        for (const JoinGroupMember& m : response.members) {
            for (const std::string& topic : m.topics) {
                if (const TopicSpec* spec = layout_->find_topic(topic)) partitions[topic] = spec->partitions;
            }
        }
        sync.assignments = assign_partitions(response.protocol, response.members, partitions);
    }
    sim_.record_state(host_, sim::StateChange("consumer.joined")
                                 .with("member", member_id_)
                                 .with("generation", generation_id_)
                                 .with("leader", response.leader == member_id_ ? 1 : 0));
    member_state_ = MemberState::syncing;
    next_heartbeat_us_ = sim_.now() + sim::ms(config_.heartbeat_interval_ms);
    send(coordinator(), RequestKind::sync_group, std::move(sync));
}

void ConsumerClient::handle_sync_group_response(const SyncGroupResponse& response) {
    if (answer_member_epoch_ != member_epoch_ || member_state_ != MemberState::syncing) return;
    if (response.error != ErrorCode::NONE) return group_error(RequestKind::sync_group, response.error);
    member_state_ = MemberState::stable;
    rejoin_needed_ = false;
    assignment_.clear();
    for (const TopicPartition& tp : response.assignment) {
        if (tp.topic == subscription_) assignment_.push_back(tp);
    }
    clear_positions();  // onJoinComplete: positions come from the committed offsets
    last_application_poll_us_ = sim_.now();
    listener_.on_partitions_assigned(assignment_);
}

void ConsumerClient::handle_heartbeat_response(const HeartbeatResponse& response) {
    if (answer_member_epoch_ != member_epoch_) return;  // sent in an older membership
    if (response.error != ErrorCode::NONE) group_error(RequestKind::heartbeat, response.error);
}

}  // namespace eosim::kafka
