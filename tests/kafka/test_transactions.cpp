// Transactions: the coordinator's and the client's state tables, EndTxn's per-state answers,
// InitProducerId's cases, the last stable offset and the consumer's aborted-batch filter.
#include <doctest/doctest.h>

#include <functional>
#include <vector>

#include "kafka/client/client_transaction_state.hpp"
#include "kafka/client/consumer_client.hpp"
#include "kafka/log/partition.hpp"
#include "kafka/coordinator/transaction_coordinator.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

using S = TxnState;

// Kafka's TransactionState table: target -> valid previous states (TV1).
const std::vector<std::pair<S, std::vector<S>>> kValidPrevious = {
    {S::Empty, {S::Empty, S::CompleteCommit, S::CompleteAbort}},
    {S::Ongoing, {S::Ongoing, S::Empty, S::CompleteCommit, S::CompleteAbort}},
    {S::PrepareCommit, {S::Ongoing}},
    {S::PrepareAbort, {S::Ongoing, S::PrepareEpochFence}},
    {S::CompleteCommit, {S::PrepareCommit}},
    {S::CompleteAbort, {S::PrepareAbort}},
    {S::Dead, {S::Empty, S::CompleteCommit, S::CompleteAbort}},
    {S::PrepareEpochFence, {S::Ongoing}},
};
const std::vector<S> kAllStates = {S::Empty, S::Ongoing, S::PrepareCommit, S::PrepareAbort,
                                   S::CompleteCommit, S::CompleteAbort, S::Dead, S::PrepareEpochFence};

bool contains(const std::vector<S>& states, S s) {
    for (const S x : states) {
        if (x == s) return true;
    }
    return false;
}

// A host that runs the coordinator by hand: writes complete when flush() is called.
class FakeHost final : public TxnCoordinatorHost {
public:
    sim::TimeUs now() const override { return now_us; }
    void append_transaction_record(const TransactionLogRecord& record, std::function<void(ErrorCode)> done) override {
        log.push_back(record);
        actions.push_back([done] { done(ErrorCode::NONE); });
    }
    std::vector<TransactionLogRecord> transaction_records() const override { return log; }
    std::int64_t allocate_producer_id() override { return next_pid++; }
    void after(sim::TimeUs, std::function<void()> action) override { actions.push_back(std::move(action)); }
    void send_markers(std::int32_t, WriteTxnMarkersRequest request,
                      std::function<void(const WriteTxnMarkersResponse*)> on_response) override {
        markers.push_back(request);
        WriteTxnMarkersResponse response{request.producer_id, {}};
        for (const auto& tp : request.partitions) response.partitions.emplace_back(tp, marker_error);
        if (answer_markers) on_response(&response);
    }
    void trace(const sim::Describable&) override {}
    std::int32_t leader_of(const TopicPartition&) const override { return 0; }
    void flush() {
        while (!actions.empty()) {
            auto action = std::move(actions.front());
            actions.erase(actions.begin());
            action();
        }
    }
    sim::TimeUs now_us = 0;
    std::vector<TransactionLogRecord> log;
    std::int64_t next_pid = 100;
    std::vector<std::function<void()>> actions;
    std::vector<WriteTxnMarkersRequest> markers;
    bool answer_markers = true;
    ErrorCode marker_error = ErrorCode::NONE;  // every partition's answer
};

struct Coordinator {
    FakeHost host;
    ClusterLayout layout;
    TransactionCoordinator coordinator;
    explicit Coordinator(bool tv2 = false) : coordinator(host, layout, config(tv2)) {
        layout.broker_nodes = {0};
        layout.topics = {TopicSpec{"t", 2}};
    }
    static TxnCoordinatorConfig config(bool tv2) {
        TxnCoordinatorConfig c;
        c.transaction_version_2 = tv2;
        return c;
    }
    // Loads a transaction in the given state: pid 5, epoch 3, partition t-0.
    void load_in(S state) {
        TransactionLogRecord r;
        r.transactional_id = "tx";
        r.producer_id = 5;
        r.producer_epoch = 3;
        r.txn_timeout_ms = 1000;
        r.state = state;
        if (state != S::Empty) r.partitions = {{"t", 0}};
        host.log.push_back(r);
        host.answer_markers = false;  // keep Prepare* states as loaded
        coordinator.load(1);
        host.answer_markers = true;
    }
    template <typename Response, typename Request>
    Response call(void (TransactionCoordinator::*handler)(const Request&, TransactionCoordinator::Reply),
                  const Request& request) {
        std::vector<MessageBody> replies;
        (coordinator.*handler)(request, [&replies](MessageBody b) { replies.push_back(std::move(b)); });
        host.flush();
        REQUIRE(replies.size() == 1);
        return std::get<Response>(replies[0]);
    }
    ErrorCode end_txn(bool commit, std::int16_t epoch = 3, std::int64_t pid = 5) {
        return call<EndTxnResponse>(&TransactionCoordinator::handle_end_txn, EndTxnRequest{"tx", pid, epoch, commit}).error;
    }
    InitProducerIdResponse init(std::int64_t pid = -1, std::int16_t epoch = -1, std::int32_t timeout_ms = 1000) {
        return call<InitProducerIdResponse>(&TransactionCoordinator::handle_init_producer_id,
                                            InitProducerIdRequest{std::string("tx"), timeout_ms, pid, epoch});
    }
};

}  // namespace

