// Replication rules one by one: leader election choices (ISR, ELR, unclean), fencing, ISR
// changes through AlterPartition, the leader-epoch cache and truncation, producer-state rebuild
// after truncation and from a snapshot, and the high watermark / ISR in whole runs.
#include <doctest/doctest.h>

#include <set>
#include <sstream>
#include <string>

#include "kafka/log/partition.hpp"
#include "kafka/log/partition_log.hpp"
#include "kafka/protocol/partition_registration.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

using namespace eosim::kafka;

namespace {

PartitionRegistration three_replicas() {
    PartitionRegistration p;
    p.partition = {"t", 0};
    p.replicas = {0, 1, 2};
    p.isr = {0, 1, 2};
    p.leader = 0;
    return p;
}

IsLive live_except(std::set<std::int32_t> down) {
    return [down](std::int32_t b) { return down.count(b) == 0; };
}

RecordBatch idempotent_batch(std::int64_t pid, std::int32_t seq, std::uint64_t value) {
    RecordBatch b;
    b.producer_id = pid;
    b.producer_epoch = 0;
    b.base_sequence = seq;
    b.records.push_back(Record{value, 0, kNoSource});
    return b;
}

}  // namespace

TEST_CASE("election: the first live ISR member in replica order") {
    PartitionRegistration p = three_replicas();
    const Election e = elect_leader(p, live_except({0}), ElectionRules{false, 2});
    CHECK(e.leader == 1);
    CHECK_FALSE(e.unclean);
}

TEST_CASE("election: no live ISR or ELR member and unclean disabled leaves the partition offline") {
    PartitionRegistration p = three_replicas();
    p.isr = {0};
    CHECK(elect_leader(p, live_except({0}), ElectionRules{false, 1}).leader == kNoLeader);
}

TEST_CASE("election: unclean election takes a live replica outside the ISR and restarts the ISR") {
    PartitionRegistration p = three_replicas();
    p.isr = {0};
    bool unclean = false;
    CHECK(fence_broker(p, 0, live_except({0}), ElectionRules{true, 1}, &unclean));
    CHECK(unclean);
    CHECK(p.leader == 1);
    CHECK(p.isr == std::vector<std::int32_t>{1});
    CHECK(p.leader_epoch == 1);
}

TEST_CASE("fencing a follower removes it from the ISR without a new leader epoch") {
    PartitionRegistration p = three_replicas();
    CHECK(fence_broker(p, 2, live_except({2}), ElectionRules{false, 2}));
    CHECK(p.isr == std::vector<std::int32_t>{0, 1});
    CHECK(p.leader == 0);
    CHECK(p.leader_epoch == 0);
    CHECK(p.partition_epoch == 1);
    CHECK(p.elr.empty());  // the ISR is still at min.insync.replicas
}

TEST_CASE("ELR: members leaving an ISR below min.insync.replicas stay electable, clean") {
    PartitionRegistration p = three_replicas();
    fence_broker(p, 2, live_except({2}), ElectionRules{false, 2});
    fence_broker(p, 1, live_except({1, 2}), ElectionRules{false, 2});
    CHECK(p.isr == std::vector<std::int32_t>{0});
    CHECK(p.elr == std::vector<std::int32_t>{1});
    // The leader dies too: it is the last ISR member and moves to the ELR; nobody is live.
    fence_broker(p, 0, live_except({0, 1, 2}), ElectionRules{false, 2});
    CHECK(p.leader == kNoLeader);
    CHECK(p.isr.empty());
    // broker 1 returns first: it was in the ELR, so it may lead without an unclean election.
    bool unclean = true;
    CHECK(unfence_broker(p, 1, live_except({0, 2}), ElectionRules{false, 2}, &unclean));
    CHECK_FALSE(unclean);
    CHECK(p.leader == 1);
    CHECK(p.isr == std::vector<std::int32_t>{1});
}

TEST_CASE("ELR: a broker that lost unflushed data leaves ISR and ELR when it registers again") {
    PartitionRegistration p = three_replicas();
    fence_broker(p, 1, live_except({1}), ElectionRules{false, 3});
    CHECK(p.elr == std::vector<std::int32_t>{1});
    CHECK(forget_unclean_replica(p, 1));
    CHECK(p.elr.empty());
    CHECK_FALSE(forget_unclean_replica(p, 1));
}

TEST_CASE("AlterPartition: only the current leader, in its epoch, against the current partition epoch") {
    PartitionRegistration p = three_replicas();
    const IsLive all = live_except({});
    const ElectionRules rules{false, 1};
    CHECK(alter_partition(p, {1, 0, 0, {1}}, all, rules) == ErrorCode::NOT_LEADER_OR_FOLLOWER);
    p.leader_epoch = 2;
    CHECK(alter_partition(p, {0, 1, 0, {0}}, all, rules) == ErrorCode::FENCED_LEADER_EPOCH);
    CHECK(alter_partition(p, {0, 2, 7, {0}}, all, rules) == ErrorCode::INVALID_UPDATE_VERSION);
    CHECK(alter_partition(p, {0, 2, 0, {1}}, all, rules) == ErrorCode::INVALID_REQUEST);
    CHECK(alter_partition(p, {0, 2, 0, {0, 1}}, all, rules) == ErrorCode::NONE);
    CHECK(p.isr == std::vector<std::int32_t>{0, 1});
    CHECK(p.partition_epoch == 1);
    // A fenced broker may not join (KIP-841).
    CHECK(alter_partition(p, {0, 2, 1, {0, 1, 2}}, live_except({2}), rules) == ErrorCode::INELIGIBLE_REPLICA);
}

