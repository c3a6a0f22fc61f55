#include "kafka/coordinator/classic_group.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::kafka {

std::string_view group_state_name(ClassicGroupState state) {
    switch (state) {
        case ClassicGroupState::Empty: return "Empty";
        case ClassicGroupState::PreparingRebalance: return "PreparingRebalance";
        case ClassicGroupState::CompletingRebalance: return "CompletingRebalance";
        case ClassicGroupState::Stable: return "Stable";
    }
    return "?";
}

void ClassicGroupCoordinator::transition(ClassicGroupState state) {
    group_.previous_state = group_.state;
    group_.state = state;
}

// ClassicGroupState.PREPARING_REBALANCE's valid previous states.
bool ClassicGroupCoordinator::can_rebalance() const { return group_.state != ClassicGroupState::PreparingRebalance; }

// ClassicGroup.validateMember: a known instance id must map to this member id.
ErrorCode ClassicGroupCoordinator::validate_member(const std::string& member_id,
                                                   const std::string& group_instance_id) const {
    if (!group_instance_id.empty()) {
        const auto found = group_.static_members.find(group_instance_id);
        if (found == group_.static_members.end()) return ErrorCode::UNKNOWN_MEMBER_ID;
        if (found->second != member_id) return ErrorCode::FENCED_INSTANCE_ID;
    }
    return group_.members.count(member_id) > 0 ? ErrorCode::NONE : ErrorCode::UNKNOWN_MEMBER_ID;
}

// ClassicGroup.validateOffsetCommit (OffsetCommit and, KIP-447, TxnOffsetCommit).
ErrorCode ClassicGroupCoordinator::validate_offset_commit(const std::string& member_id,
                                                          const std::string& group_instance_id,
                                                          std::int32_t generation_id, bool transactional) const {
    const bool empty = group_.state == ClassicGroupState::Empty;
    if (generation_id < 0 && empty) return ErrorCode::NONE;  // a simple (assign-mode) consumer
    if (generation_id >= 0 || !member_id.empty() || !group_instance_id.empty()) {
        const ErrorCode error = validate_member(member_id, group_instance_id);
        if (error != ErrorCode::NONE) return error;
        if (generation_id != group_.generation_id) return ErrorCode::ILLEGAL_GENERATION;
    } else if (!transactional && !empty) {
        return ErrorCode::UNKNOWN_MEMBER_ID;
    }
    if (!transactional && group_.state == ClassicGroupState::CompletingRebalance) {
        return ErrorCode::REBALANCE_IN_PROGRESS;
    }
    return ErrorCode::NONE;
}

std::string ClassicGroupCoordinator::select_protocol() const {
    // Each eosim member supports one assignor; a join with another one is refused while the
    // group has members, so they all agree (ClassicGroup.selectProtocol's vote is unanimous).
    EOSIM_ASSERT(!group_.members.empty());
    return group_.members.begin()->second.protocol;
}

std::int32_t ClassicGroupCoordinator::rebalance_timeout_ms() const {
    std::int32_t timeout = 0;
    for (const auto& [id, member] : group_.members) timeout = std::max(timeout, member.rebalance_timeout_ms);
    return timeout;
}

void ClassicGroupCoordinator::reschedule_heartbeat(ClassicGroupMember& member, std::int32_t timeout_ms) {
    member.heartbeat_deadline_us = now_us_ + sim::ms(timeout_ms);
}

JoinGroupResponse ClassicGroupCoordinator::join_response(const std::string& member_id) const {
    JoinGroupResponse response{ErrorCode::NONE, member_id, group_.generation_id, group_.protocol, group_.leader_id, {}};
    if (member_id == group_.leader_id) {
        for (const auto& [id, member] : group_.members) {
            response.members.push_back(JoinGroupMember{id, member.group_instance_id, member.topics});
        }
    }
    return response;
}

// GroupMetadataManager.classicGroupJoin: a session timeout outside the broker's bounds is refused
// before anything else; then a new member (no member id) or a known one.
JoinOutcome ClassicGroupCoordinator::join(const JoinGroupRequest& request) {
    if (request.session_timeout_ms < config_.min_session_timeout_ms ||
        request.session_timeout_ms > config_.max_session_timeout_ms) {
        return {JoinGroupResponse{ErrorCode::INVALID_SESSION_TIMEOUT, request.member_id, -1, "", "", {}}, ""};
    }
    bool supported = !request.protocol.empty();
    if (group_.state != ClassicGroupState::Empty) {
        for (const auto& [id, member] : group_.members) supported = supported && member.protocol == request.protocol;
    }
    if (!supported) return {JoinGroupResponse{ErrorCode::INCONSISTENT_GROUP_PROTOCOL, request.member_id, -1, "", "", {}}, ""};
    return request.member_id.empty() ? join_new_member(request) : join_existing_member(request);
}