TEST_CASE("coordinator transition table: every (from, to) pair, transaction.version 1") {
    for (const auto& row : kValidPrevious) {  // no structured binding: CAPTURE's lambda cannot use one in clang 14
        const S to = row.first;
        for (const S from : kAllStates) {
            CAPTURE(txn_state_name(from));
            CAPTURE(txn_state_name(to));
            CHECK(is_valid_transition(from, to, false) == contains(row.second, from));
        }
    }
}

TEST_CASE("transaction.version 2 also allows PrepareAbort from Empty and Complete*") {
    CHECK(is_valid_transition(S::Empty, S::PrepareAbort, true));
    CHECK(is_valid_transition(S::CompleteCommit, S::PrepareAbort, true));
    CHECK(is_valid_transition(S::CompleteAbort, S::PrepareAbort, true));
    CHECK_FALSE(is_valid_transition(S::Empty, S::PrepareCommit, true));
}

TEST_CASE("client transition table: every (from, to) pair") {
    using C = ClientTxnState;
    const std::vector<std::pair<C, std::vector<C>>> table = {
        {C::UNINITIALIZED, {C::READY, C::ABORTABLE_ERROR}},
        {C::INITIALIZING, {C::UNINITIALIZED, C::ABORTING_TRANSACTION}},
        {C::READY, {C::INITIALIZING, C::COMMITTING_TRANSACTION, C::ABORTING_TRANSACTION}},
        {C::IN_TRANSACTION, {C::READY}},
        {C::COMMITTING_TRANSACTION, {C::IN_TRANSACTION}},
        {C::ABORTING_TRANSACTION, {C::IN_TRANSACTION, C::ABORTABLE_ERROR}},
        {C::ABORTABLE_ERROR, {C::IN_TRANSACTION, C::COMMITTING_TRANSACTION, C::ABORTABLE_ERROR, C::INITIALIZING}},
    };
    const std::vector<C> all = {C::UNINITIALIZED, C::INITIALIZING, C::READY, C::IN_TRANSACTION,
                                C::COMMITTING_TRANSACTION, C::ABORTING_TRANSACTION, C::ABORTABLE_ERROR, C::FATAL_ERROR};
    for (const auto& row : table) {  // no structured binding: CAPTURE's lambda cannot use one in clang 14
        const C to = row.first;
        for (const C from : all) {
            bool expected = false;
            for (const C p : row.second) expected = expected || p == from;
            CAPTURE(client_txn_state_name(from));
            CAPTURE(client_txn_state_name(to));
            CHECK(is_valid_client_transition(from, to) == expected);
        }
    }
    for (const C from : all) CHECK(is_valid_client_transition(from, C::FATAL_ERROR));
}

TEST_CASE("EndTxn per-state table") {
    struct Row {
        S state;
        ErrorCode commit;
        ErrorCode abort;
    };
    const std::vector<Row> rows = {
        {S::Ongoing, ErrorCode::NONE, ErrorCode::NONE},
        {S::CompleteCommit, ErrorCode::NONE, ErrorCode::INVALID_TXN_STATE},
        {S::CompleteAbort, ErrorCode::INVALID_TXN_STATE, ErrorCode::NONE},
        {S::PrepareCommit, ErrorCode::CONCURRENT_TRANSACTIONS, ErrorCode::INVALID_TXN_STATE},
        {S::PrepareAbort, ErrorCode::INVALID_TXN_STATE, ErrorCode::CONCURRENT_TRANSACTIONS},
        {S::Empty, ErrorCode::INVALID_TXN_STATE, ErrorCode::INVALID_TXN_STATE},
    };
    for (const Row& row : rows) {
        for (const bool commit : {true, false}) {
            CAPTURE(txn_state_name(row.state));
            CAPTURE(commit);
            Coordinator c;
            c.load_in(row.state);
            CHECK(c.end_txn(commit) == (commit ? row.commit : row.abort));
        }
    }
}

