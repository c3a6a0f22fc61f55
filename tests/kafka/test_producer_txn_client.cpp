// The transactional producer client (Kafka's TransactionManager) against a scripted coordinator.
#include <doctest/doctest.h>

#include <memory>
#include <optional>
#include <vector>

#include "kafka/client/producer_client.hpp"
#include "sim/simulation.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

// A transaction coordinator that is still completing an earlier transaction: every
// AddPartitionsToTxn gets CONCURRENT_TRANSACTIONS. InitProducerId is answered (a given
// (pid, epoch) is bumped), and the requests are recorded.
class BusyCoordinator final : public sim::Node {
public:
    BusyCoordinator() : sim::Node("broker-0") {}
    void on_start() override {}
    void on_timer(std::uint64_t) override {}
    void on_crash() override {}
    void on_message(const sim::Envelope& e) override {
        const auto& m = static_cast<const KafkaMessage&>(*e.payload);
        if (std::holds_alternative<ApiVersionsRequest>(m.body)) return reply(e, m.correlation_id, ApiVersionsResponse{});
        if (const auto* init = std::get_if<InitProducerIdRequest>(&m.body)) {
            inits.push_back(*init);
            const bool bump = init->producer_id != kNoProducerId;
            return reply(e, m.correlation_id,
                         InitProducerIdResponse{ErrorCode::NONE, 1000,
                                                static_cast<std::int16_t>(bump ? init->producer_epoch + 1 : 0)});
        }
        if (std::holds_alternative<AddPartitionsToTxnRequest>(m.body)) {
            ++adds;
            return reply(e, m.correlation_id, AddPartitionsToTxnResponse{ErrorCode::CONCURRENT_TRANSACTIONS, {}});
        }
        if (std::holds_alternative<EndTxnRequest>(m.body)) {
            ++end_txns;
            return reply(e, m.correlation_id, EndTxnResponse{});
        }
        ++others;
    }
    std::vector<InitProducerIdRequest> inits;
    int adds = 0;
    int end_txns = 0;
    int others = 0;

private:
    void reply(const sim::Envelope& e, std::int32_t correlation, MessageBody body) {
        sim().send(id(), e.connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
    }
};

class TxnHost final : public sim::Node, public SendListener, public TransactionListener {
public:
    TxnHost(std::shared_ptr<const ClusterLayout> layout, ProducerConfig config)
        : sim::Node("producer"), layout_(std::move(layout)), config_(std::move(config)) {}
    void on_start() override {
        client = std::make_unique<ProducerClient>(sim(), id(), layout_, config_, *this, 1);
        client->set_transaction_listener(this);
    }
    void on_message(const sim::Envelope& e) override { client->on_message(e); }
    void on_timer(std::uint64_t) override { client->on_timer(); }
    void on_connection_closed(sim::ConnectionId c) override { client->on_connection_closed(c); }
    void on_crash() override {}
    void on_send_complete(std::uint64_t, const TopicPartition&, const SendOutcome& o) override { outcomes.push_back(o); }
    void on_transaction_result(TxnOperation operation, ErrorCode error, bool) override {
        results.push_back({operation, error});
    }
    std::unique_ptr<ProducerClient> client;
    std::vector<SendOutcome> outcomes;
    std::vector<std::pair<TxnOperation, ErrorCode>> results;

private:
    std::shared_ptr<const ClusterLayout> layout_;
    ProducerConfig config_;
};

}  // namespace

