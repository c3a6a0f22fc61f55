// buffer.memory back-pressure: a producer application's send() blocks while the client's buffer
// pool has no room for a new batch, and fails after max.block.ms (KafkaProducer with BufferPool).
#include <doctest/doctest.h>

#include <string>

#include "report/trace_export.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"

using namespace eosim;

namespace {

struct BufferRun {
    scenario::RunOutcome outcome;
    int blocked = 0;    // producer.send_blocked records
    int timed_out = 0;  // producer.send_block_timeout records
};

// One broker; 100 values of 1,000 bytes every 100 us; batch.size 2,000 holds one of them, so
// every send needs a new batch of 2,000 bytes from the pool.
BufferRun run(const std::string& config, const std::string& faults) {
    const std::string text = R"({"name": "buffer", "cluster": {"brokers": 1},
        "topics": [{"name": "t", "partitions": 1}],
        "producers": [{"name": "p", "topic": "t", "messages": 100, "interval_us": 100, "value_bytes": 1000,
                       "config": {"acks": 1, "enable.idempotence": false, "linger.ms": 0, "batch.size": 2000,
                                  "request.timeout.ms": 1000, "delivery.timeout.ms": 120000)" + config + R"(}}],
        "faults": [)" + faults + "]}";
    report::TraceCollector collector(report::TraceFilter{});
    scenario::RunOptions options;
    options.trace_observers.push_back(&collector);
    BufferRun result{scenario::run_scenario(scenario::parse_scenario(text, "buffer.json"), options), 0, 0};
    REQUIRE(result.outcome.halt == scenario::Halt::none);
    for (const report::TraceEvent& e : collector.events()) {
        result.blocked += e.type == "producer.send_blocked" ? 1 : 0;
        result.timed_out += e.type == "producer.send_block_timeout" ? 1 : 0;
    }
    return result;
}

constexpr const char* kProducerCutOff = R"({"type": "partition", "isolate": ["p"], "at_ms": 1, "duration_ms": 300})";

}  // namespace

TEST_CASE("buffer.memory: the default pool never blocks this producer") {
    const BufferRun r = run("", kProducerCutOff);
    CHECK(r.blocked == 0);
    CHECK(r.outcome.check.counts.acknowledged == 100);
}

TEST_CASE("buffer.memory: a full pool blocks send() until a batch completes, and nothing is lost") {
    // Three batches fit. While the producer is cut off nothing completes: the fourth send blocks
    // and the application sends nothing more until the partition heals and the batches complete.
    const BufferRun r = run(R"(, "buffer.memory": 6000)", kProducerCutOff);
    CHECK(r.blocked >= 1);
    CHECK(r.timed_out == 0);
    CHECK(r.outcome.check.counts.acknowledged == 100);
    CHECK(r.outcome.check.counts.failed == 0);
    // The blocked value waited in send() for the partition to heal: ~300 ms in its send→ack.
    CHECK(r.outcome.figures.acknowledged.latency.max_us >= 250'000);
}

TEST_CASE("buffer.memory: a send blocked past max.block.ms fails, and the application goes on") {
    const BufferRun r = run(R"(, "buffer.memory": 6000, "max.block.ms": 50)", kProducerCutOff);
    CHECK(r.timed_out >= 2);  // the cut-off lasts 300 ms: several sends give up after 50 ms each
    CHECK(r.outcome.check.counts.failed == static_cast<std::uint64_t>(r.timed_out));
    CHECK(r.outcome.check.counts.acknowledged + r.outcome.check.counts.failed == 100);
}
