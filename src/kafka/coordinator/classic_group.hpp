#pragma once
// Kafka's classic consumer group protocol at the group coordinator: the group state machine
// (ClassicGroup, ClassicGroupState) and the JoinGroup / SyncGroup / Heartbeat / LeaveGroup rules
// of GroupMetadataManager (classicGroupJoin, classicGroupSync, classicGroupHeartbeat,
// classicGroupLeave, completeClassicGroupJoin, prepareRebalance, the heartbeat and join timers),
// static membership (KIP-345) and the offset-commit checks (ClassicGroup.validateOffsetCommit,
// KIP-447). Pure logic over a value: the broker owns the network, the parked requests and the
// timers; this class is told the time and reports what it completed.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "kafka/coordinator/coordinator_config.hpp"
#include "kafka/protocol/messages.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

enum class ClassicGroupState { Empty, PreparingRebalance, CompletingRebalance, Stable };
std::string_view group_state_name(ClassicGroupState state);

struct ClassicGroupMember {
    std::string member_id;
    std::string group_instance_id;  // "" = dynamic
    std::int32_t session_timeout_ms = 45000;
    std::int32_t rebalance_timeout_ms = 300000;
    std::string protocol;
    std::vector<std::string> topics;
    std::vector<TopicPartition> assignment;
    // Kafka keeps these in memory only (futures, timers); eosim's snapshot carries them, and a
    // coordinator that loads the group resets them (on_load).
    bool awaiting_join = false;
    bool awaiting_sync = false;
    bool is_new = false;
    sim::TimeUs heartbeat_deadline_us = 0;
};

struct ClassicGroup {
    ClassicGroupState state = ClassicGroupState::Empty;
    ClassicGroupState previous_state = ClassicGroupState::Empty;
    std::int32_t generation_id = 0;
    std::string protocol;
    std::string leader_id;
    std::map<std::string, ClassicGroupMember> members;  // by member id
    std::map<std::string, std::string> static_members;  // group.instance.id -> member id
    std::int64_t next_member = 0;  // member ids are "<instance or client id>-<n>" (Kafka: a UUID)
    // The pending join phase: its expiry, and for the first rebalance of an Empty group
    // (InitialDelayedJoin) how much further it may still be pushed.
    sim::TimeUs join_deadline_us = sim::kNever;
    std::int64_t initial_delay_remaining_ms = 0;
    bool initial_join = false;
    bool new_member_added = false;
};

// Parked requests an operation completed (by member id), and whether the group must be written
// to __consumer_offsets before those answers go out.
struct GroupEffects {
    std::vector<std::pair<std::string, JoinGroupResponse>> joins;
    std::vector<std::pair<std::string, SyncGroupResponse>> syncs;
    bool store = false;
};

struct JoinOutcome {
    std::optional<JoinGroupResponse> response;  // answered at once; else parked as member_id
    std::string member_id;
};

class ClassicGroupCoordinator {
public:
    ClassicGroupCoordinator(ClassicGroup& group, const GroupCoordinatorConfig& config, sim::TimeUs now_us)
        : group_(group), config_(config), now_us_(now_us) {}

    JoinOutcome join(const JoinGroupRequest& request);
    std::optional<SyncGroupResponse> sync(const SyncGroupRequest& request);  // nullopt: parked
    HeartbeatResponse heartbeat(const HeartbeatRequest& request);
    LeaveGroupResponse leave(const LeaveGroupRequest& request);
    // Runs whatever timer is due: members whose session expired, a join phase that is over.
    void expire();
    sim::TimeUs next_deadline() const;
    // A coordinator loaded the group (failover, restart): parked requests died with the old one;
    // a group caught mid-rebalance starts the rebalance again, every session starts afresh.
    void on_load();
    ErrorCode validate_offset_commit(const std::string& member_id, const std::string& group_instance_id,
                                     std::int32_t generation_id, bool transactional) const;

    GroupEffects& effects() { return effects_; }

private:
    ErrorCode validate_member(const std::string& member_id, const std::string& group_instance_id) const;
    JoinOutcome join_new_member(const JoinGroupRequest& request);
    JoinOutcome join_existing_member(const JoinGroupRequest& request);
    JoinOutcome replace_static_member(const JoinGroupRequest& request, const std::string& old_member_id,
                                      const std::string& member_id);
    void update_member(ClassicGroupMember& member, const JoinGroupRequest& request);
    JoinGroupResponse join_response(const std::string& member_id) const;
    void transition(ClassicGroupState state);
    bool can_rebalance() const;
    void prepare_rebalance();
    void maybe_prepare_rebalance_or_complete_join();
    void maybe_complete_join_phase();
    bool all_members_joined() const;
    void complete_join();
    void on_join_deadline();
    void remove_member(const std::string& member_id, ErrorCode reason);
    void remove_and_update(const std::string& member_id);
    void reset_syncs_with_error(ErrorCode error);
    std::string select_protocol() const;
    void reschedule_heartbeat(ClassicGroupMember& member, std::int32_t timeout_ms);
    std::int32_t rebalance_timeout_ms() const;

    ClassicGroup& group_;
    const GroupCoordinatorConfig& config_;
    sim::TimeUs now_us_;
    GroupEffects effects_;
};

}  // namespace eosim::kafka
