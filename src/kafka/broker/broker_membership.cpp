// The classic group protocol at a broker: JoinGroup, SyncGroup, Heartbeat and LeaveGroup for the
// groups this broker coordinates (classic_group.* decides; this file parks requests, answers
// them, runs the coordinator's timers and writes the group when a round needs it). As in
// Kafka, only the outcome of a round (the GroupMetadata record: generation, members,
// assignment) is written to __consumer_offsets, before the SyncGroup answers go out; heartbeats
// and joins change only the coordinator's memory, which here rides along in the next snapshot.
#include "base/assert.hpp"
#include "kafka/broker/broker.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

// One request of the classic group protocol against its group's coordinator; NOT_COORDINATOR
// (the refusal given) when this broker does not coordinate the group.
void Broker::with_classic_group(const sim::Envelope& env, std::int32_t correlation, const std::string& group_id,
                                const MessageBody& refusal,
                                const std::function<void(ClassicGroupCoordinator&)>& handle) {
    GroupStorage* state = memory_.coordinators.group_state(group_id);
    if (state == nullptr) return reply(env.connection, correlation, refusal);
    ClassicGroupCoordinator coordinator(state->classic_groups[group_id], config_.groups, now());
    handle(coordinator);
    finish_group_effects(group_id, std::move(coordinator.effects()));
}

void Broker::handle_join_group(const sim::Envelope& env, std::int32_t correlation, const JoinGroupRequest& request) {
    const JoinGroupResponse refusal{ErrorCode::NOT_COORDINATOR, request.member_id, -1, "", "", {}};
    with_classic_group(env, correlation, request.group_id, refusal, [&](ClassicGroupCoordinator& coordinator) {
        const JoinOutcome outcome = coordinator.join(request);
        if (outcome.response) {
            reply(env.connection, correlation, *outcome.response);
        } else {
            memory_.parked_joins[request.group_id][outcome.member_id] = ParkedGroupRequest{env.connection, correlation};
        }
    });
}

void Broker::handle_sync_group(const sim::Envelope& env, std::int32_t correlation, const SyncGroupRequest& request) {
    const SyncGroupResponse refusal{ErrorCode::NOT_COORDINATOR, {}};
    with_classic_group(env, correlation, request.group_id, refusal, [&](ClassicGroupCoordinator& coordinator) {
        std::optional<SyncGroupResponse> response = coordinator.sync(request);
        if (response) {
            reply(env.connection, correlation, *response);
        } else {
            memory_.parked_syncs[request.group_id][request.member_id] = ParkedGroupRequest{env.connection, correlation};
        }
    });
}

void Broker::handle_heartbeat(const sim::Envelope& env, std::int32_t correlation, const HeartbeatRequest& request) {
    with_classic_group(env, correlation, request.group_id, HeartbeatResponse{ErrorCode::NOT_COORDINATOR},
                       [&](ClassicGroupCoordinator& coordinator) {
                           reply(env.connection, correlation, coordinator.heartbeat(request));
                       });
}

void Broker::handle_leave_group(const sim::Envelope& env, std::int32_t correlation, const LeaveGroupRequest& request) {
    with_classic_group(env, correlation, request.group_id, LeaveGroupResponse{ErrorCode::NOT_COORDINATOR},
                       [&](ClassicGroupCoordinator& coordinator) {
                           reply(env.connection, correlation, coordinator.leave(request));
                       });
}

// Answers the parked requests a round completed; when the round must be stored first, once the
// group's snapshot is replicated (a failed write answers NOT_COORDINATOR or
// COORDINATOR_NOT_AVAILABLE, Kafka's appendGroupMetadataErrorToResponseError).
void Broker::finish_group_effects(const std::string& group_id, GroupEffects effects) {
    schedule_group_timer(group_id);
    if (!effects.store) return deliver_group_effects(group_id, effects, ErrorCode::NONE);
    GroupStorage* state = memory_.coordinators.group_state(group_id);
    EOSIM_ASSERT(state != nullptr);
    if (!replicated()) {
        state->store_classic_group(group_id);
        return deliver_group_effects(group_id, effects, ErrorCode::NONE);
    }
    const TopicPartition tp = layout_->offsets_partition_of_group(group_id);
    if (!replicas().enough_replicas(tp)) return deliver_group_effects(group_id, effects, ErrorCode::COORDINATOR_NOT_AVAILABLE);
    state->store_classic_group(group_id);
    append_group_snapshot(tp);
    replicas().wait_for_replication({{tp, replicas().local_partition(tp).log().log_end_offset()}}, config_.request_timeout_ms,
                         [this, group_id, effects](const std::vector<ProducePartitionStatus>& results) {
                             const ErrorCode error = results.front().result;
                             deliver_group_effects(group_id, effects,
                                                   error == ErrorCode::NONE ? ErrorCode::NONE
                                                   : error == ErrorCode::NOT_LEADER_OR_FOLLOWER ? ErrorCode::NOT_COORDINATOR
                                                                                                : ErrorCode::COORDINATOR_NOT_AVAILABLE);
                         });
}

