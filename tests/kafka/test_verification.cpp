// KIP-890 part 1 at the broker: a transactional write to a partition that is not in the
// producer's transaction is refused when partition verification is on.
#include <doctest/doctest.h>

#include <deque>
#include <memory>
#include <optional>

#include "kafka/broker/broker.hpp"
#include "sim/simulation.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

// Sends InitProducerId(tx), then a transactional produce to t-0 without AddPartitionsToTxn.
class BuggyClient final : public sim::Node {
public:
    BuggyClient() : sim::Node("client") {}
    void on_start() override {
        connection_ = sim().connect(id(), 0);
        send(InitProducerIdRequest{std::string("tx"), 60000, kNoProducerId, kNoProducerEpoch});
    }
    void on_message(const sim::Envelope& e) override {
        const auto& m = static_cast<const KafkaMessage&>(*e.payload);
        if (const auto* init = std::get_if<InitProducerIdResponse>(&m.body)) {
            RecordBatch batch;
            batch.producer_id = init->producer_id;
            batch.producer_epoch = init->producer_epoch;
            batch.base_sequence = 0;
            batch.transactional = true;
            batch.records.push_back(Record{1, 0, kNoSource});
            send(ProduceRequest{std::string("tx"), -1, 30000, {{TopicPartition{"t", 0}, batch}}});
            return;
        }
        if (const auto* produce = std::get_if<ProduceResponse>(&m.body)) produce_error = produce->partitions.at(0).error;
    }
    void on_timer(std::uint64_t) override {}
    void on_crash() override {}
    std::optional<ErrorCode> produce_error;

private:
    void send(MessageBody body) { sim().send(id(), connection_, std::make_unique<KafkaMessage>(next_++, std::move(body))); }
    sim::ConnectionId connection_ = 0;
    std::int32_t next_ = 0;
};

struct Result {
    std::optional<ErrorCode> error;
    std::int64_t last_stable_offset = 0;
    std::int64_t high_watermark = 0;
};

Result run(bool verification, bool knocked_out = false) {
    sim::Simulation sim(1, sim::LinkProfile{500, 0}, nullptr);
    auto layout = std::make_shared<ClusterLayout>();
    layout->broker_nodes = {0};
    layout->topics = {TopicSpec{"t", 1}};
    BrokerConfig config;
    config.partition_verification = verification;
    config.knockouts.disable_partition_verification = knocked_out;
    auto broker = std::make_unique<Broker>("broker-0", 0, layout, config);
    Broker* b = broker.get();
    sim.add_node(std::move(broker));
    auto client = std::make_unique<BuggyClient>();
    BuggyClient* c = client.get();
    sim.add_node(std::move(client));
    sim.start_all();
    sim.run(sim::ms(1000));
    const Partition* p = b->partition({"t", 0});
    return Result{c->produce_error, p->last_stable_offset(), p->high_watermark()};
}

}  // namespace

TEST_CASE("verification refuses a transactional write to a partition not in the transaction") {
    const Result verified = run(true);
    REQUIRE(verified.error.has_value());
    CHECK(*verified.error == ErrorCode::TRANSACTION_ABORTABLE);
    CHECK(verified.high_watermark == 0);
}

TEST_CASE("without verification the write opens a transaction no coordinator knows (LSO stuck)") {
    const Result unverified = run(false);
    REQUIRE(unverified.error.has_value());
    CHECK(*unverified.error == ErrorCode::NONE);
    CHECK(unverified.high_watermark == 1);
    CHECK(unverified.last_stable_offset == 0);  // a hanging transaction holds the LSO back
}

TEST_CASE("the partition_verification knock-out appends unverified writes with verification enabled") {
    const Result knocked_out = run(true, true);
    REQUIRE(knocked_out.error.has_value());
    CHECK(*knocked_out.error == ErrorCode::NONE);
    CHECK(knocked_out.last_stable_offset == 0);
}