TEST_CASE("EndTxn on Ongoing writes Prepare*, sends markers, then Complete*") {
    Coordinator c;
    c.load_in(S::Ongoing);
    CHECK(c.end_txn(true) == ErrorCode::NONE);
    REQUIRE(c.host.markers.size() == 1);
    CHECK(c.host.markers[0].committed);
    CHECK(c.host.markers[0].producer_epoch == 3);
    CHECK(c.host.markers[0].coordinator_epoch == 1);
    CHECK(c.coordinator.find("tx")->state == S::CompleteCommit);
    CHECK(c.host.log[c.host.log.size() - 2].state == S::PrepareCommit);  // durable before the answer
}

TEST_CASE("EndTxn checks the producer: wrong epoch, unknown id") {
    Coordinator c;
    c.load_in(S::Ongoing);
    CHECK(c.end_txn(true, 2) == ErrorCode::PRODUCER_FENCED);
    CHECK(c.end_txn(true, 3, 6) == ErrorCode::INVALID_PRODUCER_ID_MAPPING);
}

TEST_CASE("transaction.version 2: EndTxn bumps the epoch and aborts from Empty") {
    Coordinator c(true);
    c.load_in(S::Ongoing);
    const auto response = c.call<EndTxnResponse>(&TransactionCoordinator::handle_end_txn, EndTxnRequest{"tx", 5, 3, true});
    CHECK(response.error == ErrorCode::NONE);
    CHECK(response.producer_epoch == 4);
    CHECK(c.host.markers.at(0).producer_epoch == 4);
    CHECK(c.end_txn(true, 3) == ErrorCode::NONE);  // a retry of the same EndTxn
    CHECK(c.end_txn(true, 2) == ErrorCode::PRODUCER_FENCED);
    Coordinator empty(true);
    empty.load_in(S::Empty);
    CHECK(empty.end_txn(false) == ErrorCode::NONE);
}

TEST_CASE("InitProducerId: a new transactional id gets a fresh producer id at epoch 0") {
    Coordinator c;
    c.coordinator.load(1);
    const auto r = c.init();
    CHECK(r.error == ErrorCode::NONE);
    CHECK(r.producer_id == 100);
    CHECK(r.producer_epoch == 0);
}

TEST_CASE("InitProducerId: Empty or Complete* bumps the epoch") {
    for (const S state : {S::Empty, S::CompleteCommit, S::CompleteAbort}) {
        CAPTURE(txn_state_name(state));
        Coordinator c;
        c.load_in(state);
        const auto r = c.init();
        CHECK(r.error == ErrorCode::NONE);
        CHECK(r.producer_id == 5);
        CHECK(r.producer_epoch == 4);
        CHECK(c.coordinator.find("tx")->state == S::Empty);
    }
}

TEST_CASE("InitProducerId: an Ongoing transaction is fenced and aborted, the client retries") {
    Coordinator c;
    c.load_in(S::Ongoing);
    CHECK(c.init().error == ErrorCode::CONCURRENT_TRANSACTIONS);
    REQUIRE(c.host.markers.size() == 1);
    CHECK_FALSE(c.host.markers[0].committed);
    CHECK(c.host.markers[0].producer_epoch == 4);  // the abort markers carry the fencing epoch
    CHECK(c.coordinator.find("tx")->state == S::CompleteAbort);
    const auto retry = c.init();
    CHECK(retry.error == ErrorCode::NONE);
    CHECK(retry.producer_epoch == 5);
}

TEST_CASE("InitProducerId: Prepare* answers CONCURRENT_TRANSACTIONS") {
    for (const S state : {S::PrepareCommit, S::PrepareAbort}) {
        Coordinator c;
        c.load_in(state);
        CHECK(c.init().error == ErrorCode::CONCURRENT_TRANSACTIONS);
    }
}