TEST_CASE("leader-epoch cache: end offset of an epoch is the next epoch's start") {
    PartitionLog log;
    log.append(idempotent_batch(1, 0, 1), 0);
    log.append(idempotent_batch(1, 1, 2), 0);
    log.assign_epoch(3, log.log_end_offset());
    log.append(idempotent_batch(1, 2, 3), 3);
    CHECK(log.end_offset_for_epoch(0) == std::pair<std::int32_t, std::int64_t>{0, 2});
    CHECK(log.end_offset_for_epoch(2) == std::pair<std::int32_t, std::int64_t>{0, 2});  // largest <= 2
    CHECK(log.end_offset_for_epoch(3) == std::pair<std::int32_t, std::int64_t>{3, 3});
    CHECK(log.end_offset_for_epoch(-1).first == -1);
}

TEST_CASE("truncation removes batches, epochs begun past the new end, and clamps the high watermark") {
    PartitionLog log;
    log.append(idempotent_batch(1, 0, 1), 0);
    log.assign_epoch(1, 1);
    log.append(idempotent_batch(1, 1, 2), 1);
    log.append(idempotent_batch(1, 2, 3), 1);
    log.set_high_watermark(3);
    log.truncate_to(1);
    CHECK(log.log_end_offset() == 1);
    CHECK(log.high_watermark() == 1);
    CHECK(log.latest_epoch() == 0);
    // An epoch assigned at the end with no batch goes when truncating to the end.
    log.assign_epoch(5, 1);
    log.truncate_to(1);
    CHECK(log.latest_epoch() == 0);
}

TEST_CASE("UnifiedLog.maybeUpdateHighWatermark: the high watermark only rises, tagged with the newest epoch") {
    PartitionLog log;
    for (std::int32_t seq = 0; seq < 3; ++seq) log.append(idempotent_batch(1, seq, 10 + seq), 0);
    log.set_high_watermark(2, 4);
    log.set_high_watermark(1, 5);  // a new leader may know less: the follower keeps what it had
    CHECK(log.high_watermark() == 2);
    CHECK(log.high_watermark_epoch() == 5);
    log.set_high_watermark(3, 5);
    CHECK(log.high_watermark() == 3);
}

TEST_CASE("producer state follows truncation: a truncated batch is no longer a duplicate") {
    PartitionLog log;
    Partition partition(log, false);
    CHECK(partition.append_data(idempotent_batch(7, 0, 1), {}).error == ErrorCode::NONE);
    CHECK(partition.append_data(idempotent_batch(7, 1, 2), {}).error == ErrorCode::NONE);
    CHECK(partition.append_data(idempotent_batch(7, 1, 2), {}).duplicate);
    partition.truncate_to(1);
    const AppendResult again = partition.append_data(idempotent_batch(7, 1, 2), {});
    CHECK_FALSE(again.duplicate);
    CHECK(again.base_offset == 1);
}

TEST_CASE("a follower builds producer state from replicated batches, so it dedups after failover") {
    PartitionLog leader_log;
    Partition leader(leader_log, false);
    leader.append_data(idempotent_batch(7, 0, 1), {});
    leader.append_data(idempotent_batch(7, 1, 2), {});
    PartitionLog follower_log;
    Partition follower(follower_log, false);
    for (const LogBatch& b : leader_log.batches()) follower.append_replica(b);
    const AppendResult retried = follower.append_data(idempotent_batch(7, 0, 1), {});
    CHECK(retried.duplicate);
    CHECK(retried.base_offset == 0);
}

TEST_CASE("recovery from a snapshot keeps one batch per producer, replay after it keeps the rest") {
    PartitionLog log;
    Partition partition(log, false);
    for (int seq = 0; seq < 4; ++seq) partition.append_data(idempotent_batch(7, seq, static_cast<std::uint64_t>(seq)), {});
    Partition from_snapshot_at_end(log, false);
    from_snapshot_at_end.rebuild(log.log_end_offset());
    CHECK_FALSE(from_snapshot_at_end.append_data(idempotent_batch(7, 1, 1), {}).duplicate);
    Partition replayed(log, false);  // snapshot at 0: everything replays
    CHECK(replayed.append_data(idempotent_batch(7, 1, 1), {}).duplicate);
    Partition rolled(log, false);
    rolled.rebuild(2);  // snapshot after offsets 0 and 1, then 2 and 3 replay
    CHECK(rolled.append_data(idempotent_batch(7, 2, 2), {}).duplicate);
    CHECK(rolled.last_roll_offset(3) == 3);
}

