// The producer client against a scripted broker: retries keep their sequence, the KIP-360
// epoch bump restarts sequences at 0, and outcomes are classified ok / fail / info.
#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <optional>
#include <vector>

#include "kafka/client/producer_client.hpp"
#include "sim/simulation.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

// Answers InitProducerId with (1000, 0) and each ProduceRequest from a script:
// an error code, or std::nullopt to stay silent (the response is never sent).
class ScriptedBroker final : public sim::Node {
public:
    explicit ScriptedBroker(std::deque<std::optional<ErrorCode>> script)
        : sim::Node("broker-0"), script_(std::move(script)) {}
    void on_start() override {}
    void on_timer(std::uint64_t) override {}
    void on_crash() override {}
    void on_message(const sim::Envelope& e) override {
        const auto& m = static_cast<const KafkaMessage&>(*e.payload);
        if (std::holds_alternative<ApiVersionsRequest>(m.body)) {
            reply(e, m.correlation_id, ApiVersionsResponse{});
            return;
        }
        if (std::holds_alternative<InitProducerIdRequest>(m.body)) {
            reply(e, m.correlation_id, InitProducerIdResponse{ErrorCode::NONE, 1000, 0});
            return;
        }
        const auto& produce = std::get<ProduceRequest>(m.body);
        const RecordBatch& batch = produce.partitions.front().batch;
        seen.push_back({batch.producer_id, batch.producer_epoch, batch.base_sequence, sim().now()});
        std::optional<ErrorCode> action = ErrorCode::NONE;
        if (!script_.empty()) {
            action = script_.front();
            script_.pop_front();
        }
        if (!action || produce.acks == 0) return;
        ProduceResponse response;
        response.partitions.push_back({produce.partitions.front().partition, *action,
                                       *action == ErrorCode::NONE ? next_offset_ : -1, 0});
        if (*action == ErrorCode::NONE) next_offset_ += batch.record_count();
        reply(e, m.correlation_id, response);
    }
    struct Seen {
        std::int64_t pid;
        std::int16_t epoch;
        std::int32_t seq;
        sim::TimeUs at_us = 0;
    };
    std::vector<Seen> seen;

private:
    void reply(const sim::Envelope& e, std::int32_t correlation, MessageBody body) {
        sim().send(id(), e.connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
    }
    std::deque<std::optional<ErrorCode>> script_;
    std::int64_t next_offset_ = 0;
};

class ProducerHost final : public sim::Node, public SendListener {
public:
    ProducerHost(std::shared_ptr<const ClusterLayout> layout, ProducerConfig config)
        : sim::Node("producer"), layout_(std::move(layout)), config_(config) {}
    void on_start() override {
        client = std::make_unique<ProducerClient>(sim(), id(), layout_, config_, *this, 1);
    }
    void on_message(const sim::Envelope& e) override { client->on_message(e); }
    void on_timer(std::uint64_t) override { client->on_timer(); }
    void on_connection_closed(sim::ConnectionId c) override { client->on_connection_closed(c); }
    void on_crash() override {}
    void on_send_complete(std::uint64_t value, const TopicPartition&, const SendOutcome& o) override {
        outcomes.push_back({value, o});
    }
    std::unique_ptr<ProducerClient> client;
    std::vector<std::pair<std::uint64_t, SendOutcome>> outcomes;

private:
    std::shared_ptr<const ClusterLayout> layout_;
    ProducerConfig config_;
};

struct Harness {
    sim::Simulation sim{1, sim::LinkProfile{500, 0}, nullptr};
    ScriptedBroker* broker;
    ProducerHost* host;
    TopicPartition tp{"t", 0};

    Harness(ProducerConfig config, std::deque<std::optional<ErrorCode>> script) {
        auto layout = std::make_shared<ClusterLayout>();
        layout->broker_nodes = {0};
        layout->topics = {TopicSpec{"t", 1}};
        auto b = std::make_unique<ScriptedBroker>(std::move(script));
        broker = b.get();
        sim.add_node(std::move(b));
        auto h = std::make_unique<ProducerHost>(layout, config);
        host = h.get();
        sim.add_node(std::move(h));
        sim.start_all();
    }
    void send_and_run(std::uint64_t value) {
        host->client->send(tp, Record{value, 0}, 100);
        sim.run(sim::ms(600'000));
    }
};

ProducerConfig fast_config() {
    ProducerConfig c;
    c.request_timeout_ms = 1000;
    c.linger_ms = 0;
    return c;
}

}  // namespace

TEST_CASE("OUT_OF_ORDER on the next expected batch bumps the epoch and restarts at sequence 0") {
    Harness h(fast_config(), {ErrorCode::OUT_OF_ORDER_SEQUENCE_NUMBER, ErrorCode::NONE});
    h.send_and_run(7);
    REQUIRE(h.broker->seen.size() == 2);
    CHECK(h.broker->seen[0].epoch == 0);
    CHECK(h.broker->seen[0].seq == 0);
    CHECK(h.broker->seen[1].pid == 1000);
    CHECK(h.broker->seen[1].epoch == 1);  // bumped by the client, no RPC (KIP-360)
    CHECK(h.broker->seen[1].seq == 0);
    CHECK(h.host->client->producer_epoch() == 1);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::ok);
}

TEST_CASE("a timed-out request is retried with the same epoch and sequence") {
    Harness h(fast_config(), {std::nullopt, ErrorCode::NONE});
    h.send_and_run(7);
    REQUIRE(h.broker->seen.size() == 2);
    CHECK(h.broker->seen[1].epoch == h.broker->seen[0].epoch);
    CHECK(h.broker->seen[1].seq == h.broker->seen[0].seq);
    CHECK(h.host->client->producer_epoch() == 0);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::ok);
}

