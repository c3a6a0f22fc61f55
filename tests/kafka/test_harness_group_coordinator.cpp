// The group coordinator through the broker harness: JoinGroup, SyncGroup, Heartbeat, OffsetCommit
// and TxnOffsetCommit sent by scripted members to a real broker over the simulated network, and
// the generation and member checks of the answers. Each case names the Kafka code it follows
// (group-coordinator module: GroupMetadataManager, ClassicGroup, OffsetMetadataManager).
#include <doctest/doctest.h>

#include <string>

#include "broker_harness.hpp"
#include "group_requests.hpp"

using namespace eosim;
using namespace eosim::kafka;
using eosim::test::BrokerHarness;
using eosim::test::HarnessOptions;
using eosim::test::ScriptedClient;

namespace {

constexpr sim::TimeUs kMs = 1000;

JoinGroupRequest join(const std::string& client, const std::string& member = "", const std::string& instance = "") {
    return test::join_group_request({"t", 5000}, client, member, instance);
}

HarnessOptions two_partitions() {
    HarnessOptions o;
    o.topics = {TopicSpec{"t", 2}};
    o.broker.groups.initial_rebalance_delay_ms = 100;  // group.initial.rebalance.delay.ms
    return o;
}

// Two members (one client each: a parked JoinGroup holds its connection) in generation 1,
// synced and Stable: leader got both partitions split by its SyncGroup.
struct StableGroup {
    BrokerHarness h{two_partitions()};
    ScriptedClient& a = h.client("member-a");
    ScriptedClient& b = h.client("member-b");
    ScriptedClient& c = h.client("member-c");   // a later joiner
    ScriptedClient& other = h.client("other");  // stale or foreign requests
    std::string leader, follower;
    std::int32_t generation = -1;

    StableGroup() {
        const auto join_a = a.send_at(1 * kMs, 0, join("a"));
        const auto join_b = b.send_at(2 * kMs, 0, join("b"));
        h.start();
        h.run_until(500 * kMs);
        const auto& ja = a.answer<JoinGroupResponse>(join_a);
        const auto& jb = b.answer<JoinGroupResponse>(join_b);
        REQUIRE(ja.error == ErrorCode::NONE);
        REQUIRE(jb.error == ErrorCode::NONE);
        leader = ja.member_id;
        follower = jb.member_id;
        generation = ja.generation_id;
        const std::vector<MemberAssignment> plan{{leader, {TopicPartition{"t", 0}}}, {follower, {TopicPartition{"t", 1}}}};
        const auto sync_a = a.send_at(600 * kMs, 0, SyncGroupRequest{"g", leader, generation, "", plan});
        const auto sync_b = b.send_at(600 * kMs, 0, SyncGroupRequest{"g", follower, generation, "", {}});
        h.run_until(800 * kMs);
        REQUIRE(a.answer<SyncGroupResponse>(sync_a).error == ErrorCode::NONE);
        REQUIRE(b.answer<SyncGroupResponse>(sync_b).error == ErrorCode::NONE);
    }

    // Sends from `other` at t_ms and runs 100 ms; returns the answer.
    template <typename R>
    R ask(sim::TimeUs t_ms, MessageBody request) {
        const auto c = other.send_at(t_ms * kMs, 0, std::move(request));
        h.run_until((t_ms + 100) * kMs);
        return other.answer<R>(c);
    }
};

OffsetCommitRequest commit(const std::string& member, std::int32_t generation, std::int64_t offset) {
    return OffsetCommitRequest{"g", generation, member, "", {{TopicPartition{"t", 0}, offset}}};
}

TxnOffsetCommitRequest txn_commit(const std::string& member, std::int32_t generation, const std::string& instance = "") {
    TxnOffsetCommitRequest r;
    r.transactional_id = "tx";
    r.group_id = "g";
    r.producer_id = 5;
    r.producer_epoch = 0;
    r.member_id = member;
    r.generation_id = generation;
    r.group_instance_id = instance;
    r.partitions = {{TopicPartition{"t", 0}, 7}};
    return r;
}

}  // namespace

TEST_CASE("GroupMetadataManager.classicGroupJoin/completeClassicGroupJoin over the wire: members joining together share generation 1, the first is leader and alone gets the member list") {
    StableGroup g;
    CHECK(g.generation == 1);
    CHECK(g.leader != g.follower);
    CHECK(g.leader.rfind("a-", 0) == 0);  // a dynamic member id starts with its client id
    const auto& ja = g.a.answer<JoinGroupResponse>(0);
    const auto& jb = g.b.answer<JoinGroupResponse>(0);
    CHECK(ja.leader == g.leader);
    CHECK(jb.leader == g.leader);
    CHECK(ja.members.size() == 2);
    CHECK(jb.members.empty());
    CHECK(ja.protocol == "range");
}

