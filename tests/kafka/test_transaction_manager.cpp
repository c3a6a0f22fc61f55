// Kafka's TransactionManager (clients/producer/internals/TransactionManager.java) on its own: no
// network, no simulation. A scripted host stands for the sender and the accumulator; each case is
// a row of its request/answer rules.
#include <doctest/doctest.h>

#include <vector>

#include "kafka/client/transaction_manager.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

class ScriptedSender final : public TransactionManagerHost, public TransactionListener {
public:
    std::int32_t coordinator(CoordinatorType type, const std::string&) const override {
        return type == CoordinatorType::transaction ? txn_coordinator : group_coordinator;
    }
    void lookup_coordinator() override { ++lookups; }
    bool has_unfinished_batches() const override { return unfinished_batches; }
    void fail_queued_batches(ErrorCode error) override { failed_with.push_back(error); }
    void producer_id_and_epoch_changed(std::int64_t pid, std::int16_t epoch, bool) override {
        producer_id = pid;
        producer_epoch = epoch;
    }
    void state_changed(ClientTxnState, ClientTxnState) override {}
    void on_transaction_result(TxnOperation operation, ErrorCode error, bool fatal) override {
        results.push_back({operation, error, fatal});
    }

    struct Result {
        TxnOperation operation;
        ErrorCode error;
        bool fatal;
    };
    std::int32_t txn_coordinator = 1;
    std::int32_t group_coordinator = 2;
    int lookups = 0;
    bool unfinished_batches = false;
    std::vector<ErrorCode> failed_with;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::vector<Result> results;
};

ProducerConfig transactional_config(bool transaction_version_2) {
    ProducerConfig config;
    config.transactional_id = "txn-0";
    config.transaction_version_2 = transaction_version_2;
    config.retry_backoff_ms = 100;
    return config;
}

struct Fixture {
    explicit Fixture(bool transaction_version_2 = true) : config(transactional_config(transaction_version_2)) {}
    ProducerConfig config;
    ScriptedSender sender;
    TransactionManager txn{config, sender};

    std::optional<TxnRequest> next(sim::TimeUs now = 0) {
        return txn.next_request(now, sender.producer_id, sender.producer_epoch);
    }
    // initTransactions answered with (1000, 0): READY.
    void initialize() {
        txn.set_listener(&sender);
        REQUIRE(txn.init_transactions());
        const auto init = next();
        REQUIRE(init);
        REQUIRE(std::holds_alternative<InitProducerIdRequest>(init->body));
        txn.handle_init_producer_id_response({ErrorCode::NONE, 1000, 0}, 0);
        REQUIRE(txn.state() == ClientTxnState::READY);
        sender.results.clear();
    }
    // A transaction with one partition added.
    void open_with(const TopicPartition& tp) {
        txn.begin_transaction();
        REQUIRE(txn.note_send(tp));
        const auto add = next();
        REQUIRE(add);
        REQUIRE(std::holds_alternative<AddPartitionsToTxnRequest>(add->body));
        txn.handle_add_partitions_to_txn_response({ErrorCode::NONE, {tp}}, 0);
        REQUIRE(txn.send_to_partition_allowed(tp));
    }
};

const TopicPartition kOut{"output", 0};

}  // namespace

TEST_CASE("TransactionManager.nextRequest: one request at a time, each to its coordinator") {
    Fixture f;
    f.initialize();
    f.txn.begin_transaction();
    CHECK_FALSE(f.txn.send_to_partition_allowed(kOut));  // isSendToPartitionAllowed: not added yet
    REQUIRE(f.txn.note_send(kOut));
    const auto add = f.next();
    REQUIRE(add);
    CHECK(add->broker == 1);
    const auto& request = std::get<AddPartitionsToTxnRequest>(add->body);
    CHECK(request.producer_id == 1000);
    CHECK(request.partitions == std::vector<TopicPartition>{kOut});
    CHECK_FALSE(f.next());  // in flight
    f.txn.handle_add_partitions_to_txn_response({ErrorCode::NONE, {kOut}}, 0);
    CHECK(f.txn.send_to_partition_allowed(kOut));

    REQUIRE(f.txn.send_offsets_to_transaction({{{"input", 0}, 7}}, {"pipeline", "m-1", 3, ""}));
    const auto add_offsets = f.next();
    REQUIRE(add_offsets);
    CHECK(add_offsets->broker == 1);
    CHECK(std::holds_alternative<AddOffsetsToTxnRequest>(add_offsets->body));
    f.txn.handle_add_offsets_to_txn_response({ErrorCode::NONE}, 0);
    const auto commit_offsets = f.next();
    REQUIRE(commit_offsets);
    CHECK(commit_offsets->broker == 2);  // the group coordinator
    const auto& offsets = std::get<TxnOffsetCommitRequest>(commit_offsets->body);
    CHECK(offsets.generation_id == 3);
    CHECK(offsets.member_id == "m-1");
    f.txn.handle_txn_offset_commit_response({{{{"input", 0}, ErrorCode::NONE}}}, 0);
    REQUIRE(f.sender.results.size() == 1);
    CHECK(f.sender.results[0].operation == TxnOperation::send_offsets);
    CHECK(f.sender.results[0].error == ErrorCode::NONE);
}

