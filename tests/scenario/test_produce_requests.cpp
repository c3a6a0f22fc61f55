// How the producer packs batches into ProduceRequests (RecordAccumulator.ready / drain): a node
// that has one sendable batch gets every partition's head batch, lingering or not, up to
// max.request.size; a committing transaction's batches do not linger.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "report/trace_export.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"

using namespace eosim;

namespace {

struct RequestShape {
    int requests = 0;
    int most_partitions = 0;  // in one request
};

// One broker, 8 partitions, 800 values of 1,000 bytes every 10 us with linger.ms 20.
RequestShape produce_requests(const std::string& config) {
    const std::string text = R"({"name": "drain", "cluster": {"brokers": 1},
        "topics": [{"name": "t", "partitions": 8}],
        "producers": [{"name": "p", "topic": "t", "messages": 800, "interval_us": 10, "value_bytes": 1000, "keys": 64,
                       "config": {"acks": 1, "enable.idempotence": false, "linger.ms": 20)" + config + "}}]}";
    report::TraceCollector collector(report::TraceFilter{});
    scenario::RunOptions options;
    options.trace_observers.push_back(&collector);
    const scenario::RunOutcome outcome = scenario::run_scenario(scenario::parse_scenario(text, "drain.json"), options);
    REQUIRE(outcome.halt == scenario::Halt::none);
    REQUIRE(outcome.check.counts.acknowledged == 800);
    RequestShape shape;
    for (const report::TraceEvent& e : collector.events()) {
        if (e.kind != report::TraceEventKind::deliver || e.type != "ProduceRequest") continue;
        ++shape.requests;
        int partitions = 0;
        for (const report::TraceField& f : e.fields) partitions += f.name == "partition" ? 1 : 0;
        shape.most_partitions = std::max(shape.most_partitions, partitions);
    }
    return shape;
}

}  // namespace

TEST_CASE("produce requests: a full batch takes every partition's batch along") {
    // batch.size 4,000 fills in 4 values (40 us) per partition, long before linger.ms 20 runs out:
    // each full batch makes the node ready, and the drain takes the other 7 partitions' partial
    // batches with it, so requests carry all 8 partitions.
    const RequestShape shape = produce_requests(R"(, "batch.size": 4000)");
    CHECK(shape.most_partitions == 8);
}

TEST_CASE("produce requests: max.request.size caps the batches in one request") {
    // Batches of 1 to 3 values (1.1 to 3.1 KB): a 7,000-byte cap leaves room for 2 or 3 of them;
    // the first batch always goes, however large.
    const RequestShape capped = produce_requests(R"(, "batch.size": 4000, "max.request.size": 7000)");
    const RequestShape uncapped = produce_requests(R"(, "batch.size": 4000)");
    CHECK(capped.most_partitions >= 2);
    CHECK(capped.most_partitions <= 3);
    CHECK(capped.requests > 2 * uncapped.requests);
    // 1,100 bytes admits one record (1,077 with the batch header) but not two: each request
    // carries its first batch alone, however large that batch grew.
    const RequestShape tiny = produce_requests(R"(, "batch.size": 4000, "max.request.size": 1100)");
    CHECK(tiny.most_partitions == 1);
}

TEST_CASE("produce requests: a record larger than max.request.size or buffer.memory fails in send()") {
    // KafkaProducer.ensureValidRecordSize: RecordTooLargeException at once, nothing is sent.
    // In a transaction the error is abortable: the application aborts and carries on, and the run
    // still ends (no transaction left open).
    for (const std::string config : {R"("max.request.size": 1000)", R"("buffer.memory": 1000, "batch.size": 1000)",
                                     R"("max.request.size": 1000, "transactional.id": "p")"}) {
        const std::string text = R"({"name": "big", "cluster": {"brokers": 1}, "topics": [{"name": "t"}],
            "producers": [{"name": "p", "topic": "t", "messages": 5, "value_bytes": 2000, "config": {)" + config + "}}]}";
        const scenario::RunOutcome outcome = scenario::run_scenario(scenario::parse_scenario(text, "big.json"), {});
        CAPTURE(config);
        REQUIRE(outcome.halt == scenario::Halt::none);
        CHECK(outcome.check.counts.failed == 5);
        CHECK(outcome.check.counts.acknowledged == 0);
        CHECK(outcome.check.verdicts.at(check::VerdictName::quiesced).holds);
    }
}
