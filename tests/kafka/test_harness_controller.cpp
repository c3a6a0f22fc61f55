// The controller and the replicated brokers through the broker harness: three brokers and the
// controller node on the simulated network, faults applied to nodes, a scripted client producing
// and asking for metadata, and the controller's partition registrations and brokers' answers
// asserted. Each case names the Kafka code it follows (metadata module: ReplicationControlManager,
// PartitionChangeBuilder; core: Partition).
#include <doctest/doctest.h>

#include <algorithm>

#include "broker_harness.hpp"

using namespace eosim;
using namespace eosim::kafka;
using eosim::test::BrokerHarness;
using eosim::test::HarnessOptions;
using eosim::test::ScriptedClient;

namespace {

constexpr sim::TimeUs kMs = 1000;
const TopicPartition kTp{"t", 0};

HarnessOptions replicated() {
    HarnessOptions o;
    o.brokers = 3;
    o.topics = {TopicSpec{"t", 1, 3}};
    o.replication.enabled = true;
    o.replication.min_insync_replicas = 2;
    o.replication.broker_session_timeout_ms = 3000;
    o.replication.replica_lag_time_max_ms = 1500;
    return o;
}

ProduceRequest produce(std::uint64_t value) {
    RecordBatch b;
    b.records.push_back(Record{value, 0, kNoSource});
    ProduceRequest r;
    r.acks = -1;
    r.partitions.push_back({kTp, std::move(b)});
    return r;
}

bool in_isr(const PartitionRegistration& p, std::int32_t broker) {
    return std::find(p.isr.begin(), p.isr.end(), broker) != p.isr.end();
}

}  // namespace

TEST_CASE("ReplicationControlManager.handleBrokerFenced / PartitionChangeBuilder.electLeader: a silent leader is fenced and an ISR member leads in a new epoch") {
    BrokerHarness h(replicated());
    ScriptedClient& c = h.client("client");
    h.start();
    h.run_until(1000 * kMs);
    const PartitionRegistration before = h.controller().partitions().at(kTp);
    REQUIRE(before.leader == 0);
    REQUIRE(before.isr.size() == 3);
    h.sim().crash(h.broker_node(0));
    h.run_until(2000 * kMs);
    CHECK(h.controller().partitions().at(kTp).leader == 0);  // within broker.session.timeout.ms
    h.run_until(6000 * kMs);
    const PartitionRegistration after = h.controller().partitions().at(kTp);
    CHECK(after.leader != 0);
    CHECK(in_isr(before, after.leader));
    CHECK_FALSE(in_isr(after, 0));
    CHECK(after.leader_epoch == before.leader_epoch + 1);
    // The brokers learned it: Metadata names the new leader, which takes acks=all writes.
    const auto meta = c.send_at(6100 * kMs, 1, MetadataRequest{{kTp}});
    const auto write = c.send_at(6200 * kMs, static_cast<sim::NodeId>(after.leader), produce(1));
    h.run_until(7000 * kMs);
    CHECK(c.answer<MetadataResponse>(meta).partitions.at(0).leader == after.leader);
    CHECK(c.answer<MetadataResponse>(meta).partitions.at(0).leader_epoch == after.leader_epoch);
    CHECK(c.answer<ProduceResponse>(write).partitions.at(0).error == ErrorCode::NONE);
}

TEST_CASE("Partition.maybeShrinkIsr and maybeExpandIsr (AlterPartition): a lagging follower leaves the ISR without an election and rejoins once caught up") {
    BrokerHarness h(replicated());
    ScriptedClient& c = h.client("client");
    for (int i = 0; i < 20; ++i) c.send_at((1000 + 100 * i) * kMs, 0, produce(static_cast<std::uint64_t>(i)));
    h.start();
    h.run_until(900 * kMs);
    const std::int32_t elections = h.controller().elections();
    // broker-2 stops fetching (a paused process) shorter than broker.session.timeout.ms but
    // longer than replica.lag.time.max.ms.
    h.sim().pause(h.broker_node(2));
    h.run_until(3500 * kMs);
    const PartitionRegistration shrunk = h.controller().partitions().at(kTp);
    CHECK_FALSE(in_isr(shrunk, 2));
    CHECK(shrunk.leader == 0);
    CHECK(h.controller().elections() == elections);
    h.sim().resume(h.broker_node(2));
    h.run_until(8000 * kMs);
    CHECK(in_isr(h.controller().partitions().at(kTp), 2));
    CHECK(h.broker(2).partition(kTp)->log().log_end_offset() == h.broker(0).partition(kTp)->log().log_end_offset());
    for (int i = 0; i < 20; ++i) CHECK(c.answer<ProduceResponse>(i).partitions.at(0).error == ErrorCode::NONE);
}