// TransactionManager.nextRequest: an EndTxn for a transaction that never started at the
// coordinator (!transactionStarted) is not sent; completeTransaction moves to INITIALIZING when
// an epoch bump is required, and nextRequest hands out the next handler, the epoch-bumping
// InitProducerId, in the same pass. (maybeTransitionToErrorState requires the bump for a batch
// that failed outside COMMITTING/ABORTING.) eosim used to stop there, INITIALIZING forever.
TEST_CASE("TransactionManager.nextRequest: a skipped EndTxn is followed at once by the epoch-bumping InitProducerId") {
    sim::Simulation sim{1, sim::LinkProfile{500, 0}, nullptr};
    auto layout = std::make_shared<ClusterLayout>();
    layout->broker_nodes = {0};
    layout->topics = {TopicSpec{"t", 1}};
    auto coordinator_node = std::make_unique<BusyCoordinator>();
    BusyCoordinator& coordinator = *coordinator_node;
    sim.add_node(std::move(coordinator_node));
    ProducerConfig config;
    config.request_timeout_ms = 1000;
    config.delivery_timeout_ms = 2000;
    config.linger_ms = 0;
    config.transactional_id = "txn-0";
    auto host_node = std::make_unique<TxnHost>(layout, config);
    TxnHost& host = *host_node;
    sim.add_node(std::move(host_node));
    sim.start_all();

    host.client->init_transactions();
    sim.run(sim::ms(100));
    REQUIRE(host.client->transaction_state() == ClientTxnState::READY);
    REQUIRE(coordinator.inits.size() == 1);

    // The partition is never added, so its batch waits in the accumulator until
    // delivery.timeout.ms: an abortable error inside the transaction.
    host.client->begin_transaction();
    host.client->send(TopicPartition{"t", 0}, Record{1, 0}, 100);
    sim.run(sim::ms(2500));
    REQUIRE(host.outcomes.size() == 1);
    CHECK(host.outcomes[0].kind == SendOutcome::Kind::fail);
    REQUIRE(host.client->transaction_state() == ClientTxnState::ABORTABLE_ERROR);
    CHECK(coordinator.adds > 0);

    host.client->abort_transaction();
    sim.run(sim::ms(5000));
    CHECK(coordinator.end_txns == 0);  // nothing to end at the coordinator
    REQUIRE(coordinator.inits.size() == 2);
    CHECK(coordinator.inits[1].producer_id == 1000);  // KIP-360: bump the current (pid, epoch)
    CHECK(coordinator.inits[1].producer_epoch == 0);
    CHECK(host.client->transaction_state() == ClientTxnState::READY);
    CHECK(host.client->producer_epoch() == 1);
    REQUIRE(host.results.size() == 2);
    CHECK(host.results[1].first == TxnOperation::abort);
    CHECK(host.results[1].second == ErrorCode::NONE);
    CHECK(coordinator.others == 0);
}

namespace {

// A transaction.version 2 producer, initialized, against the BusyCoordinator.
struct Tv2Client {
    sim::Simulation sim{1, sim::LinkProfile{500, 0}, nullptr};
    BusyCoordinator* coordinator = nullptr;
    TxnHost* host = nullptr;
    Tv2Client() {
        auto layout = std::make_shared<ClusterLayout>();
        layout->broker_nodes = {0};
        layout->topics = {TopicSpec{"t", 1}};
        auto coordinator_node = std::make_unique<BusyCoordinator>();
        coordinator = coordinator_node.get();
        sim.add_node(std::move(coordinator_node));
        ProducerConfig config;
        config.linger_ms = 0;
        config.transactional_id = "txn-0";
        config.transaction_version_2 = true;
        auto host_node = std::make_unique<TxnHost>(layout, config);
        host = host_node.get();
        sim.add_node(std::move(host_node));
        sim.start_all();
        host->client->init_transactions();
        sim.run(sim::ms(100));
        REQUIRE(host->client->transaction_state() == ClientTxnState::READY);
    }
};

}  // namespace

// transaction.version 2: transactionStarted is set by the first send or sendOffsetsToTransaction
// ("Not sending EndTxn for completed transaction since no send or sendOffsetsToTransaction were
// triggered"), not by a coordinator's answer as under version 1.
TEST_CASE("TransactionManager.nextRequest, transaction.version 2: an abort with no send sends no EndTxn") {
    Tv2Client t;
    t.host->client->begin_transaction();
    t.host->client->abort_transaction();
    t.sim.run(sim::ms(1000));
    CHECK(t.coordinator->end_txns == 0);
    CHECK(t.host->client->transaction_state() == ClientTxnState::READY);
    REQUIRE(t.host->results.size() == 2);
    CHECK(t.host->results[1] == std::pair{TxnOperation::abort, ErrorCode::NONE});
}

TEST_CASE("TransactionManager.nextRequest, transaction.version 2: after a send the abort sends EndTxn, even if nothing reached the coordinator") {
    Tv2Client t;
    t.host->client->begin_transaction();
    t.host->client->send(TopicPartition{"t", 0}, Record{1, 0}, 100);
    t.sim.run(sim::ms(200));
    CHECK(t.coordinator->adds > 0);  // refused with CONCURRENT_TRANSACTIONS: nothing added
    t.host->client->abort_transaction();
    t.sim.run(sim::ms(1000));
    CHECK(t.coordinator->end_txns == 1);
    CHECK(t.host->client->transaction_state() == ClientTxnState::READY);
}