TEST_CASE("sequences advance by record count across batches") {
    Harness h(fast_config(), {});
    h.send_and_run(1);
    h.send_and_run(2);
    REQUIRE(h.broker->seen.size() == 2);
    CHECK(h.broker->seen[1].seq == 1);
    CHECK(h.host->client->next_sequence(h.tp) == 2);
}

TEST_CASE("a send that timed out and ran out of retries is indeterminate") {
    ProducerConfig c = fast_config();
    c.enable_idempotence = false;
    c.retries = 0;
    Harness h(c, {std::nullopt});
    h.send_and_run(7);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::info);
}

TEST_CASE("a definite rejection on the only attempt is a failure") {
    Harness h(fast_config(), {ErrorCode::INVALID_PRODUCER_EPOCH});
    h.send_and_run(7);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::fail);
    CHECK(h.host->outcomes[0].second.error == ErrorCode::INVALID_PRODUCER_EPOCH);
}

TEST_CASE("a definite rejection after an unanswered attempt is indeterminate") {
    Harness h(fast_config(), {std::nullopt, ErrorCode::INVALID_PRODUCER_EPOCH});
    h.send_and_run(7);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::info);
}

// DelayedProduce (Kafka's purgatory for acks=all) answers an appended batch with
// NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank (Partition.checkEnoughReplicasReachOffset),
// NOT_LEADER_OR_FOLLOWER when leadership moved, or REQUEST_TIMED_OUT on expiry: the records are in
// the leader's log, so a send that ends on one of them is indeterminate, never a failure.
TEST_CASE("DelayedProduce: a send that ran out of retries on NOT_ENOUGH_REPLICAS_AFTER_APPEND is indeterminate") {
    for (const ErrorCode after_append : {ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND, ErrorCode::NOT_LEADER_OR_FOLLOWER,
                                         ErrorCode::REQUEST_TIMED_OUT}) {
        CAPTURE(error_name(after_append));
        ProducerConfig c = fast_config();
        c.retries = 1;
        Harness h(c, {after_append, after_append});
        h.send_and_run(7);
        REQUIRE(h.broker->seen.size() == 2);
        REQUIRE(h.host->outcomes.size() == 1);
        CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::info);
        CHECK(h.host->outcomes[0].second.error == after_append);
    }
}

// Partition.appendRecordsToLeader refuses an acks=all batch with NOT_ENOUGH_REPLICAS before it
// writes anything: a definite failure.
TEST_CASE("Partition.appendRecordsToLeader: NOT_ENOUGH_REPLICAS on every attempt is a failure") {
    ProducerConfig c = fast_config();
    c.retries = 1;
    Harness h(c, {ErrorCode::NOT_ENOUGH_REPLICAS, ErrorCode::NOT_ENOUGH_REPLICAS});
    h.send_and_run(7);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::fail);
}

// With acks=1 the leader answers right after its own append (no DelayedProduce), so
// NOT_LEADER_OR_FOLLOWER means it refused the batch.
TEST_CASE("ReplicaManager.delayedProduceRequestRequired: with acks=1 NOT_LEADER_OR_FOLLOWER is a refusal") {
    ProducerConfig c = fast_config();
    c.enable_idempotence = false;
    c.acks = 1;
    c.retries = 0;
    Harness h(c, {ErrorCode::NOT_LEADER_OR_FOLLOWER});
    h.send_and_run(7);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::fail);
}

TEST_CASE("without idempotence there is no producer id and no sequence") {
    ProducerConfig c = fast_config();
    c.enable_idempotence = false;
    Harness h(c, {std::nullopt, ErrorCode::NONE});
    h.send_and_run(7);
    REQUIRE(h.broker->seen.size() == 2);
    CHECK(h.broker->seen[0].pid == kNoProducerId);
    CHECK(h.broker->seen[1].seq == kNoSequence);
}

