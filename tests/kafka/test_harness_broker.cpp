// The broker through the broker harness: Produce with idempotence and transactions, Fetch under
// each isolation level, and WriteTxnMarkers, sent by a scripted client to a real broker over the
// simulated network. Each case names the Kafka code whose rule it checks (storage module:
// ProducerAppendInfo, ProducerStateEntry, UnifiedLog; core: ReplicaManager, Partition).
#include <doctest/doctest.h>

#include <optional>

#include "broker_harness.hpp"

using namespace eosim;
using namespace eosim::kafka;
using eosim::test::BrokerHarness;
using eosim::test::HarnessOptions;
using eosim::test::ScriptedClient;

namespace {

constexpr sim::TimeUs kMs = 1000;
const TopicPartition kTp{"t", 0};

RecordBatch batch(std::int64_t pid, std::int16_t epoch, std::int32_t seq, std::uint64_t value, bool transactional = false) {
    RecordBatch b;
    b.producer_id = pid;
    b.producer_epoch = epoch;
    b.base_sequence = seq;
    b.transactional = transactional;
    b.records.push_back(Record{value, 0, kNoSource});
    return b;
}

ProduceRequest produce(RecordBatch b) {
    ProduceRequest r;
    if (b.transactional) r.transactional_id = "tx";
    r.partitions.push_back({kTp, std::move(b)});
    return r;
}

FetchRequest fetch(Isolation isolation, std::int64_t from = 0) {
    FetchRequest r;
    r.max_wait_ms = 0;
    r.isolation = isolation;
    r.partitions.push_back({kTp, from});
    return r;
}

WriteTxnMarkersRequest marker(std::int64_t pid, std::int16_t epoch, bool committed, std::int32_t coordinator_epoch = 0) {
    WriteTxnMarkersRequest r;
    r.producer_id = pid;
    r.producer_epoch = epoch;
    r.coordinator_epoch = coordinator_epoch;
    r.committed = committed;
    r.partitions = {kTp};
    return r;
}

// One broker, transactional writes open transactions directly (no partition verification, so no
// coordinator round trip sits between the script and the partition).
HarnessOptions one_broker() {
    HarnessOptions o;
    o.broker.partition_verification = false;
    return o;
}

const ProduceResponse::PartitionResponse& produced(const ScriptedClient& c, std::int32_t correlation) {
    return c.answer<ProduceResponse>(correlation).partitions.at(0);
}

std::vector<std::uint64_t> data_values(const FetchResponse::PartitionData& p) {
    std::vector<std::uint64_t> values;
    for (const LogBatch& b : p.batches) {
        if (b.batch.control != ControlType::none) continue;
        for (const Record& r : b.batch.records) values.push_back(r.value);
    }
    return values;
}

}  // namespace

TEST_CASE("ProducerStateEntry.findDuplicateBatch (UnifiedLog.analyzeAndValidateProducerState): a retried batch is answered with its original offset, not appended again") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    const auto first = c.send_at(1 * kMs, 0, produce(batch(7, 0, 0, 100)));
    const auto second = c.send_at(2 * kMs, 0, produce(batch(7, 0, 1, 101)));
    const auto retry = c.send_at(3 * kMs, 0, produce(batch(7, 0, 0, 100)));
    h.start();
    h.run_until(100 * kMs);
    CHECK(produced(c, first).error == ErrorCode::NONE);
    CHECK(produced(c, second).base_offset == 1);
    CHECK(produced(c, retry).error == ErrorCode::NONE);
    CHECK(produced(c, retry).base_offset == 0);
    CHECK(h.broker(0).partition(kTp)->log().log_end_offset() == 2);
}

TEST_CASE("ProducerAppendInfo.checkSequence: a gap in the sequence is OUT_OF_ORDER_SEQUENCE_NUMBER and nothing is appended") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 0, 0, 100)));
    const auto gap = c.send_at(2 * kMs, 0, produce(batch(7, 0, 5, 105)));
    h.start();
    h.run_until(100 * kMs);
    CHECK(produced(c, gap).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
    CHECK(h.broker(0).partition(kTp)->log().log_end_offset() == 1);
}

TEST_CASE("ProducerAppendInfo.checkSequence: a new epoch must start at sequence 0") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 0, 0, 100)));
    const auto bad = c.send_at(2 * kMs, 0, produce(batch(7, 1, 3, 103)));
    const auto good = c.send_at(3 * kMs, 0, produce(batch(7, 1, 0, 110)));
    h.start();
    h.run_until(100 * kMs);
    CHECK(produced(c, bad).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
    CHECK(produced(c, good).error == ErrorCode::NONE);
    CHECK(produced(c, good).base_offset == 1);
}

TEST_CASE("ProducerAppendInfo.checkProducerEpoch: a write with an older epoch is INVALID_PRODUCER_EPOCH") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 1, 0, 100)));
    const auto zombie = c.send_at(2 * kMs, 0, produce(batch(7, 0, 1, 101)));
    h.start();
    h.run_until(100 * kMs);
    CHECK(produced(c, zombie).error == ErrorCode::INVALID_PRODUCER_EPOCH);
    CHECK(h.broker(0).partition(kTp)->log().log_end_offset() == 1);
}