void ClassicGroupCoordinator::update_member(ClassicGroupMember& member, const JoinGroupRequest& request) {
    member.protocol = request.protocol;
    member.topics = request.topics;
    member.session_timeout_ms = request.session_timeout_ms;
    member.rebalance_timeout_ms = request.rebalance_timeout_ms;
    member.awaiting_join = true;
}

// classicGroupJoinNewDynamicMember / classicGroupJoinNewStaticMember and
// addMemberThenRebalanceOrCompleteJoin. Simplification: no MEMBER_ID_REQUIRED round (KIP-394).
JoinOutcome ClassicGroupCoordinator::join_new_member(const JoinGroupRequest& request) {
    const std::string& prefix = request.group_instance_id.empty() ? request.client_id : request.group_instance_id;
    const std::string member_id = prefix + "-" + std::to_string(group_.next_member++);
    if (!request.group_instance_id.empty()) {
        const auto existing = group_.static_members.find(request.group_instance_id);
        if (existing != group_.static_members.end()) {
            const std::string old_member_id = existing->second;
            return replace_static_member(request, old_member_id, member_id);
        }
    }
    ClassicGroupMember member;
    member.member_id = member_id;
    member.group_instance_id = request.group_instance_id;
    member.is_new = true;
    update_member(member, request);
    if (group_.state == ClassicGroupState::PreparingRebalance && group_.previous_state == ClassicGroupState::Empty) {
        group_.new_member_added = true;  // the initial rebalance may be delayed further
    }
    if (group_.leader_id.empty()) group_.leader_id = member_id;
    if (!member.group_instance_id.empty()) group_.static_members[member.group_instance_id] = member_id;
    // A new member cannot heartbeat yet: its join times out instead (classicGroupNewMemberJoinTimeoutMs).
    reschedule_heartbeat(member, config_.new_member_join_timeout_ms);
    group_.members.emplace(member_id, std::move(member));
    maybe_prepare_rebalance_or_complete_join();
    return {std::nullopt, member_id};
}

// updateStaticMemberThenRebalanceOrCompleteJoin (KIP-345): the new member id takes the old
// one's place and assignment; the old member's parked requests get FENCED_INSTANCE_ID. In a
// Stable group nothing changes for the others: no rebalance.
JoinOutcome ClassicGroupCoordinator::replace_static_member(const JoinGroupRequest& request,
                                                           const std::string& old_member_id,
                                                           const std::string& member_id) {
    auto node = group_.members.extract(old_member_id);
    EOSIM_ASSERT(!node.empty());
    ClassicGroupMember member = std::move(node.mapped());
    if (member.awaiting_join) {
        effects_.joins.push_back({old_member_id, JoinGroupResponse{ErrorCode::FENCED_INSTANCE_ID, old_member_id, -1, "", "", {}}});
    }
    if (member.awaiting_sync) effects_.syncs.push_back({old_member_id, SyncGroupResponse{ErrorCode::FENCED_INSTANCE_ID, {}}});
    member.member_id = member_id;
    member.awaiting_join = false;
    member.awaiting_sync = false;
    if (group_.leader_id == old_member_id) group_.leader_id = member_id;
    group_.static_members[request.group_instance_id] = member_id;
    reschedule_heartbeat(member, member.session_timeout_ms);
    update_member(member, request);
    ClassicGroupMember& placed = group_.members.emplace(member_id, std::move(member)).first->second;
    if (group_.state == ClassicGroupState::Stable) {
        if (select_protocol() == group_.protocol) {
            placed.awaiting_join = false;
            JoinGroupResponse response = join_response(member_id);
            response.members.clear();  // the leader keeps the current assignment (skipAssignment)
            effects_.joins.push_back({member_id, response});
            effects_.store = true;  // the new member id is persisted before the answer
            return {std::nullopt, member_id};
        }
        maybe_prepare_rebalance_or_complete_join();
    } else if (group_.state == ClassicGroupState::CompletingRebalance) {
        // The leader may have assigned to the old member id: rebalance again.
        prepare_rebalance();
    } else {
        EOSIM_ASSERT(group_.state == ClassicGroupState::PreparingRebalance);
        maybe_complete_join_phase();
    }
    return {std::nullopt, member_id};
}