TEST_CASE("acks=all waits for the ISR and acks=1 does not, so the leader crash loses only acks=1 writes") {
    using namespace eosim::scenario;
    const std::string dir = std::string(EOSIM_SOURCE_DIR) + "/scenarios/";
    RunOptions options;
    options.seed = 7;
    const RunOutcome acks1 = run_scenario(load_scenario(dir + "replication-acks1-leader-crash.json"), options);
    const RunOutcome acks_all = run_scenario(load_scenario(dir + "replication-acks-all-leader-crash.json"), options);
    CHECK(acks1.check.counts.lost > 0);
    CHECK(acks_all.check.counts.lost == 0);
    CHECK(acks_all.check.counts.duplicates == 0);
}

TEST_CASE("a new transaction coordinator completes a PrepareCommit left by the crashed one") {
    using namespace eosim::scenario;
    const Scenario s = load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/replication-coordinator-failover-prepare-commit.json");
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        std::ostringstream trace;
        RunOptions options{seed, &trace, nullptr};
        const RunOutcome outcome = run_scenario(s, options);
        // broker-1 coordinated first; after its crash another replica of its log partition
        // loads PrepareCommit and completes it.
        const std::string text = trace.str();
        CHECK(text.find("broker-1 txn.state transactional_id=processor-0 state=CompleteCommit") != std::string::npos);
        const bool recovered_elsewhere = text.find("broker-0 txn.recover_prepare") != std::string::npos ||
                                         text.find("broker-2 txn.recover_prepare") != std::string::npos;
        CHECK(recovered_elsewhere);
        // The group coordinator of "pipeline" moved with __consumer_offsets-1 as well.
        const bool group_moved = text.find("broker-0 group.coordinator_load partition=1") != std::string::npos ||
                                 text.find("broker-2 group.coordinator_load partition=1") != std::string::npos;
        CHECK(group_moved);
        // The old coordinator's delayed markers arrive after the new one finished: refused.
        const bool stale_refused = text.find("result=COMMIT error=INVALID_PRODUCER_EPOCH") != std::string::npos ||
                                   text.find("result=COMMIT error=TRANSACTION_COORDINATOR_FENCED") != std::string::npos;
        CHECK(stale_refused);
        CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
        CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::transactions_completed).holds);
    }
}

namespace {

// The correlation ids of `from`'s transaction-coordinator requests delivered to `to`, and of the
// answers `from` got back from `to`, read off a trace.
struct TxnRequests {
    std::set<std::string> asked, answered;
    int not_coordinator = 0;
};

TxnRequests txn_requests(const std::string& trace, const std::string& client, const std::string& broker) {
    TxnRequests r;
    std::istringstream lines(trace);
    const std::string asked = "deliver " + broker + " <- " + client + " ";
    const std::string answered = "deliver " + client + " <- " + broker + " ";
    for (std::string line; std::getline(lines, line);) {
        const bool is_ask = line.find(asked) != std::string::npos;
        const bool is_answer = line.find(answered) != std::string::npos;
        const bool txn = line.find("AddPartitionsToTxn") != std::string::npos ||
                         line.find("AddOffsetsToTxn") != std::string::npos ||
                         line.find("EndTxn") != std::string::npos || line.find("InitProducerId") != std::string::npos;
        const auto at = line.find("correlation=");
        if (!txn || at == std::string::npos || !(is_ask || is_answer)) continue;
        const std::string id = line.substr(at, line.find(' ', at) - at);
        (is_ask ? r.asked : r.answered).insert(id);
        if (is_answer && line.find("error=NOT_COORDINATOR") != std::string::npos) ++r.not_coordinator;
    }
    return r;
}

}  // namespace

// ReplicaManager.applyLocalFollowersDelta completes the delayed produces of partitions the broker
// stopped leading (completeDelayedFetchOrProduceRequests: NOT_LEADER_OR_FOLLOWER) before the
// coordinator resigns, so TransactionStateManager.appendTransactionToLog's callback answers the
// client NOT_COORDINATOR: no request is dropped with the coordinator.
TEST_CASE("ReplicaManager.completeDelayedFetchOrProduceRequests: a resigning coordinator answers its pending writes") {
    using namespace eosim::scenario;
    const Scenario s =
        load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/replication-coordinator-resigns-answers-pending.json");
    int not_coordinator = 0;
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        std::ostringstream trace;
        RunOptions options{seed, &trace, nullptr};
        const RunOutcome outcome = run_scenario(s, options);
        const TxnRequests r = txn_requests(trace.str(), "processor-0", "broker-1");
        CHECK(r.asked == r.answered);
        not_coordinator += r.not_coordinator;
        CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::quiesced).holds);
    }
    CHECK(not_coordinator > 0);  // the partition did catch writes pending at the old coordinator
}