TEST_CASE("TransactionManager.nextRequest: EndTxn waits until the accumulator has no incomplete batch") {
    Fixture f;
    f.initialize();
    f.open_with(kOut);
    f.sender.unfinished_batches = true;
    REQUIRE(f.txn.commit_transaction());
    CHECK_FALSE(f.next());
    f.sender.unfinished_batches = false;
    const auto end = f.next();
    REQUIRE(end);
    CHECK(std::get<EndTxnRequest>(end->body).committed);
    f.txn.handle_end_txn_response({ErrorCode::NONE, 1000, 1}, 0);  // EndTxn v5 bumps the epoch
    CHECK(f.txn.state() == ClientTxnState::READY);
    CHECK(f.sender.producer_epoch == 1);
    REQUIRE(f.sender.results.size() == 1);
    CHECK(f.sender.results[0].operation == TxnOperation::commit);
}

TEST_CASE("TransactionManager.nextRequest: no EndTxn for a transaction that never started") {
    SUBCASE("transaction.version 2: nothing sent") {
        Fixture f(true);
        f.initialize();
        f.txn.begin_transaction();
        REQUIRE(f.txn.commit_transaction());
        CHECK_FALSE(f.next());
        CHECK(f.txn.state() == ClientTxnState::READY);
        REQUIRE(f.sender.results.size() == 1);
        CHECK(f.sender.results[0].error == ErrorCode::NONE);
    }
    SUBCASE("transaction.version 1: a send was made but no partition was added") {
        Fixture f(false);
        f.initialize();
        f.txn.begin_transaction();
        REQUIRE(f.txn.note_send(kOut));
        REQUIRE(f.txn.abort_transaction());  // abortUndrainedBatches, the pending add dropped
        CHECK(f.sender.failed_with == std::vector<ErrorCode>{ErrorCode::TRANSACTION_ABORTABLE});
        CHECK_FALSE(f.next());
        CHECK(f.txn.state() == ClientTxnState::READY);
    }
}

TEST_CASE("KIP-360: an abortable sequence error aborts, then InitProducerId bumps the same producer id") {
    Fixture f;
    f.initialize();
    f.open_with(kOut);
    f.txn.enter_abortable_error(ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER);
    CHECK(f.txn.state() == ClientTxnState::ABORTABLE_ERROR);
    CHECK(f.txn.aborting());
    REQUIRE(f.txn.abort_transaction());
    const auto end = f.next();
    REQUIRE(end);
    CHECK_FALSE(std::get<EndTxnRequest>(end->body).committed);
    f.txn.handle_end_txn_response({ErrorCode::NONE, kNoProducerId, kNoProducerEpoch}, 0);
    CHECK(f.txn.state() == ClientTxnState::INITIALIZING);
    const auto init = f.next();
    REQUIRE(init);
    const auto& request = std::get<InitProducerIdRequest>(init->body);
    CHECK(request.producer_id == 1000);
    CHECK(request.producer_epoch == 0);
    f.txn.handle_init_producer_id_response({ErrorCode::NONE, 1000, 1}, 0);
    CHECK(f.txn.state() == ClientTxnState::READY);
    REQUIRE(f.sender.results.size() == 1);
    CHECK(f.sender.results[0].operation == TxnOperation::abort);
}

