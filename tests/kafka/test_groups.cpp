// The classic consumer group protocol at the coordinator (classic_group.*), the commit checks of
// KIP-447, and the leader's assignors. Each case names the Kafka code it follows
// (group-coordinator: ClassicGroup, GroupMetadataManager; clients: RangeAssignor,
// RoundRobinAssignor).
#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kafka/coordinator/classic_group.hpp"
#include "kafka/coordinator/group_coordinator.hpp"
#include "kafka/log/partition_log.hpp"
#include "kafka/client/partition_assignor.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

#include "group_requests.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

constexpr sim::TimeUs kSecond = 1'000'000;

JoinGroupRequest join_request(const std::string& client, const std::string& member = "", const std::string& instance = "") {
    return test::join_group_request({"in", 30000}, client, member, instance);
}

// A group and a clock, with the answers its parked requests got.
struct Harness {
    ClassicGroup group;
    GroupCoordinatorConfig config;
    sim::TimeUs now = 0;
    std::map<std::string, JoinGroupResponse> joins;
    std::map<std::string, SyncGroupResponse> syncs;
    bool stored = false;

    ClassicGroupCoordinator at(sim::TimeUs t) {
        now = t;
        return ClassicGroupCoordinator(group, config, now);
    }
    void collect(ClassicGroupCoordinator& c) {
        for (const auto& [m, r] : c.effects().joins) joins[m] = r;
        for (const auto& [m, r] : c.effects().syncs) syncs[m] = r;
        stored = stored || c.effects().store;
    }
    std::string join(const JoinGroupRequest& r, sim::TimeUs t) {
        auto c = at(t);
        const JoinOutcome out = c.join(r);
        collect(c);
        if (out.response) joins[out.response->member_id] = *out.response;
        return out.response ? out.response->member_id : out.member_id;
    }
    void expire(sim::TimeUs t) {
        auto c = at(t);
        c.expire();
        collect(c);
    }
    std::optional<SyncGroupResponse> sync(const std::string& member, std::vector<MemberAssignment> assignments, sim::TimeUs t,
                                          const std::string& instance = "") {
        auto c = at(t);
        auto r = c.sync(SyncGroupRequest{"g", member, group.generation_id, instance, std::move(assignments)});
        collect(c);
        if (r) syncs[member] = *r;
        return r;
    }
    ErrorCode heartbeat(const std::string& member, std::int32_t generation, sim::TimeUs t, const std::string& instance = "") {
        auto c = at(t);
        return c.heartbeat(HeartbeatRequest{"g", member, generation, instance}).error;
    }
    // Three dynamic members through a first rebalance to Stable; returns their member ids.
    std::vector<std::string> stable_group_of_three(const std::string& instance_prefix = "") {
        std::vector<std::string> ids;
        for (int i = 0; i < 3; ++i) {
            const std::string instance = instance_prefix.empty() ? "" : instance_prefix + std::to_string(i);
            ids.push_back(join(join_request("c" + std::to_string(i), "", instance), 0));
        }
        expire(3 * kSecond);  // InitialDelayedJoin: members were added, so wait once more
        expire(6 * kSecond);
        REQUIRE(group.state == ClassicGroupState::CompletingRebalance);
        std::vector<MemberAssignment> assignment;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            assignment.push_back({ids[i], {TopicPartition{"in", static_cast<std::int32_t>(i)}}});
        }
        for (std::size_t i = 0; i < ids.size(); ++i) {
            sync(ids[i], ids[i] == group.leader_id ? assignment : std::vector<MemberAssignment>{}, 6 * kSecond + 1000,
                 instance_prefix.empty() ? "" : instance_prefix + std::to_string(i));
        }
        REQUIRE(group.state == ClassicGroupState::Stable);
        return ids;
    }
};

}  // namespace

TEST_CASE("GroupMetadataManager.classicGroupJoin and completeClassicGroupJoin: members that join together share one generation") {
    Harness h;
    const std::string a = h.join(join_request("a"), 0);
    const std::string b = h.join(join_request("b"), 1000);
    const std::string c = h.join(join_request("c"), 2000);
    CHECK(h.group.state == ClassicGroupState::PreparingRebalance);
    CHECK(h.joins.empty());  // parked until the join phase completes
    // prepareRebalance of an Empty group: InitialDelayedJoin waits group.initial.rebalance.delay.ms,
    // and again while new members keep arriving.
    h.expire(3 * kSecond);
    CHECK(h.group.state == ClassicGroupState::PreparingRebalance);
    h.expire(6 * kSecond);
    CHECK(h.group.state == ClassicGroupState::CompletingRebalance);
    REQUIRE(h.joins.size() == 3);
    for (const std::string& m : {a, b, c}) {
        CHECK(h.joins.at(m).error == ErrorCode::NONE);
        CHECK(h.joins.at(m).generation_id == 1);
        CHECK(h.joins.at(m).leader == a);  // the first member added leads
    }
    CHECK(h.joins.at(a).members.size() == 3);  // only the leader gets the member list
    CHECK(h.joins.at(b).members.empty());
}