// classicGroupJoinExistingMember.
JoinOutcome ClassicGroupCoordinator::join_existing_member(const JoinGroupRequest& request) {
    const ErrorCode error = validate_member(request.member_id, request.group_instance_id);
    if (error != ErrorCode::NONE) return {JoinGroupResponse{error, request.member_id, -1, "", "", {}}, ""};
    ClassicGroupMember& member = group_.members.at(request.member_id);
    const bool same_metadata = member.protocol == request.protocol && member.topics == request.topics;
    switch (group_.state) {
        case ClassicGroupState::PreparingRebalance:
            update_member(member, request);
            maybe_prepare_rebalance_or_complete_join();
            return {std::nullopt, request.member_id};
        case ClassicGroupState::CompletingRebalance:
            // A retry of a join whose answer was lost: the current generation again.
            if (same_metadata) return {join_response(request.member_id), ""};
            break;
        case ClassicGroupState::Stable:
            // A follower without changes just gets the current generation; the leader's join
            // forces a rebalance (it may have seen a metadata change).
            if (same_metadata && request.member_id != group_.leader_id) {
                JoinGroupResponse response = join_response(request.member_id);
                response.members.clear();
                return {response, ""};
            }
            break;
        case ClassicGroupState::Empty:
            return {JoinGroupResponse{ErrorCode::UNKNOWN_MEMBER_ID, request.member_id, -1, "", "", {}}, ""};
    }
    update_member(member, request);
    maybe_prepare_rebalance_or_complete_join();
    return {std::nullopt, request.member_id};
}

// prepareRebalance: parked syncs of a CompletingRebalance group get REBALANCE_IN_PROGRESS; the
// join phase lasts up to the rebalance timeout, or for a new group the initial delay
// (InitialDelayedJoin, group.initial.rebalance.delay.ms).
void ClassicGroupCoordinator::prepare_rebalance() {
    if (group_.state == ClassicGroupState::CompletingRebalance) reset_syncs_with_error(ErrorCode::REBALANCE_IN_PROGRESS);
    const bool initial = group_.state == ClassicGroupState::Empty;
    group_.initial_join = initial;
    group_.new_member_added = false;
    if (initial) {
        group_.join_deadline_us = now_us_ + sim::ms(config_.initial_rebalance_delay_ms);
        group_.initial_delay_remaining_ms =
            std::max<std::int64_t>(rebalance_timeout_ms() - config_.initial_rebalance_delay_ms, 0);
    } else {
        group_.join_deadline_us = now_us_ + sim::ms(rebalance_timeout_ms());
    }
    transition(ClassicGroupState::PreparingRebalance);
    if (!initial) maybe_complete_join_phase();  // maybeCompleteJoinElseSchedule
}

void ClassicGroupCoordinator::maybe_prepare_rebalance_or_complete_join() {
    if (can_rebalance()) {
        prepare_rebalance();
    } else {
        maybe_complete_join_phase();
    }
}

bool ClassicGroupCoordinator::all_members_joined() const {
    for (const auto& [id, member] : group_.members) {
        if (!member.awaiting_join) return false;
    }
    return true;
}

// maybeCompleteJoinPhase: everyone is in, and this is not the (delayed) first rebalance.
void ClassicGroupCoordinator::maybe_complete_join_phase() {
    if (group_.state == ClassicGroupState::PreparingRebalance && all_members_joined() &&
        group_.previous_state != ClassicGroupState::Empty) {
        complete_join();
    }
}

