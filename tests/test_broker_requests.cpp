// Broker request handling seen from a scripted client on one connection: what each request is
// answered with, and in which order.
#include <doctest/doctest.h>

#include <memory>
#include <utility>
#include <vector>

#include "kafka/broker/broker.hpp"
#include "sim/simulation.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

// Sends its script on one connection to broker-0, each request at its time, and keeps the
// answers in arrival order.
class ScriptedClient final : public sim::Node {
public:
    explicit ScriptedClient(std::vector<std::pair<sim::TimeUs, MessageBody>> script)
        : sim::Node("client"), script_(std::move(script)) {}
    void on_start() override {
        connection_ = sim().connect(id(), 0);
        for (std::size_t i = 0; i < script_.size(); ++i) sim().set_timer(id(), script_[i].first, i);
    }
    void on_message(const sim::Envelope& e) override {
        const auto& m = static_cast<const KafkaMessage&>(*e.payload);
        answers.emplace_back(m.correlation_id, m.body);
    }
    void on_timer(std::uint64_t tag) override {
        sim().send(id(), connection_, std::make_unique<KafkaMessage>(static_cast<std::int32_t>(tag), script_[tag].second));
    }
    void on_crash() override {}
    std::vector<std::pair<std::int32_t, MessageBody>> answers;

private:
    std::vector<std::pair<sim::TimeUs, MessageBody>> script_;
    sim::ConnectionId connection_ = 0;
};

RecordBatch batch(std::int64_t producer_id, bool transactional, std::uint64_t value) {
    RecordBatch b;
    b.producer_id = producer_id;
    b.producer_epoch = 0;
    b.base_sequence = 0;
    b.transactional = transactional;
    b.records.push_back(Record{value, 0, kNoSource});
    return b;
}

ProduceRequest produce(RecordBatch b) {
    ProduceRequest request{std::nullopt, -1, 30000, {{TopicPartition{"t", 0}, std::move(b)}}};
    if (request.partitions[0].batch.transactional) request.transactional_id = "tx";
    return request;
}

std::vector<std::pair<std::int32_t, MessageBody>> run(std::vector<std::pair<sim::TimeUs, MessageBody>> script) {
    sim::Simulation sim(1, sim::LinkProfile{500, 0}, nullptr);
    auto layout = std::make_shared<ClusterLayout>();
    layout->broker_nodes = {0};
    layout->topics = {TopicSpec{"t", 1}};
    BrokerConfig config;
    config.partition_verification = false;  // a transactional write opens a transaction directly
    sim.add_node(std::make_unique<Broker>("broker-0", 0, layout, config));
    auto client = std::make_unique<ScriptedClient>(std::move(script));
    ScriptedClient* c = client.get();
    sim.add_node(std::move(client));
    sim.start_all();
    sim.run(sim::ms(1000));
    return c->answers;
}

std::int64_t listed_offset(const std::vector<std::pair<std::int32_t, MessageBody>>& answers, std::int32_t correlation) {
    for (const auto& [id, body] : answers) {
        if (id == correlation) return std::get<ListOffsetsResponse>(body).partitions.at(0).offset;
    }
    FAIL("no ListOffsets answer");
    return -1;
}

}  // namespace

// Partition.fetchOffsetForTimestamp (LATEST_TIMESTAMP with an isolation level): read_committed
// gets the last stable offset, read_uncommitted the high watermark.
TEST_CASE("Partition.fetchOffsetForTimestamp: ListOffsets LATEST under read_committed is the last stable offset") {
    const TopicPartition tp{"t", 0};
    const auto answers = run({
        {sim::ms(1), produce(batch(7, true, 1))},    // offset 0: opens producer 7's transaction
        {sim::ms(2), produce(batch(8, false, 2))},   // offset 1: plain
        {sim::ms(10), ListOffsetsRequest{{tp}, Isolation::read_committed}},
        {sim::ms(11), ListOffsetsRequest{{tp}, Isolation::read_uncommitted}},
    });
    CHECK(listed_offset(answers, 2) == 0);  // the open transaction's first offset
    CHECK(listed_offset(answers, 3) == 2);
}

// SocketServer's Processor mutes a connection until the response to its current request is sent
// (RequestChannel): a ListOffsets behind a Fetch long poll on the same connection is read, and
// answered, only after the poll's response.
TEST_CASE("SocketServer.Processor mutes the connection: responses leave in request order") {
    const TopicPartition tp{"t", 0};
    FetchRequest poll;
    poll.max_wait_ms = 100;  // nothing to read: the broker parks it for 100 ms
    poll.max_records = 10;
    poll.partitions.push_back({tp, 0});
    const auto answers = run({
        {sim::ms(1), poll},
        {sim::ms(2), ListOffsetsRequest{{tp}, Isolation::read_uncommitted}},
        {sim::ms(3), produce(batch(8, false, 1))},
    });
    REQUIRE(answers.size() == 3);
    CHECK(answers[0].first == 0);
    CHECK(std::holds_alternative<FetchResponse>(answers[0].second));
    CHECK(answers[1].first == 1);
    CHECK(answers[2].first == 2);
    // The ListOffsets was read after the poll ended: it sees nothing yet; the write came after.
    CHECK(listed_offset(answers, 1) == 0);
}