TEST_CASE("InitProducerId with the producer's (pid, epoch): bump, retry, fenced") {
    Coordinator c;
    c.load_in(S::Empty);
    const auto bumped = c.init(5, 3);
    CHECK(bumped.producer_epoch == 4);
    CHECK(c.init(5, 3).producer_epoch == 4);  // a retry with the last epoch returns the current one
    CHECK(c.init(5, 1).error == ErrorCode::PRODUCER_FENCED);
    CHECK(c.init(9, 4).error == ErrorCode::PRODUCER_FENCED);
}

TEST_CASE("InitProducerId: an exhausted epoch rotates to a new producer id") {
    Coordinator c;
    TransactionLogRecord r;
    r.transactional_id = "tx";
    r.producer_id = 5;
    r.producer_epoch = 32766;
    r.txn_timeout_ms = 1000;
    c.host.log.push_back(r);
    c.coordinator.load(1);
    const auto rotated = c.init();
    CHECK(rotated.producer_id == 100);
    CHECK(rotated.producer_epoch == 0);
}

TEST_CASE("InitProducerId rejects bad requests") {
    Coordinator c;
    c.coordinator.load(1);
    CHECK(c.init(-1, -1, 0).error == ErrorCode::INVALID_TRANSACTION_TIMEOUT);
    CHECK(c.init(-1, -1, 900001).error == ErrorCode::INVALID_TRANSACTION_TIMEOUT);
    const auto empty_id = c.call<InitProducerIdResponse>(&TransactionCoordinator::handle_init_producer_id,
                                                         InitProducerIdRequest{std::string(""), 1000, -1, -1});
    CHECK(empty_id.error == ErrorCode::INVALID_REQUEST);
}

TEST_CASE("a coordinator restart completes a durable PrepareCommit") {
    Coordinator c;
    c.load_in(S::PrepareCommit);
    c.host.markers.clear();
    c.coordinator.load(2);  // e.g. after failover: markers again, with the new coordinator epoch
    c.host.flush();
    REQUIRE(c.host.markers.size() == 1);
    CHECK(c.host.markers[0].coordinator_epoch == 2);
    CHECK(c.coordinator.find("tx")->state == S::CompleteCommit);
}

// TransactionMarkerRequestCompletionHandler.onComplete: INVALID_PRODUCER_EPOCH and
// TRANSACTION_COORDINATOR_FENCED cancel the markers (removeMarkersForTxnId, abortSending): no
// retry, no Complete*. The transaction stays in Prepare* until the next load sends them again.
TEST_CASE("TransactionMarkerRequestCompletionHandler: a refused marker stops sending and leaves Prepare*") {
    for (const ErrorCode refusal : {ErrorCode::INVALID_PRODUCER_EPOCH, ErrorCode::TRANSACTION_COORDINATOR_FENCED}) {
        CAPTURE(error_name(refusal));
        Coordinator c;
        c.load_in(S::Ongoing);
        c.host.marker_error = refusal;
        CHECK(c.end_txn(true) == ErrorCode::NONE);  // answered once PrepareCommit is durable
        c.host.flush();
        CHECK(c.host.markers.size() == 1);  // not retried
        CHECK(c.coordinator.find("tx")->state == S::PrepareCommit);
        CHECK(c.host.log.back().state == S::PrepareCommit);  // no CompleteCommit written
        CHECK(c.end_txn(true) == ErrorCode::CONCURRENT_TRANSACTIONS);  // the client's retry waits
        c.host.marker_error = ErrorCode::NONE;
        c.coordinator.load(2);  // a reload sends the markers again
        c.host.flush();
        CHECK(c.host.markers.size() == 2);
        CHECK(c.coordinator.find("tx")->state == S::CompleteCommit);
    }
}

TEST_CASE("transaction timeout: the coordinator bumps the epoch and aborts") {
    Coordinator c;
    c.load_in(S::Ongoing);
    c.host.log.back().txn_start_us = 0;
    c.coordinator.load(1);
    c.host.now_us = sim::ms(1001);
    c.coordinator.abort_timed_out_transactions();
    c.host.flush();
    CHECK(c.coordinator.find("tx")->state == S::CompleteAbort);
    CHECK(c.coordinator.find("tx")->producer_epoch == 4);
}