// completeClassicGroupJoin: dynamic members that did not rejoin are dropped (static ones stay
// until their session expires), the leader must be among those that joined, then the next
// generation starts and every parked join is answered (the leader gets the member list).
void ClassicGroupCoordinator::complete_join() {
    EOSIM_ASSERT(group_.state == ClassicGroupState::PreparingRebalance);
    std::vector<std::string> dropped;
    for (const auto& [id, member] : group_.members) {
        if (!member.awaiting_join && member.group_instance_id.empty()) dropped.push_back(id);
    }
    for (const std::string& id : dropped) remove_member(id, ErrorCode::UNKNOWN_MEMBER_ID);
    if (!group_.leader_id.empty() && !group_.members.at(group_.leader_id).awaiting_join) {
        // maybeElectNewJoinedLeader
        std::string joined;
        for (const auto& [id, member] : group_.members) {
            if (member.awaiting_join && joined.empty()) joined = id;
        }
        if (joined.empty()) {  // nobody rejoined: wait another rebalance timeout
            group_.join_deadline_us = now_us_ + sim::ms(rebalance_timeout_ms());
            return;
        }
        group_.leader_id = joined;
    }
    group_.join_deadline_us = sim::kNever;
    group_.initial_join = false;
    ++group_.generation_id;  // initNextGeneration
    if (group_.members.empty()) {
        group_.protocol.clear();
        transition(ClassicGroupState::Empty);
        effects_.store = true;
        return;
    }
    group_.protocol = select_protocol();
    transition(ClassicGroupState::CompletingRebalance);
    for (auto& [id, member] : group_.members) {
        if (member.awaiting_join) effects_.joins.push_back({id, join_response(id)});
        member.awaiting_join = false;
        member.is_new = false;
        reschedule_heartbeat(member, member.session_timeout_ms);
    }
}

void ClassicGroupCoordinator::on_join_deadline() {
    if (group_.initial_join && group_.new_member_added && group_.initial_delay_remaining_ms > 0) {
        group_.new_member_added = false;
        const std::int64_t delay_ms = std::min<std::int64_t>(config_.initial_rebalance_delay_ms,
                                                             group_.initial_delay_remaining_ms);
        group_.initial_delay_remaining_ms -= delay_ms;
        group_.join_deadline_us = now_us_ + sim::ms(delay_ms);
        return;
    }
    complete_join();
}

void ClassicGroupCoordinator::remove_member(const std::string& member_id, ErrorCode reason) {
    const auto found = group_.members.find(member_id);
    if (found == group_.members.end()) return;
    if (found->second.awaiting_join) effects_.joins.push_back({member_id, JoinGroupResponse{reason, member_id, -1, "", "", {}}});
    if (found->second.awaiting_sync) effects_.syncs.push_back({member_id, SyncGroupResponse{reason, {}}});
    if (!found->second.group_instance_id.empty()) group_.static_members.erase(found->second.group_instance_id);
    group_.members.erase(found);
    if (group_.leader_id == member_id) {
        group_.leader_id = group_.members.empty() ? "" : group_.members.begin()->first;
    }
}

// removeMemberAndUpdateClassicGroup (session expiry, LeaveGroup).
void ClassicGroupCoordinator::remove_and_update(const std::string& member_id) {
    remove_member(member_id, ErrorCode::UNKNOWN_MEMBER_ID);
    switch (group_.state) {
        case ClassicGroupState::Stable:
        case ClassicGroupState::CompletingRebalance: maybe_prepare_rebalance_or_complete_join(); break;
        case ClassicGroupState::PreparingRebalance: maybe_complete_join_phase(); break;
        case ClassicGroupState::Empty: break;
    }
}

// resetAndPropagateAssignmentWithError.
void ClassicGroupCoordinator::reset_syncs_with_error(ErrorCode error) {
    for (auto& [id, member] : group_.members) {
        member.assignment.clear();
        if (member.awaiting_sync) effects_.syncs.push_back({id, SyncGroupResponse{error, {}}});
        member.awaiting_sync = false;
    }
}

// GroupMetadataManager.classicGroupSync.
std::optional<SyncGroupResponse> ClassicGroupCoordinator::sync(const SyncGroupRequest& request) {
    const ErrorCode error = validate_member(request.member_id, request.group_instance_id);
    if (error != ErrorCode::NONE) return SyncGroupResponse{error, {}};
    if (request.generation_id != group_.generation_id) return SyncGroupResponse{ErrorCode::ILLEGAL_GENERATION, {}};
    ClassicGroupMember& member = group_.members.at(request.member_id);
    switch (group_.state) {
        case ClassicGroupState::Empty: return SyncGroupResponse{ErrorCode::UNKNOWN_MEMBER_ID, {}};
        case ClassicGroupState::PreparingRebalance: return SyncGroupResponse{ErrorCode::REBALANCE_IN_PROGRESS, {}};
        case ClassicGroupState::Stable: return SyncGroupResponse{ErrorCode::NONE, member.assignment};
        case ClassicGroupState::CompletingRebalance: break;
    }
    member.awaiting_sync = true;
    if (request.member_id != group_.leader_id) return std::nullopt;
    // The leader's assignment: stored, then propagated to every parked sync; the group is Stable.
    for (auto& [id, m] : group_.members) {
        m.assignment.clear();
        for (const MemberAssignment& a : request.assignments) {
            if (a.member_id == id) m.assignment = a.partitions;
        }
    }
    transition(ClassicGroupState::Stable);
    effects_.store = true;
    for (auto& [id, m] : group_.members) {
        if (m.awaiting_sync) effects_.syncs.push_back({id, SyncGroupResponse{ErrorCode::NONE, m.assignment}});
        m.awaiting_sync = false;
    }
    return std::nullopt;
}