TEST_CASE("acks=0 completes on send without an offset") {
    ProducerConfig c = fast_config();
    c.enable_idempotence = false;
    c.acks = 0;
    Harness h(c, {});
    h.send_and_run(7);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::ok);
    CHECK(h.host->outcomes[0].second.offset == -1);
}

TEST_CASE("delivery.timeout.ms fails a batch that keeps timing out") {
    ProducerConfig c = fast_config();
    c.delivery_timeout_ms = 2500;
    c.delivery_timeout_set = true;
    Harness h(c, {std::nullopt, std::nullopt, std::nullopt, std::nullopt});
    h.send_and_run(7);
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::info);
    CHECK(h.broker->seen.size() >= 2);
}

// Kafka's Sender.completeBatch calls failBatch(batch, response, batch.attempts() < retries), and
// TransactionManager.handleFailedBatch renumbers nothing when the batch ran out of retries: it
// may have been appended, so the batch after it keeps its epoch and sequence and the broker
// recognises it as a duplicate instead of appending it again under a new epoch.
TEST_CASE("TransactionManager.handleFailedBatch: a batch out of retries leaves its successors' sequences alone") {
    ProducerConfig c = fast_config();
    c.retries = 1;
    Harness h(c, {std::nullopt, std::nullopt, std::nullopt, ErrorCode::NONE});
    h.host->client->send(h.tp, Record{1, 0}, 100);
    h.sim.run(sim::ms(5));  // InitProducerId, then the first batch drains alone
    h.host->client->send(h.tp, Record{2, 0}, 100);
    h.sim.run(sim::ms(600'000));
    REQUIRE(h.broker->seen.size() == 4);
    CHECK(h.broker->seen[2].seq == 0);  // the first batch's retry, the lowest sequence, goes first
    CHECK(h.broker->seen[3].epoch == 0);
    CHECK(h.broker->seen[3].seq == 1);
    CHECK(h.host->client->producer_epoch() == 0);
    REQUIRE(h.host->outcomes.size() == 2);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::info);
    CHECK(h.host->outcomes[1].second.kind == SendOutcome::Kind::ok);
}

// TransactionManager.maybeResolveSequences runs only once the partition has no batch in flight
// or waiting for a retry (hasInflightBatches); the retries still go out meanwhile
// (RecordAccumulator.shouldStopDrainBatchesForPartition holds back only new batches). When they
// are acknowledged the sequence is contiguous again and no epoch bump is needed.
TEST_CASE("TransactionManager.maybeResolveSequences: an expired batch waits for its partition's retries, no bump when they land") {
    ProducerConfig c = fast_config();
    c.delivery_timeout_ms = 1500;
    c.delivery_timeout_set = true;
    Harness h(c, {std::nullopt, std::nullopt, std::nullopt, ErrorCode::NONE, ErrorCode::NONE});
    h.host->client->send(h.tp, Record{1, 0}, 100);
    h.sim.run(sim::ms(10));
    h.host->client->send(h.tp, Record{2, 0}, 100);
    h.sim.run(sim::ms(600'000));
    h.send_and_run(3);
    REQUIRE(h.broker->seen.size() == 5);
    CHECK(h.broker->seen[3].epoch == 0);  // the second batch's retry, after the first expired
    CHECK(h.broker->seen[3].seq == 1);
    CHECK(h.broker->seen[4].epoch == 0);  // resolved without a bump
    CHECK(h.broker->seen[4].seq == 2);
    REQUIRE(h.host->outcomes.size() == 3);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::info);
    CHECK(h.host->outcomes[1].second.kind == SendOutcome::Kind::ok);
    CHECK(h.host->outcomes[2].second.kind == SendOutcome::Kind::ok);
}

// Sender.runOnce expires batches past delivery.timeout.ms (sendProducerData: failBatch with
// adjustSequenceNumbers false, markSequenceUnresolved) before client.poll times the request out.
// When both deadlines fall on one instant, the expired batch must be unresolved, not failed as a
// plain request timeout: that would bump the epoch and renumber its successor, which may already
// be in the log, so the successor's retry would be appended a second time under the new epoch.
TEST_CASE("Sender.runOnce: a batch whose delivery and request timeouts coincide leaves its successor's epoch and sequence") {
    ProducerConfig c = fast_config();
    c.linger_ms = 500;  // each batch is sent linger.ms after creation: its two deadlines coincide
    c.delivery_timeout_ms = c.linger_ms + c.request_timeout_ms;
    c.delivery_timeout_set = true;
    Harness h(c, {ErrorCode::NONE, std::nullopt, std::nullopt, ErrorCode::NONE, ErrorCode::NONE});
    h.send_and_run(1);
    h.host->client->send(h.tp, Record{2, 0}, 100);
    h.sim.run(h.sim.now() + sim::ms(c.linger_ms + 10));  // value 2 is in flight
    h.host->client->send(h.tp, Record{3, 0}, 100);
    // Value 2's timeouts close the connection; value 3's request fails with it and is retried
    // within its own delivery timeout.
    h.sim.run(sim::ms(600'000));
    h.send_and_run(4);
    REQUIRE(h.broker->seen.size() == 5);
    CHECK(h.broker->seen[3].epoch == 0);  // value 3's retry keeps what the broker may have
    CHECK(h.broker->seen[3].seq == 2);
    CHECK(h.broker->seen[4].epoch == 0);  // value 3 landed: sequences are contiguous, no bump
    CHECK(h.broker->seen[4].seq == 3);
    CHECK(h.host->client->producer_epoch() == 0);
    REQUIRE(h.host->outcomes.size() == 4);
    CHECK(h.host->outcomes[1].second.kind == SendOutcome::Kind::info);
    CHECK(h.host->outcomes[2].second.kind == SendOutcome::Kind::ok);
}

// org.apache.kafka.common.utils.ExponentialBackoff (KIP-580): retry.backoff.ms * 2^attempts, capped
// at retry.backoff.max.ms, times a jitter factor in [0.8, 1.2); fixed when the cap is not above
// the initial interval.
TEST_CASE("ExponentialBackoff.backoff: doubles per attempt up to retry.backoff.max.ms, with 20% jitter") {
    sim::Prng prng(7);
    const ExponentialBackoff backoff(100, 1000);
    for (int round = 0; round < 50; ++round) {
        const sim::TimeUs first = backoff.backoff_us(0, prng);
        CHECK(first >= sim::ms(80));
        CHECK(first < sim::ms(120));
        const sim::TimeUs third = backoff.backoff_us(2, prng);
        CHECK(third >= sim::ms(320));
        CHECK(third < sim::ms(480));
        const sim::TimeUs late = backoff.backoff_us(20, prng);
        CHECK(late >= sim::ms(800));
        CHECK(late <= sim::ms(1000));
    }
    const ExponentialBackoff fixed(100, 100);
    CHECK(fixed.backoff_us(5, prng) == sim::ms(100));
    const ExponentialBackoff none(0, 1000);
    CHECK(none.backoff_us(3, prng) == 0);
}

// Kafka's Sender.sendProducerData drains only to nodes for which NetworkClient.ready is true (the
// connection set up and ApiVersions answered); client.ready starts connecting to the others.
// So while the broker refuses connections an acks=0 batch stays in the accumulator, and it
// counts as sent only once it was written to a ready connection.
TEST_CASE("NetworkClient.ready: an acks=0 batch waits in the accumulator while the broker refuses connections") {
    ProducerConfig c = fast_config();
    c.enable_idempotence = false;
    c.acks = 0;
    Harness h(c, {});
    h.sim.crash(h.broker->id());
    h.host->client->send(h.tp, Record{7, 0}, 100);
    h.sim.run(sim::ms(300));
    CHECK(h.host->outcomes.empty());  // not "sent" into a refused connection
    CHECK(h.broker->seen.empty());
    h.sim.restart(h.broker->id());
    h.sim.run(sim::ms(600'000));
    REQUIRE(h.host->outcomes.size() == 1);
    CHECK(h.host->outcomes[0].second.kind == SendOutcome::Kind::ok);
    CHECK(h.broker->seen.size() == 1);
}

// Sender.runOnce / sendProducerData: while data is sendable, client.poll returns at once and the
// next request goes out without waiting for a response, up to max.in.flight per connection.
TEST_CASE("Sender.sendProducerData: a backlog of batches fills max.in.flight.requests.per.connection at once") {
    ProducerConfig c = fast_config();
    c.batch_size = 100;  // one record per batch
    c.max_in_flight_requests_per_connection = 5;
    Harness h(c, {});
    for (std::uint64_t value = 1; value <= 8; ++value) h.host->client->send(h.tp, Record{value, 0}, 100);
    h.sim.run(sim::ms(600'000));
    REQUIRE(h.broker->seen.size() == 8);
    for (std::size_t i = 0; i < 8; ++i) CHECK(h.broker->seen[i].seq == static_cast<std::int32_t>(i));
    for (std::size_t i = 1; i < 5; ++i) CHECK(h.broker->seen[i].at_us == h.broker->seen[0].at_us);  // five on the wire
    CHECK(h.broker->seen[5].at_us > h.broker->seen[0].at_us);  // the sixth waits for a response
    REQUIRE(h.host->outcomes.size() == 8);
}