TEST_CASE("UnifiedLog.read with FetchIsolation.TXN_COMMITTED: read_committed stops at the last stable offset, read_uncommitted at the high watermark") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 0, 0, 100, true)));  // offset 0: opens pid 7's transaction
    c.send_at(2 * kMs, 0, produce(batch(8, 0, 0, 200)));        // offset 1: plain
    const auto committed = c.send_at(10 * kMs, 0, fetch(Isolation::read_committed));
    const auto uncommitted = c.send_at(11 * kMs, 0, fetch(Isolation::read_uncommitted));
    h.start();
    h.run_until(100 * kMs);
    const auto& rc = c.answer<FetchResponse>(committed).partitions.at(0);
    const auto& ru = c.answer<FetchResponse>(uncommitted).partitions.at(0);
    CHECK(rc.last_stable_offset == 0);
    CHECK(rc.high_watermark == 2);
    CHECK(data_values(rc).empty());
    CHECK(data_values(ru) == std::vector<std::uint64_t>{100, 200});
}

TEST_CASE("WriteTxnMarkers (ReplicaManager.appendRecords of an ABORT marker): the LSO passes the transaction and read_committed gets the aborted-transaction list") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 0, 0, 100, true)));
    c.send_at(2 * kMs, 0, produce(batch(8, 0, 0, 200)));
    const auto abort = c.send_at(5 * kMs, 0, marker(7, 0, false));
    const auto read = c.send_at(10 * kMs, 0, fetch(Isolation::read_committed));
    h.start();
    h.run_until(100 * kMs);
    const auto& answer = c.answer<WriteTxnMarkersResponse>(abort);
    REQUIRE(answer.partitions.size() == 1);
    CHECK(answer.partitions[0].second == ErrorCode::NONE);
    const auto& rc = c.answer<FetchResponse>(read).partitions.at(0);
    CHECK(rc.last_stable_offset == 3);  // past the marker at offset 2
    REQUIRE(rc.aborted.size() == 1);
    CHECK(rc.aborted[0].producer_id == 7);
    CHECK(rc.aborted[0].first_offset == 0);
    // The broker returns the aborted batch too: the consumer drops it (CompletedFetch).
    CHECK(data_values(rc) == std::vector<std::uint64_t>{100, 200});
}

TEST_CASE("ProducerAppendInfo.appendEndTxnMarker: a marker with an older producer epoch is INVALID_PRODUCER_EPOCH, an older coordinator epoch TRANSACTION_COORDINATOR_FENCED") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 2, 0, 100, true)));
    const auto stale = c.send_at(5 * kMs, 0, marker(7, 1, true, 3));
    const auto commit = c.send_at(6 * kMs, 0, marker(7, 2, true, 3));
    c.send_at(7 * kMs, 0, produce(batch(7, 2, 1, 101, true)));  // a second transaction
    const auto old_coordinator = c.send_at(8 * kMs, 0, marker(7, 2, false, 2));
    h.start();
    h.run_until(100 * kMs);
    CHECK(c.answer<WriteTxnMarkersResponse>(stale).partitions.at(0).second == ErrorCode::INVALID_PRODUCER_EPOCH);
    CHECK(c.answer<WriteTxnMarkersResponse>(commit).partitions.at(0).second == ErrorCode::NONE);
    CHECK(c.answer<WriteTxnMarkersResponse>(old_coordinator).partitions.at(0).second ==
          ErrorCode::TRANSACTION_COORDINATOR_FENCED);
}

TEST_CASE("ProducerAppendInfo.maybeValidateDataBatch: a non-transactional write while the producer has an open transaction is INVALID_TXN_STATE") {
    BrokerHarness h(one_broker());
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 0, 0, 100, true)));
    const auto plain = c.send_at(2 * kMs, 0, produce(batch(7, 0, 1, 101, false)));
    h.start();
    h.run_until(100 * kMs);
    CHECK(produced(c, plain).error == ErrorCode::INVALID_TXN_STATE);
}

// The same scripts with the broker's mechanism knocked out: the assertions above depend on it.
TEST_CASE("knock-outs in the harness: without the duplicate check a retry is appended again, without epoch fencing a zombie's write is taken") {
    HarnessOptions options = one_broker();
    options.broker.knockouts.disable_idempotent_dedup = true;
    options.broker.knockouts.disable_epoch_fencing = true;
    BrokerHarness h(options);
    ScriptedClient& c = h.client("client");
    c.send_at(1 * kMs, 0, produce(batch(7, 0, 0, 100)));
    const auto retry = c.send_at(2 * kMs, 0, produce(batch(7, 0, 0, 100)));
    ScriptedClient& z = h.client("zombie");
    z.send_at(1 * kMs, 0, produce(batch(9, 1, 0, 900)));
    const auto zombie = z.send_at(3 * kMs, 0, produce(batch(9, 0, 1, 901)));
    h.start();
    h.run_until(100 * kMs);
    CHECK(produced(c, retry).error == ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);  // no longer recognised
    CHECK(produced(z, zombie).error == ErrorCode::NONE);
}