// GroupMetadataManager.classicGroupHeartbeat (validateClassicGroupHeartbeat).
HeartbeatResponse ClassicGroupCoordinator::heartbeat(const HeartbeatRequest& request) {
    const ErrorCode error = validate_member(request.member_id, request.group_instance_id);
    if (error != ErrorCode::NONE) return {error};
    if (request.generation_id != group_.generation_id) return {ErrorCode::ILLEGAL_GENERATION};
    ClassicGroupMember& member = group_.members.at(request.member_id);
    switch (group_.state) {
        case ClassicGroupState::Empty: return {ErrorCode::UNKNOWN_MEMBER_ID};
        case ClassicGroupState::PreparingRebalance:
            reschedule_heartbeat(member, member.session_timeout_ms);
            return {ErrorCode::REBALANCE_IN_PROGRESS};
        case ClassicGroupState::CompletingRebalance:
        case ClassicGroupState::Stable:
            reschedule_heartbeat(member, member.session_timeout_ms);
            return {ErrorCode::NONE};
    }
    return {ErrorCode::NONE};
}

// GroupMetadataManager.classicGroupLeave for one member identity.
LeaveGroupResponse ClassicGroupCoordinator::leave(const LeaveGroupRequest& request) {
    std::string member_id = request.member_id;
    if (!request.group_instance_id.empty()) {
        const auto found = group_.static_members.find(request.group_instance_id);
        if (found == group_.static_members.end()) return {ErrorCode::UNKNOWN_MEMBER_ID};
        if (!member_id.empty() && found->second != member_id) return {ErrorCode::FENCED_INSTANCE_ID};
        member_id = found->second;
    } else if (group_.members.count(member_id) == 0) {
        return {ErrorCode::UNKNOWN_MEMBER_ID};
    }
    remove_and_update(member_id);
    return {ErrorCode::NONE};
}

// The heartbeat timers (expireClassicGroupMemberHeartbeat, ClassicGroupMember.hasSatisfiedHeartbeat)
// and the join timer.
void ClassicGroupCoordinator::expire() {
    std::vector<std::string> expired;
    for (auto& [id, member] : group_.members) {
        if (member.heartbeat_deadline_us > now_us_) continue;
        if (!member.is_new && (member.awaiting_join || member.awaiting_sync)) {
            reschedule_heartbeat(member, member.session_timeout_ms);  // a parked member is alive
            continue;
        }
        expired.push_back(id);
    }
    for (const std::string& id : expired) remove_and_update(id);
    if (group_.state == ClassicGroupState::PreparingRebalance && group_.join_deadline_us <= now_us_) on_join_deadline();
}

sim::TimeUs ClassicGroupCoordinator::next_deadline() const {
    sim::TimeUs next = group_.state == ClassicGroupState::PreparingRebalance ? group_.join_deadline_us : sim::kNever;
    for (const auto& [id, member] : group_.members) next = std::min(next, member.heartbeat_deadline_us);
    return next;
}

void ClassicGroupCoordinator::on_load() {
    for (auto& [id, member] : group_.members) {
        member.awaiting_join = false;
        member.awaiting_sync = false;
        member.is_new = false;
        reschedule_heartbeat(member, member.session_timeout_ms);
    }
    group_.initial_join = false;
    group_.join_deadline_us = sim::kNever;
    if (group_.state == ClassicGroupState::Stable || group_.state == ClassicGroupState::Empty) return;
    if (group_.members.empty()) {
        group_.state = ClassicGroupState::Empty;
        return;
    }
    // Caught mid-rebalance: everyone rejoins (heartbeats and syncs get REBALANCE_IN_PROGRESS).
    group_.previous_state = ClassicGroupState::Stable;
    group_.state = ClassicGroupState::PreparingRebalance;
    group_.join_deadline_us = now_us_ + sim::ms(rebalance_timeout_ms());
}

}  // namespace eosim::kafka