TEST_CASE("KAFKA-5477: the first AddPartitionsToTxn retries CONCURRENT_TRANSACTIONS after 20 ms, others after retry.backoff.ms") {
    Fixture f;
    f.initialize();
    f.txn.begin_transaction();
    REQUIRE(f.txn.note_send(kOut));
    REQUIRE(f.next(1000));
    f.txn.handle_add_partitions_to_txn_response({ErrorCode::CONCURRENT_TRANSACTIONS, {}}, 1000);
    CHECK(f.txn.retry_at_us() == std::optional<sim::TimeUs>{1000 + sim::ms(20)});
    CHECK_FALSE(f.next(1000 + sim::ms(19)));
    REQUIRE(f.next(1000 + sim::ms(20)));
    f.txn.handle_add_partitions_to_txn_response({ErrorCode::NONE, {kOut}}, 0);

    const TopicPartition second{"output", 1};
    REQUIRE(f.txn.note_send(second));
    REQUIRE(f.next(sim::ms(50)));
    f.txn.handle_add_partitions_to_txn_response({ErrorCode::CONCURRENT_TRANSACTIONS, {}}, sim::ms(50));
    CHECK(f.txn.retry_at_us() == std::optional<sim::TimeUs>{sim::ms(150)});
}

TEST_CASE("TxnOffsetCommitHandler: a group fence aborts the transaction, a producer fence is fatal") {
    for (const ErrorCode error : {ErrorCode::UNKNOWN_MEMBER_ID, ErrorCode::ILLEGAL_GENERATION, ErrorCode::FENCED_INSTANCE_ID,
                                  ErrorCode::PRODUCER_FENCED}) {
        CAPTURE(error_name(error));
        Fixture f;
        f.initialize();
        f.open_with(kOut);
        REQUIRE(f.txn.send_offsets_to_transaction({{{"input", 0}, 7}}, {"pipeline", "m-1", 3, ""}));
        REQUIRE(f.next());
        f.txn.handle_add_offsets_to_txn_response({ErrorCode::NONE}, 0);
        REQUIRE(f.next());
        f.txn.handle_txn_offset_commit_response({{{{"input", 0}, error}}}, 0);
        const bool fatal = error == ErrorCode::PRODUCER_FENCED;
        CHECK(f.txn.state() == (fatal ? ClientTxnState::FATAL_ERROR : ClientTxnState::ABORTABLE_ERROR));
        REQUIRE(f.sender.results.size() == 1);
        CHECK(f.sender.results[0].operation == TxnOperation::send_offsets);
        CHECK(f.sender.results[0].error == error);
        CHECK(f.sender.results[0].fatal == fatal);
    }
}

TEST_CASE("TxnRequestHandler: NOT_COORDINATOR looks the coordinator up again and retries, an unknown coordinator waits") {
    Fixture f;
    f.txn.set_listener(&f.sender);
    f.sender.txn_coordinator = kNoLeader;
    REQUIRE(f.txn.init_transactions());
    CHECK_FALSE(f.next());  // FindCoordinator first
    f.sender.txn_coordinator = 1;
    REQUIRE(f.next(0));
    f.txn.handle_init_producer_id_response({ErrorCode::NOT_COORDINATOR, kNoProducerId, kNoProducerEpoch}, 0);
    CHECK(f.sender.lookups == 1);
    CHECK(f.txn.state() == ClientTxnState::INITIALIZING);
    CHECK_FALSE(f.next(sim::ms(99)));
    REQUIRE(f.next(sim::ms(100)));
    f.txn.request_failed(sim::ms(100));  // timed out: look up again and back off
    CHECK(f.sender.lookups == 2);
    CHECK(f.txn.retry_at_us() == std::optional<sim::TimeUs>{sim::ms(200)});
    CHECK(f.sender.results.empty());
}

TEST_CASE("InitProducerIdHandler: a non-retriable error is fatal") {
    Fixture f;
    f.txn.set_listener(&f.sender);
    REQUIRE(f.txn.init_transactions());
    REQUIRE(f.next());
    f.txn.handle_init_producer_id_response({ErrorCode::INVALID_TRANSACTION_TIMEOUT, kNoProducerId, kNoProducerEpoch}, 0);
    CHECK(f.txn.state() == ClientTxnState::FATAL_ERROR);
    REQUIRE(f.sender.results.size() == 1);
    CHECK(f.sender.results[0].fatal);
    // commitTransaction on a fatal producer fails at once.
    CHECK_FALSE(f.txn.commit_transaction());
    CHECK(f.sender.results.back().error == ErrorCode::PRODUCER_FENCED);
}