namespace {

RecordBatch txn_batch(std::int64_t pid, std::int32_t seq, int records) {
    RecordBatch b;
    b.producer_id = pid;
    b.producer_epoch = 0;
    b.base_sequence = seq;
    b.transactional = true;
    for (int i = 0; i < records; ++i) b.records.push_back(Record{static_cast<std::uint64_t>(pid * 100 + seq + i), 0, kNoSource});
    return b;
}

RecordBatch plain_batch(std::uint64_t value) {
    RecordBatch b;
    b.records.push_back(Record{value, 0, kNoSource});
    return b;
}

}  // namespace

TEST_CASE("LSO: min(first offset of open transactions, HW)") {
    PartitionLog log;
    Partition p(log);
    const PartitionRules rules;
    p.append_data(plain_batch(1), rules);                 // offset 0
    CHECK(p.last_stable_offset() == 1);
    p.append_data(txn_batch(7, 0, 2), rules);             // offsets 1-2, txn of 7 opens at 1
    p.append_data(txn_batch(8, 0, 1), rules);             // offset 3, txn of 8 opens at 3
    CHECK(p.high_watermark() == 4);
    CHECK(p.last_stable_offset() == 1);
    p.append_marker(7, 0, 0, ControlType::commit, rules);  // offset 4
    CHECK(p.last_stable_offset() == 3);
    p.append_marker(8, 0, 0, ControlType::abort, rules);   // offset 5
    CHECK(p.last_stable_offset() == 6);
    REQUIRE(p.aborted_index().size() == 1);
    CHECK(p.aborted_index()[0].first_offset == 3);
    CHECK(p.aborted_index()[0].last_offset == 5);
    const ReadResult rc = p.read(0, Isolation::read_committed, 100);
    CHECK(rc.aborted.size() == 1);
    Partition rebuilt(log);  // replaying the log gives the same state
    CHECK(rebuilt.last_stable_offset() == 6);
    CHECK(rebuilt.aborted_index().size() == 1);
}

TEST_CASE("read_committed reads stop at the LSO, read_uncommitted at the HW") {
    PartitionLog log;
    Partition p(log);
    p.append_data(txn_batch(7, 0, 2), {});
    CHECK(p.read(0, Isolation::read_committed, 100).batches.empty());
    CHECK(p.read(0, Isolation::read_uncommitted, 100).batches.size() == 1);
}

