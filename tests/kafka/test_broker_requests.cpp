// Broker request handling seen from a scripted client on one connection: what each request is
// answered with, and in which order (the broker harness, broker_harness.hpp).
#include <doctest/doctest.h>

#include <utility>
#include <vector>

#include "broker_harness.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

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

// The script on one connection to broker-0 (the broker harness); the answers in arrival order.
std::vector<test::ScriptedClient::Answer> run(std::vector<std::pair<sim::TimeUs, MessageBody>> script) {
    test::HarnessOptions options;
    options.broker.partition_verification = false;  // a transactional write opens a transaction directly
    test::BrokerHarness h(options);
    test::ScriptedClient& c = h.client("client");
    for (auto& [at_us, request] : script) c.send_at(at_us, 0, std::move(request));
    h.start();
    h.run_until(sim::ms(1000));
    return c.answers;
}

std::int64_t listed_offset(const std::vector<test::ScriptedClient::Answer>& answers, std::int32_t correlation) {
    for (const auto& a : answers) {
        if (a.correlation == correlation) return std::get<ListOffsetsResponse>(a.body).partitions.at(0).offset;
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
    CHECK(answers[0].correlation == 0);
    CHECK(std::holds_alternative<FetchResponse>(answers[0].body));
    CHECK(answers[1].correlation == 1);
    CHECK(answers[2].correlation == 2);
    // The ListOffsets was read after the poll ended: it sees nothing yet; the write came after.
    CHECK(listed_offset(answers, 1) == 0);
}