void Broker::deliver_group_effects(const std::string& group_id, const GroupEffects& effects, ErrorCode store_error) {
    for (auto [member_id, response] : effects.joins) {
        auto& parked = memory_.parked_joins[group_id];
        const auto found = parked.find(member_id);
        if (found == parked.end()) continue;  // its connection closed, or the member retried elsewhere
        if (response.error == ErrorCode::NONE && store_error != ErrorCode::NONE) {
            response = JoinGroupResponse{store_error, member_id, -1, "", "", {}};
        }
        reply(found->second.connection, found->second.correlation, response);
        parked.erase(found);
    }
    for (auto [member_id, response] : effects.syncs) {
        auto& parked = memory_.parked_syncs[group_id];
        const auto found = parked.find(member_id);
        if (found == parked.end()) continue;
        if (response.error == ErrorCode::NONE && store_error != ErrorCode::NONE) response = SyncGroupResponse{store_error, {}};
        reply(found->second.connection, found->second.correlation, response);
        parked.erase(found);
    }
}

// One broker timer per group at its earliest deadline (sessions, the join phase); a timer that
// fires finds what is due itself, so an outdated one does no harm.
void Broker::schedule_group_timer(const std::string& group_id) {
    GroupStorage* state = memory_.coordinators.group_state(group_id);
    if (state == nullptr || state->classic_groups.count(group_id) == 0) return;
    const sim::TimeUs deadline =
        ClassicGroupCoordinator(state->classic_groups.at(group_id), config_.groups, now()).next_deadline();
    if (deadline == sim::kNever) return;
    const auto pending = memory_.group_timer_at.find(group_id);
    if (pending != memory_.group_timer_at.end() && pending->second > now() && pending->second <= deadline) return;
    memory_.group_timer_at[group_id] = deadline;
    const sim::TimeUs delay_us = deadline > now() ? deadline - now() : 0;
    after(delay_us, [this, group_id, deadline] { on_group_timer(group_id, deadline); });
}

void Broker::on_group_timer(const std::string& group_id, sim::TimeUs at_us) {
    const auto pending = memory_.group_timer_at.find(group_id);
    if (pending != memory_.group_timer_at.end() && pending->second == at_us) memory_.group_timer_at.erase(pending);
    GroupStorage* state = memory_.coordinators.group_state(group_id);
    if (state == nullptr || state->classic_groups.count(group_id) == 0) return;
    ClassicGroupCoordinator coordinator(state->classic_groups.at(group_id), config_.groups, now());
    const ClassicGroupState before = state->classic_groups.at(group_id).state;
    coordinator.expire();
    const ClassicGroup& after_expiry = state->classic_groups.at(group_id);
    if (after_expiry.state != before) {
        sim().record_state(id(), sim::StateChange("group.state")
                                     .with("group", group_id)
                                     .with("state", std::string(group_state_name(after_expiry.state)))
                                     .with("generation", after_expiry.generation_id));
    }
    finish_group_effects(group_id, std::move(coordinator.effects()));
}

// A coordinator took over these groups (a load after failover, or a restart). As Kafka replays
// the GroupMetadata records, it gets each group's last stored round; joins, members and rounds
// that were only in the old coordinator's memory are gone (their members get UNKNOWN_MEMBER_ID
// or ILLEGAL_GENERATION and rejoin). Then on_load restarts the sessions.
void Broker::groups_loaded(GroupStorage& state) {
    state.load_stored_classic_groups();
    for (auto& [group_id, group] : state.classic_groups) {
        ClassicGroupCoordinator(group, config_.groups, now()).on_load();
        memory_.group_timer_at.erase(group_id);
        schedule_group_timer(group_id);
    }
}

// Leadership of an offsets partition left: its parked requests get NOT_COORDINATOR (Kafka
// completes them so on unload), and the clients look for the new coordinator.
void Broker::unload_groups(std::int32_t offsets_partition) {
    for (auto* parked_map : {&memory_.parked_joins, &memory_.parked_syncs}) {
        for (auto it = parked_map->begin(); it != parked_map->end();) {
            if (layout_->offsets_partition_of_group(it->first).partition != offsets_partition) {
                ++it;
                continue;
            }
            const bool joins = parked_map == &memory_.parked_joins;
            for (const auto& [member_id, parked] : it->second) {
                reply(parked.connection, parked.correlation,
                      joins ? MessageBody{JoinGroupResponse{ErrorCode::NOT_COORDINATOR, member_id, -1, "", "", {}}}
                            : MessageBody{SyncGroupResponse{ErrorCode::NOT_COORDINATOR, {}}});
            }
            memory_.group_timer_at.erase(it->first);
            it = parked_map->erase(it);
        }
    }
}

}  // namespace eosim::kafka