TEST_CASE("GroupMetadataManager.classicGroupSyncToClassicGroup: the leader's assignment reaches each member") {
    StableGroup g;
    CHECK(g.a.answer<SyncGroupResponse>(1).assignment == std::vector<TopicPartition>{{"t", 0}});
    CHECK(g.b.answer<SyncGroupResponse>(1).assignment == std::vector<TopicPartition>{{"t", 1}});
    // A Stable group answers a repeated SyncGroup with the member's current assignment.
    CHECK(g.ask<SyncGroupResponse>(900, SyncGroupRequest{"g", g.follower, g.generation, "", {}}).assignment ==
          std::vector<TopicPartition>{{"t", 1}});
}

TEST_CASE("GroupMetadataManager.validateSyncGroup: ILLEGAL_GENERATION for another generation, UNKNOWN_MEMBER_ID for a stranger") {
    StableGroup g;
    CHECK(g.ask<SyncGroupResponse>(900, SyncGroupRequest{"g", g.follower, g.generation + 1, "", {}}).error ==
          ErrorCode::ILLEGAL_GENERATION);
    CHECK(g.ask<SyncGroupResponse>(1000, SyncGroupRequest{"g", "nobody", g.generation, "", {}}).error ==
          ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_CASE("GroupMetadataManager.validateClassicGroupHeartbeat: NONE, ILLEGAL_GENERATION, UNKNOWN_MEMBER_ID") {
    StableGroup g;
    CHECK(g.ask<HeartbeatResponse>(900, HeartbeatRequest{"g", g.follower, g.generation, ""}).error == ErrorCode::NONE);
    CHECK(g.ask<HeartbeatResponse>(1000, HeartbeatRequest{"g", g.follower, g.generation - 1, ""}).error ==
          ErrorCode::ILLEGAL_GENERATION);
    CHECK(g.ask<HeartbeatResponse>(1100, HeartbeatRequest{"g", "nobody", g.generation, ""}).error ==
          ErrorCode::UNKNOWN_MEMBER_ID);
}

TEST_CASE("GroupMetadataManager.classicGroupHeartbeat and classicGroupSyncToClassicGroup: REBALANCE_IN_PROGRESS once a new member's JoinGroup starts a rebalance") {
    StableGroup g;
    const auto join_c = g.c.send_at(900 * kMs, 0, join("c"));
    g.h.run_until(950 * kMs);
    CHECK_FALSE(g.c.answered(join_c));  // parked until every member rejoined or the rebalance timed out
    CHECK(g.ask<HeartbeatResponse>(950, HeartbeatRequest{"g", g.follower, g.generation, ""}).error ==
          ErrorCode::REBALANCE_IN_PROGRESS);
    CHECK(g.ask<SyncGroupResponse>(1050, SyncGroupRequest{"g", g.follower, g.generation, "", {}}).error ==
          ErrorCode::REBALANCE_IN_PROGRESS);
    // The old members rejoin with their ids: generation 2 has all three.
    const auto rejoin_a = g.a.send_at(1200 * kMs, 0, join("a", g.leader));
    const auto rejoin_b = g.b.send_at(1200 * kMs, 0, join("b", g.follower));
    g.h.run_until(1500 * kMs);
    CHECK(g.a.answer<JoinGroupResponse>(rejoin_a).generation_id == g.generation + 1);
    CHECK(g.b.answer<JoinGroupResponse>(rejoin_b).generation_id == g.generation + 1);
    CHECK(g.c.answer<JoinGroupResponse>(join_c).generation_id == g.generation + 1);
    CHECK(g.a.answer<JoinGroupResponse>(rejoin_a).members.size() == 3);
}

TEST_CASE("ClassicGroup.validateOffsetCommit over the wire: a member's OffsetCommit in its generation is stored, ILLEGAL_GENERATION and UNKNOWN_MEMBER_ID are not") {
    StableGroup g;
    const auto ok = g.ask<OffsetCommitResponse>(900, commit(g.leader, g.generation, 5));
    CHECK(ok.partitions.at(0).error == ErrorCode::NONE);
    CHECK(g.ask<OffsetCommitResponse>(1000, commit(g.leader, g.generation - 1, 9)).partitions.at(0).error ==
          ErrorCode::ILLEGAL_GENERATION);
    CHECK(g.ask<OffsetCommitResponse>(1100, commit("nobody", g.generation, 9)).partitions.at(0).error ==
          ErrorCode::UNKNOWN_MEMBER_ID);
    // A generation -1 commit (assign mode) into a group with members is refused too.
    CHECK(g.ask<OffsetCommitResponse>(1200, commit("", -1, 9)).partitions.at(0).error == ErrorCode::UNKNOWN_MEMBER_ID);
    const auto fetched = g.ask<OffsetFetchResponse>(1300, OffsetFetchRequest{"g", {TopicPartition{"t", 0}}, false});
    CHECK(fetched.partitions.at(0).committed_offset == 5);  // only the valid commit counted
}

TEST_CASE("ClassicGroup.validateOffsetCommit: OffsetCommit in CompletingRebalance is REBALANCE_IN_PROGRESS") {
    BrokerHarness h(two_partitions());
    ScriptedClient& a = h.client("member-a");
    ScriptedClient& other = h.client("other");
    a.send_at(1 * kMs, 0, join("a"));
    h.start();
    h.run_until(500 * kMs);  // joined, no SyncGroup yet: CompletingRebalance
    const auto& joined = a.answer<JoinGroupResponse>(0);
    REQUIRE(joined.error == ErrorCode::NONE);
    const auto c = other.send_at(600 * kMs, 0, commit(joined.member_id, joined.generation_id, 3));
    h.run_until(700 * kMs);
    CHECK(other.answer<OffsetCommitResponse>(c).partitions.at(0).error == ErrorCode::REBALANCE_IN_PROGRESS);
}

TEST_CASE("ClassicGroup.validateOffsetCommit (KIP-447) for TxnOffsetCommit: generation and member checked, no REBALANCE_IN_PROGRESS") {
    StableGroup g;
    CHECK(g.ask<TxnOffsetCommitResponse>(900, txn_commit(g.leader, g.generation)).partitions.at(0).second == ErrorCode::NONE);
    CHECK(g.ask<TxnOffsetCommitResponse>(1000, txn_commit(g.leader, g.generation + 1)).partitions.at(0).second ==
          ErrorCode::ILLEGAL_GENERATION);
    CHECK(g.ask<TxnOffsetCommitResponse>(1100, txn_commit("nobody", g.generation)).partitions.at(0).second ==
          ErrorCode::UNKNOWN_MEMBER_ID);
    // The pending transactional offset makes a require_stable fetch answer UNSTABLE_OFFSET_COMMIT
    // (GroupCoordinatorShard / OffsetMetadataManager.fetchOffsets with requireStable).
    const auto fetched = g.ask<OffsetFetchResponse>(1200, OffsetFetchRequest{"g", {TopicPartition{"t", 0}}, true});
    CHECK(fetched.partitions.at(0).error == ErrorCode::UNSTABLE_OFFSET_COMMIT);
}

TEST_CASE("OffsetMetadataManager.validateTransactionalOffsetCommit: an unknown group takes generation -1 only") {
    BrokerHarness h(two_partitions());
    ScriptedClient& p = h.client("producer");
    const auto simple = p.send_at(1 * kMs, 0, txn_commit("", -1));
    const auto member = p.send_at(2 * kMs, 0, txn_commit("m", 1));
    h.start();
    h.run_until(100 * kMs);
    CHECK(p.answer<TxnOffsetCommitResponse>(simple).partitions.at(0).second == ErrorCode::NONE);
    CHECK(p.answer<TxnOffsetCommitResponse>(member).partitions.at(0).second == ErrorCode::ILLEGAL_GENERATION);
}

TEST_CASE("ClassicGroup.validateMember / replaceStaticMember (KIP-345): a new instance with the same group.instance.id fences the old member id") {
    BrokerHarness h(two_partitions());
    ScriptedClient& first = h.client("first");
    ScriptedClient& second = h.client("second");
    ScriptedClient& other = h.client("other");
    first.send_at(1 * kMs, 0, join("first", "", "p0"));
    h.start();
    h.run_until(500 * kMs);
    const JoinGroupResponse old = first.answer<JoinGroupResponse>(0);
    REQUIRE(old.error == ErrorCode::NONE);
    first.send_at(600 * kMs, 0, SyncGroupRequest{"g", old.member_id, old.generation_id, "p0", {{old.member_id, {TopicPartition{"t", 0}}}}});
    h.run_until(700 * kMs);
    // The second process joins with the instance id and no member id: it takes the member over.
    const auto taken = second.send_at(800 * kMs, 0, join("second", "", "p0"));
    h.run_until(900 * kMs);
    const auto& now = second.answer<JoinGroupResponse>(taken);
    REQUIRE(now.error == ErrorCode::NONE);
    CHECK(now.member_id != old.member_id);
    CHECK(now.generation_id == old.generation_id);  // a Stable group is not rebalanced
    const auto hb_old = other.send_at(1000 * kMs, 0, HeartbeatRequest{"g", old.member_id, old.generation_id, "p0"});
    const auto hb_new = other.send_at(1001 * kMs, 0, HeartbeatRequest{"g", now.member_id, now.generation_id, "p0"});
    const auto commit_old = other.send_at(1002 * kMs, 0, txn_commit(old.member_id, old.generation_id, "p0"));
    h.run_until(1100 * kMs);
    CHECK(other.answer<HeartbeatResponse>(hb_old).error == ErrorCode::FENCED_INSTANCE_ID);
    CHECK(other.answer<HeartbeatResponse>(hb_new).error == ErrorCode::NONE);
    CHECK(other.answer<TxnOffsetCommitResponse>(commit_old).partitions.at(0).second == ErrorCode::FENCED_INSTANCE_ID);
}