TEST_CASE("Partition.checkCurrentLeaderEpoch: a follower fetch with an older leader epoch is FENCED_LEADER_EPOCH, a newer one UNKNOWN_LEADER_EPOCH") {
    BrokerHarness h(replicated());
    ScriptedClient& c = h.client("replica");
    h.start();
    h.run_until(1000 * kMs);
    h.sim().crash(h.broker_node(0));
    h.run_until(6000 * kMs);
    const PartitionRegistration p = h.controller().partitions().at(kTp);
    REQUIRE(p.leader_epoch >= 1);
    const auto at = [&](std::int32_t epoch) {
        ReplicaFetchRequest r;
        r.replica_id = p.leader == 1 ? 2 : 1;
        r.max_wait_ms = 0;
        r.partitions.push_back({kTp, 0, -1, epoch});
        return r;
    };
    const auto stale = c.send_at(6100 * kMs, static_cast<sim::NodeId>(p.leader), at(p.leader_epoch - 1));
    const auto ahead = c.send_at(6200 * kMs, static_cast<sim::NodeId>(p.leader), at(p.leader_epoch + 1));
    const auto current = c.send_at(6300 * kMs, static_cast<sim::NodeId>(p.leader), at(p.leader_epoch));
    h.run_until(7000 * kMs);
    CHECK(c.answer<ReplicaFetchResponse>(stale).partitions.at(0).error == ErrorCode::FENCED_LEADER_EPOCH);
    CHECK(c.answer<ReplicaFetchResponse>(ahead).partitions.at(0).error == ErrorCode::UNKNOWN_LEADER_EPOCH);
    CHECK(c.answer<ReplicaFetchResponse>(current).partitions.at(0).error == ErrorCode::NONE);
}

TEST_CASE("ReplicationControlManager.alterPartition over the wire: only the current leader in its epoch may change the ISR") {
    BrokerHarness h(replicated());
    ScriptedClient& c = h.client("old-leader");
    h.start();
    h.run_until(1000 * kMs);
    h.sim().crash(h.broker_node(0));
    h.run_until(6000 * kMs);
    const PartitionRegistration p = h.controller().partitions().at(kTp);
    REQUIRE(p.leader != 0);
    const sim::NodeId controller = h.layout().controller_node;
    // broker-0's view from before the election: its epoch is now stale.
    const auto stale = c.send_at(6100 * kMs, controller, AlterPartitionRequest{{0, p.leader_epoch - 1, p.partition_epoch, {0}}, kTp});
    const auto old_epoch = c.send_at(6200 * kMs, controller,
                                     AlterPartitionRequest{{p.leader, p.leader_epoch - 1, p.partition_epoch, p.isr}, kTp});
    const auto old_version = c.send_at(6300 * kMs, controller,
                                       AlterPartitionRequest{{p.leader, p.leader_epoch, p.partition_epoch - 1, p.isr}, kTp});
    h.run_until(7000 * kMs);
    CHECK(c.answer<AlterPartitionResponse>(stale).error == ErrorCode::NOT_LEADER_OR_FOLLOWER);
    CHECK(c.answer<AlterPartitionResponse>(old_epoch).error == ErrorCode::FENCED_LEADER_EPOCH);
    CHECK(c.answer<AlterPartitionResponse>(old_version).error == ErrorCode::INVALID_UPDATE_VERSION);
    CHECK(h.controller().partitions().at(kTp).isr == p.isr);  // nothing changed
}