TEST_CASE("GroupMetadataManager.classicGroupJoin: a session.timeout.ms outside group.min/max.session.timeout.ms gets INVALID_SESSION_TIMEOUT") {
    Harness h;
    JoinGroupRequest too_short = join_request("a");
    too_short.session_timeout_ms = h.config.min_session_timeout_ms - 1;
    JoinGroupRequest too_long = join_request("b");
    too_long.session_timeout_ms = h.config.max_session_timeout_ms + 1;
    for (const JoinGroupRequest& r : {too_short, too_long}) {
        auto c = h.at(0);
        const JoinOutcome out = c.join(r);
        REQUIRE(out.response);
        CHECK(out.response->error == ErrorCode::INVALID_SESSION_TIMEOUT);
    }
    CHECK(h.group.members.empty());  // refused before the group is touched
    CHECK(h.group.state == ClassicGroupState::Empty);
    JoinGroupRequest at_min = join_request("c");
    at_min.session_timeout_ms = h.config.min_session_timeout_ms;
    h.join(at_min, 0);
    CHECK(h.group.members.size() == 1);  // the bounds are inclusive
}

TEST_CASE("GroupMetadataManager.classicGroupSync: the leader's assignment reaches every member and the group is Stable") {
    Harness h;
    const auto ids = h.stable_group_of_three();
    CHECK(h.stored);  // the GroupMetadata record is written before the answers
    for (std::size_t i = 0; i < ids.size(); ++i) {
        REQUIRE(h.syncs.count(ids[i]) > 0);
        CHECK(h.syncs.at(ids[i]).error == ErrorCode::NONE);
        CHECK(h.syncs.at(ids[i]).assignment == std::vector<TopicPartition>{{"in", static_cast<std::int32_t>(i)}});
    }
    // A SyncGroup in Stable returns the stored assignment; with an old generation ILLEGAL_GENERATION.
    auto c = h.at(7 * kSecond);
    CHECK(c.sync(SyncGroupRequest{"g", ids[1], 1, "", {}})->assignment == std::vector<TopicPartition>{{"in", 1}});
    CHECK(c.sync(SyncGroupRequest{"g", ids[1], 0, "", {}})->error == ErrorCode::ILLEGAL_GENERATION);
    CHECK(c.sync(SyncGroupRequest{"g", "nobody", 1, "", {}})->error == ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_CASE("GroupMetadataManager.classicGroupHeartbeat: REBALANCE_IN_PROGRESS while preparing, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID") {
    Harness h;
    const auto ids = h.stable_group_of_three();
    CHECK(h.heartbeat(ids[0], 1, 7 * kSecond) == ErrorCode::NONE);
    CHECK(h.heartbeat(ids[0], 0, 7 * kSecond) == ErrorCode::ILLEGAL_GENERATION);
    CHECK(h.heartbeat("nobody", 1, 7 * kSecond) == ErrorCode::UNKNOWN_MEMBER_ID);
    // A new member starts a rebalance; the others learn of it from their heartbeats.
    h.join(join_request("d"), 7 * kSecond);
    CHECK(h.group.state == ClassicGroupState::PreparingRebalance);
    CHECK(h.heartbeat(ids[1], 1, 7 * kSecond + 10) == ErrorCode::REBALANCE_IN_PROGRESS);
    // Everyone rejoins with its member id: the phase completes at once (not an initial rebalance).
    for (const std::string& m : ids) h.join(join_request("x", m), 8 * kSecond);
    CHECK(h.group.state == ClassicGroupState::CompletingRebalance);
    CHECK(h.group.generation_id == 2);
    CHECK(h.group.members.size() == 4);
}

TEST_CASE("expireClassicGroupMemberHeartbeat: a member silent for session.timeout.ms leaves and the group rebalances") {
    Harness h;
    const auto ids = h.stable_group_of_three();
    const sim::TimeUs start = 6 * kSecond + 1000;
    // ids[0] and ids[1] heartbeat; ids[2] has crashed.
    for (sim::TimeUs t = start + kSecond; t < start + 12 * kSecond; t += 3 * kSecond) {
        CHECK(h.heartbeat(ids[0], 1, t) == ErrorCode::NONE);
        CHECK(h.heartbeat(ids[1], 1, t) == ErrorCode::NONE);
    }
    h.expire(start + 10 * kSecond + 1);
    CHECK(h.group.members.count(ids[2]) == 0);
    CHECK(h.group.state == ClassicGroupState::PreparingRebalance);
    // The survivors rejoin and get the next generation.
    h.joins.clear();
    for (const std::string& m : {ids[0], ids[1]}) h.join(join_request("x", m), start + 11 * kSecond);
    CHECK(h.group.state == ClassicGroupState::CompletingRebalance);
    CHECK(h.joins.size() == 2);
    CHECK(h.group.generation_id == 2);
}

TEST_CASE("ClassicGroupMember.hasSatisfiedHeartbeat: a member parked in JoinGroup is alive, a new one only until its join times out") {
    Harness h;
    const auto ids = h.stable_group_of_three();
    h.join(join_request("x", ids[0]), 7 * kSecond);  // starts a rebalance, parks ids[0]
    h.expire(7 * kSecond + 11 * kSecond);            // past ids[0]'s session: still a member
    CHECK(h.group.members.count(ids[0]) == 1);
}

TEST_CASE("completeClassicGroupJoin: a dynamic member that does not rejoin within the rebalance timeout is dropped") {
    Harness h;
    const auto ids = h.stable_group_of_three();
    h.join(join_request("x", ids[0]), 7 * kSecond);
    h.join(join_request("x", ids[1]), 7 * kSecond);
    // ids[2] keeps heartbeating (REBALANCE_IN_PROGRESS) but never rejoins (max.poll.interval.ms).
    for (sim::TimeUs t = 10 * kSecond; t < 37 * kSecond; t += 5 * kSecond) {
        CHECK(h.heartbeat(ids[2], 1, t) == ErrorCode::REBALANCE_IN_PROGRESS);
    }
    h.expire(7 * kSecond + 30 * kSecond);  // the join phase's delay: rebalance.timeout.ms
    CHECK(h.group.members.count(ids[2]) == 0);
    CHECK(h.group.state == ClassicGroupState::CompletingRebalance);
    CHECK(h.heartbeat(ids[2], 1, 38 * kSecond) == ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_CASE("GroupMetadataManager.classicGroupLeave: a leaving member starts a rebalance") {
    Harness h;
    const auto ids = h.stable_group_of_three();
    auto c = h.at(7 * kSecond);
    CHECK(c.leave(LeaveGroupRequest{"g", ids[1], ""}).error == ErrorCode::NONE);
    CHECK(h.group.state == ClassicGroupState::PreparingRebalance);
    CHECK(c.leave(LeaveGroupRequest{"g", ids[1], ""}).error == ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_CASE("updateStaticMemberThenRebalanceOrCompleteJoin (KIP-345): a known group.instance.id rejoining a Stable group does not rebalance") {
    Harness h;
    const auto ids = h.stable_group_of_three("p");
    h.joins.clear();
    h.stored = false;
    // p1 restarts: it joins with no member id and its instance id.
    const std::string fresh = h.join(join_request("c1", "", "p1"), 8 * kSecond);
    CHECK(fresh != ids[1]);
    CHECK(h.group.state == ClassicGroupState::Stable);
    CHECK(h.group.generation_id == 1);
    REQUIRE(h.joins.count(fresh) == 1);
    CHECK(h.joins.at(fresh).generation_id == 1);
    CHECK(h.stored);  // the new member id is persisted
    // Its SyncGroup returns the old member's assignment.
    auto c = h.at(8 * kSecond + 1000);
    CHECK(c.sync(SyncGroupRequest{"g", fresh, 1, "p1", {}})->assignment == std::vector<TopicPartition>{{"in", 1}});
    // The old member id is fenced.
    CHECK(h.heartbeat(ids[1], 1, 8 * kSecond + 2000, "p1") == ErrorCode::FENCED_INSTANCE_ID);
    CHECK(h.heartbeat(fresh, 1, 8 * kSecond + 2000, "p1") == ErrorCode::NONE);
}

TEST_CASE("replaceStaticMember: a parked request of the replaced static member gets FENCED_INSTANCE_ID") {
    Harness h;
    const auto ids = h.stable_group_of_three("p");
    h.join(join_request("x", ids[0], "p0"), 9 * kSecond);  // a rebalance: p0 parked in JoinGroup
    h.join(join_request("c0", "", "p0"), 9 * kSecond + 10);  // a second instance with p0's id
    REQUIRE(h.joins.count(ids[0]) == 1);
    CHECK(h.joins.at(ids[0]).error == ErrorCode::FENCED_INSTANCE_ID);
}

TEST_CASE("completeClassicGroupJoin: a static member that does not rejoin stays until its session expires") {
    Harness h;
    const auto ids = h.stable_group_of_three("p");
    h.join(join_request("x", ids[0], "p0"), 7 * kSecond);
    h.join(join_request("x", ids[1], "p1"), 7 * kSecond);
    for (sim::TimeUs t = 10 * kSecond; t < 37 * kSecond; t += 5 * kSecond) h.heartbeat(ids[2], 1, t, "p2");
    h.expire(7 * kSecond + 30 * kSecond);
    CHECK(h.group.members.count(ids[2]) == 1);
    CHECK(h.group.state == ClassicGroupState::CompletingRebalance);
}

TEST_CASE("ClassicGroup.validateOffsetCommit: the KIP-447 checks of TxnOffsetCommit and OffsetCommit") {
    Harness h;
    auto c = h.at(0);
    // An Empty group accepts generation -1 (a consumer that assigns its partitions itself).
    CHECK(c.validate_offset_commit("", "", -1, true) == ErrorCode::NONE);
    CHECK(c.validate_offset_commit("", "", -1, false) == ErrorCode::NONE);
    const auto ids = h.stable_group_of_three("p");
    auto s = h.at(7 * kSecond);
    CHECK(s.validate_offset_commit(ids[0], "p0", 1, true) == ErrorCode::NONE);
    CHECK(s.validate_offset_commit(ids[0], "p0", 0, true) == ErrorCode::ILLEGAL_GENERATION);
    CHECK(s.validate_offset_commit("stale", "p0", 1, true) == ErrorCode::FENCED_INSTANCE_ID);
    CHECK(s.validate_offset_commit("stale", "", 1, true) == ErrorCode::UNKNOWN_MEMBER_ID);
    CHECK(s.validate_offset_commit(ids[0], "nobody", 1, true) == ErrorCode::UNKNOWN_MEMBER_ID);
    // A non-member plain commit to a group with members.
    CHECK(s.validate_offset_commit("", "", -1, false) == ErrorCode::UNKNOWN_MEMBER_ID);
    // While the leader's assignment is pending, plain commits wait; transactional ones do not.
    h.join(join_request("d"), 8 * kSecond);
    for (int i = 0; i < 3; ++i) h.join(join_request("x", ids[i], "p" + std::to_string(i)), 8 * kSecond);
    REQUIRE(h.group.state == ClassicGroupState::CompletingRebalance);
    auto r = h.at(8 * kSecond + 10);
    CHECK(r.validate_offset_commit(ids[0], "p0", 2, false) == ErrorCode::REBALANCE_IN_PROGRESS);
    CHECK(r.validate_offset_commit(ids[0], "p0", 2, true) == ErrorCode::NONE);
}

TEST_CASE("OffsetMetadataManager.validateTransactionalOffsetCommit: an unknown group accepts only generation -1") {
    GroupStorage storage;
    GroupCoordinator coordinator(storage);
    TxnOffsetCommitRequest request{"t", "g", 7, 0, "", -1, "", {{TopicPartition{"in", 0}, 5}}};
    CHECK(coordinator.handle_txn_offset_commit(request).partitions.front().second == ErrorCode::NONE);
    request.generation_id = 3;
    request.member_id = "m";
    CHECK(coordinator.handle_txn_offset_commit(request).partitions.front().second == ErrorCode::ILLEGAL_GENERATION);
}

TEST_CASE("a coordinator that loads a group caught mid-rebalance makes every member rejoin") {
    Harness h;
    const auto ids = h.stable_group_of_three();
    h.join(join_request("x", ids[0]), 7 * kSecond);
    REQUIRE(h.group.state == ClassicGroupState::PreparingRebalance);
    auto c = h.at(8 * kSecond);
    c.on_load();
    CHECK(h.group.state == ClassicGroupState::PreparingRebalance);
    CHECK_FALSE(h.group.members.at(ids[0]).awaiting_join);  // its JoinGroup died with the old coordinator
    CHECK(h.heartbeat(ids[1], 1, 8 * kSecond + 1) == ErrorCode::REBALANCE_IN_PROGRESS);
}

TEST_CASE("RangeAssignor.assign: consecutive ranges, the first members one more, static members ordered by instance id") {
    const std::vector<JoinGroupMember> members = {{"m-b", "", {"in"}}, {"m-a", "", {"in"}}, {"m-z", "s0", {"in"}}};
    const auto result = assign_partitions(kRangeAssignor, members, {{"in", 7}});
    REQUIRE(result.size() == 3);
    // Order: s0 (static first), then m-a, m-b: 7 = 3 + 2 + 2.
    CHECK(result[2].partitions == std::vector<TopicPartition>{{"in", 0}, {"in", 1}, {"in", 2}});
    CHECK(result[1].partitions == std::vector<TopicPartition>{{"in", 3}, {"in", 4}});
    CHECK(result[0].partitions == std::vector<TopicPartition>{{"in", 5}, {"in", 6}});
}

TEST_CASE("RoundRobinAssignor.assign: partitions in order round the sorted members") {
    const std::vector<JoinGroupMember> members = {{"m-b", "", {"in"}}, {"m-a", "", {"in"}}};
    const auto result = assign_partitions(kRoundRobinAssignor, members, {{"in", 5}});
    CHECK(result[1].partitions == std::vector<TopicPartition>{{"in", 0}, {"in", 2}, {"in", 4}});  // m-a
    CHECK(result[0].partitions == std::vector<TopicPartition>{{"in", 1}, {"in", 3}});             // m-b
}

// Whole runs of the shipped group scenarios: what the trace shows about the protocol.
namespace {

std::vector<std::string> trace_lines(const std::string& scenario, std::uint64_t seed) {
    const scenario::Scenario s = scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + scenario + ".json");
    std::ostringstream trace;
    scenario::RunOptions options{seed, &trace, nullptr};
    const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
    REQUIRE(outcome.expectations_met());
    std::vector<std::string> lines;
    std::istringstream in(trace.str());
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

bool has(const std::string& line, const std::string& part) { return line.find(part) != std::string::npos; }

// The partitions of each SyncGroupResponse delivered to a node, in order.
std::vector<std::string> syncs_to(const std::vector<std::string>& lines, const std::string& node) {
    std::vector<std::string> result;
    for (const std::string& line : lines) {
        if (has(line, "deliver " + node + " <- ") && has(line, "SyncGroupResponse") && has(line, "error=NONE")) {
            result.push_back(line.substr(line.find("error=NONE")));
        }
    }
    return result;
}

}  // namespace

TEST_CASE("KIP-345 in a run: a static member restarting within session.timeout.ms gets its partitions back without a rebalance, a second instance fences it") {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        const auto lines = trace_lines("group-static-membership", seed);
        bool rebalanced = false;
        bool stopped = false;
        for (const std::string& line : lines) {
            rebalanced = rebalanced || (has(line, "consumer.joined") && !has(line, "generation=1 "));
            stopped = stopped || has(line, "processor-1 processor.stopped");
        }
        CHECK_FALSE(rebalanced);  // every join, the restart's and the twin's too, is generation 1
        const auto before_and_after = syncs_to(lines, "processor-1");
        REQUIRE(before_and_after.size() == 2);
        CHECK(before_and_after[0] == before_and_after[1]);
        REQUIRE(syncs_to(lines, "processor-1-twin").size() == 1);
        CHECK(syncs_to(lines, "processor-1-twin")[0] == before_and_after[0]);
        CHECK(stopped);  // FENCED_INSTANCE_ID is fatal
    }
}

TEST_CASE("session.timeout.ms in a run: a crashed member's partitions move to the survivors") {
    const auto lines = trace_lines("group-member-crash-exactly-once", 1);
    const auto zero = syncs_to(lines, "processor-0");
    const auto two = syncs_to(lines, "processor-2");
    REQUIRE(zero.size() == 2);
    REQUIRE(two.size() == 2);
    // Generation 2: the six partitions between the two survivors.
    std::size_t partitions = 0;
    for (const std::string& sync : {zero[1], two[1]}) {
        for (std::size_t at = sync.find("partition="); at != std::string::npos; at = sync.find("partition=", at + 1)) ++partitions;
    }
    CHECK(partitions == 6);
}

TEST_CASE("max.poll.interval.ms in a run: a member stuck in one batch leaves (LeaveGroup) and rejoins at its next poll") {
    const auto lines = trace_lines("group-max-poll-interval", 1);
    std::size_t timeout_at = lines.size();
    std::size_t leave_at = lines.size();
    std::size_t rejoin_at = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (timeout_at == lines.size() && has(lines[i], "consumer-0 consumer.poll_timeout")) timeout_at = i;
        if (leave_at == lines.size() && has(lines[i], "<- consumer-0 LeaveGroupRequest")) leave_at = i;
        if (leave_at < i && rejoin_at == lines.size() && has(lines[i], "consumer-0 consumer.joined")) rejoin_at = i;
    }
    CHECK(timeout_at < leave_at);
    CHECK(leave_at < rejoin_at);
    CHECK(rejoin_at < lines.size());
}

TEST_CASE("updateStaticMemberThenRebalanceOrCompleteJoin in a run: a crashed process's late JoinGroup fences its successor, and the application replaces its consumer") {
    const auto lines = trace_lines("group-static-predecessor-join", 1);
    std::size_t fenced_at = lines.size();
    std::size_t joined_at = lines.size();
    for (std::size_t i = 0; i < lines.size(); ++i) {
        if (fenced_at == lines.size() && has(lines[i], "reader-0 consumer.fatal error=FENCED_INSTANCE_ID")) fenced_at = i;
        if (fenced_at < i && joined_at == lines.size() && has(lines[i], "reader-0 consumer.joined")) joined_at = i;
    }
    CHECK(fenced_at < lines.size());  // the predecessor's join took the instance over
    CHECK(joined_at < lines.size());  // the replacement consumer took it back and joined
}

TEST_CASE("ConsumerCoordinator.poll (ensureActiveGroup) in a run: a subscribed processor without transactions joins at its first poll, and again after a restart") {
    const auto lines = trace_lines("pipeline-at-least-once-subscribe", 1);
    std::size_t joins_0 = 0;
    std::size_t joins_1 = 0;
    for (const std::string& line : lines) {
        if (has(line, "processor-0 consumer.joined")) ++joins_0;
        if (has(line, "processor-1 consumer.joined")) ++joins_1;
    }
    CHECK(joins_0 >= 1);
    CHECK(joins_1 >= 2);  // before the crash and after the restart
}

// GroupCoordinatorService.fetchOffsets without require_stable is a read operation, which
// CoordinatorRuntime.scheduleReadOperation runs at the last committed offset: an OffsetCommit
// whose record is still above the high watermark (or whose write failed after the append, e.g.
// NOT_ENOUGH_REPLICAS_AFTER_APPEND) is not returned. Returning it let a restarted reader start
// past offsets whose commit a new coordinator never had (swarm-idempotent-producer seed 5086).
TEST_CASE("CoordinatorRuntime.scheduleReadOperation: OffsetFetch reads the group state below the high watermark") {
    const TopicPartition tp{"in", 0};
    auto snapshot = [&tp](std::int64_t offset) {
        GroupStorage state;
        state.committed["g"][tp] = offset;
        RecordBatch batch;
        batch.records.push_back(Record{0, 0, kNoSource});
        batch.group_state = std::make_shared<const GroupStorage>(state);
        return batch;
    };
    PartitionLog log;
    CHECK(committed_group_state(log.batches(), log.high_watermark()).committed.empty());
    log.append(snapshot(10));
    log.append(snapshot(20));
    log.append(snapshot(30));
    CHECK(committed_group_state(log.batches(), log.high_watermark()).committed.empty());  // nothing replicated yet
    log.set_high_watermark(2);
    CHECK(committed_group_state(log.batches(), log.high_watermark()).committed.at("g").at(tp) == 20);
    log.set_high_watermark(3);
    CHECK(committed_group_state(log.batches(), log.high_watermark()).committed.at("g").at(tp) == 30);
}

TEST_CASE("ClassicGroup.fromRecords in a run: a new coordinator loads the last stored round, not its predecessor's memory, so a static member is not fenced by a round that never completed") {
    const auto lines = trace_lines("group-coordinator-load-stored-round", 1687);
    bool fatal = false;
    bool joined = false;
    for (const std::string& line : lines) {
        fatal = fatal || has(line, "reader-0 consumer.fatal");
        joined = joined || has(line, "reader-0 consumer.joined");
    }
    CHECK_FALSE(fatal);
    CHECK(joined);
}