TEST_CASE("a marker raises the partition's epoch: older writes are fenced") {
    PartitionLog log;
    Partition p(log);
    p.append_data(txn_batch(7, 0, 1), {});
    p.append_marker(7, 1, 0, ControlType::abort, {});
    CHECK(p.append_data(txn_batch(7, 1, 1), {}).error == ErrorCode::INVALID_PRODUCER_EPOCH);
    CHECK(p.append_marker(7, 1, -1, ControlType::abort, {}).error == ErrorCode::TRANSACTION_COORDINATOR_FENCED);
    CHECK(p.append_marker(7, 0, 0, ControlType::abort, {}).error == ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST_CASE("a non-transactional write while the producer has an open transaction is INVALID_TXN_STATE") {
    PartitionLog log;
    Partition p(log);
    p.append_data(txn_batch(7, 0, 1), {});
    RecordBatch plain = txn_batch(7, 1, 1);
    plain.transactional = false;
    CHECK(p.append_data(plain, {}).error == ErrorCode::INVALID_TXN_STATE);
}

TEST_CASE("the consumer's filter skips aborted batches and control records under read_committed") {
    PartitionLog log;
    Partition p(log);
    p.append_data(plain_batch(1), {});                     // 0: kept
    p.append_data(txn_batch(7, 0, 2), {});                 // 1-2: aborted
    p.append_data(txn_batch(8, 0, 1), {});                 // 3: committed
    p.append_marker(7, 0, 0, ControlType::abort, {});      // 4
    p.append_marker(8, 0, 0, ControlType::commit, {});     // 5
    REQUIRE(p.append_data(txn_batch(7, 2, 1), {}).error == ErrorCode::NONE);  // 6: 7 again
    p.append_marker(7, 0, 0, ControlType::commit, {});     // 7
    const TopicPartition tp{"t", 0};
    const auto fetch = [&](Isolation isolation) {
        const ReadResult r = p.read(0, isolation, 100);
        FetchResponse::PartitionData data{tp, ErrorCode::NONE, r.high_watermark, r.last_stable_offset, r.aborted, r.batches};
        return filter_fetched(data, 0, isolation);
    };
    const FilteredFetch committed = fetch(Isolation::read_committed);
    std::vector<std::int64_t> offsets;
    for (const auto& record : committed.records) offsets.push_back(record.offset);
    CHECK(offsets == std::vector<std::int64_t>{0, 3, 6});
    CHECK(committed.next_fetch_offset == 8);  // past the markers
    const FilteredFetch uncommitted = fetch(Isolation::read_uncommitted);
    CHECK(uncommitted.records.size() == 5);  // aborted data included, markers never
}

// CompletedFetch (org.apache.kafka.clients.consumer.internals) orders the fetch's aborted
// transactions in a PriorityQueue by firstOffset; the broker lists them in abort order.
TEST_CASE("CompletedFetch.consumeAbortedTransactionsUpTo: aborted transactions are taken by first offset, not abort order") {
    PartitionLog log;
    Partition p(log);
    p.append_data(txn_batch(7, 0, 1), {});             // 0: producer 7 begins
    p.append_data(txn_batch(8, 0, 1), {});             // 1: producer 8 begins
    p.append_marker(8, 0, 0, ControlType::abort, {});  // 2: 8 aborts first
    p.append_marker(7, 0, 0, ControlType::abort, {});  // 3: then 7
    p.append_data(plain_batch(1), {});                 // 4: kept
    const ReadResult r = p.read(0, Isolation::read_committed, 100);
    REQUIRE(r.aborted.size() == 2);
    CHECK(r.aborted[0].producer_id == 8);  // the index is in abort order
    FetchResponse::PartitionData data{{"t", 0}, ErrorCode::NONE, r.high_watermark, r.last_stable_offset, r.aborted, r.batches};
    const FilteredFetch fetched = filter_fetched(data, 0, Isolation::read_committed);
    std::vector<std::int64_t> offsets;
    for (const auto& record : fetched.records) offsets.push_back(record.offset);
    CHECK(offsets == std::vector<std::int64_t>{4});
    CHECK(fetched.next_fetch_offset == 5);
}

TEST_CASE("transaction.version 2: an EndTxn retried across a coordinator reload gets the completed answer") {
    Coordinator c(true);
    c.load_in(S::Ongoing);
    CHECK(c.end_txn(true) == ErrorCode::NONE);  // epoch 3 -> 4, committed
    c.coordinator.load(2);                      // failover: lastProducerEpoch is not persisted
    c.host.flush();
    CHECK(c.coordinator.find("tx")->last_producer_epoch == kNoProducerEpoch);
    CHECK(c.end_txn(true, 3) == ErrorCode::NONE);  // the client's retry with its old epoch
}

TEST_CASE("TransactionCoordinator.handleVerifyPartitionsInTransaction does not check the pending state") {
    Coordinator c;
    c.load_in(S::Ongoing);  // t-0 is in the transaction
    // AddOffsetsToTxn is being written (pending) when a leader verifies t-0 for a produce.
    std::vector<MessageBody> offsets_reply;
    c.coordinator.handle_add_offsets(AddOffsetsToTxnRequest{"tx", 5, 3, "g"},
                                     [&offsets_reply](MessageBody b) { offsets_reply.push_back(std::move(b)); });
    REQUIRE(offsets_reply.empty());  // the write has not completed
    const auto verify = [&c](TopicPartition tp) {
        std::vector<MessageBody> replies;
        c.coordinator.handle_add_partitions(AddPartitionsToTxnRequest{"tx", 5, 3, {tp}, true},
                                            [&replies](MessageBody b) { replies.push_back(std::move(b)); });
        REQUIRE(replies.size() == 1);
        return std::get<AddPartitionsToTxnResponse>(replies[0]).error;
    };
    CHECK(verify({"t", 0}) == ErrorCode::NONE);  // not CONCURRENT_TRANSACTIONS
    CHECK(verify({"t", 1}) == ErrorCode::TRANSACTION_ABORTABLE);
    // A client's own AddPartitionsToTxn still waits for the pending write.
    std::vector<MessageBody> add_reply;
    c.coordinator.handle_add_partitions(AddPartitionsToTxnRequest{"tx", 5, 3, {{"t", 1}}, false},
                                        [&add_reply](MessageBody b) { add_reply.push_back(std::move(b)); });
    REQUIRE(add_reply.size() == 1);
    CHECK(std::get<AddPartitionsToTxnResponse>(add_reply[0]).error == ErrorCode::CONCURRENT_TRANSACTIONS);
    c.host.flush();
}
