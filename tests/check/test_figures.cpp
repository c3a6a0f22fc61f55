// Throughput and latency figures on hand-written histories with known answers.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "check/figures.hpp"

using namespace eosim;
using history::OpFunction;
using history::OpType;

namespace {

struct Builder {
    history::Names names;
    check::FiguresCollector figures{names};
    std::uint64_t index = 0;

    void op(std::int64_t time_us, const std::string& process, OpType type, OpFunction f, const std::string& group,
            std::vector<history::Element> elements) {
        history::Operation o;
        o.index = index++;
        o.time_us = time_us;
        o.process = names.process(process);
        o.type = type;
        o.f = f;
        o.group = group.empty() ? history::kNoGroup : names.group(group);
        o.elements = std::move(elements);
        figures.observe(o);
    }
    void send(std::int64_t at_us, const std::string& p, std::uint64_t value, std::uint64_t source = history::kNoSource) {
        op(at_us, p, OpType::invoke, OpFunction::send, "", {{names.key("t-0"), -1, value, source}});
    }
    void ack(std::int64_t at_us, const std::string& p, std::uint64_t value) {
        op(at_us, p, OpType::ok, OpFunction::send, "", {{names.key("t-0"), 0, value}});
    }
    void poll(std::int64_t at_us, const std::string& p, const std::string& group, std::uint64_t value) {
        op(at_us, p, OpType::invoke, OpFunction::poll, group, {});
        op(at_us, p, OpType::ok, OpFunction::poll, group, {{names.key("t-0"), 0, value}});
    }
};

}  // namespace

TEST_CASE("figures: nearest-rank percentiles") {
    std::vector<std::int64_t> samples;
    for (std::int64_t i = 1; i <= 1000; ++i) samples.push_back(i);
    CHECK(check::percentile_us(samples, 500) == 500);
    CHECK(check::percentile_us(samples, 990) == 990);
    CHECK(check::percentile_us(samples, 999) == 999);
    CHECK(check::percentile_us(samples, 1000) == 1000);
    CHECK(check::percentile_us({7}, 500) == 7);
    CHECK(check::percentile_us({}, 990) == 0);
    const check::LatencySummary s = check::summarise({30, 10, 20});
    CHECK(s.samples == 3);
    CHECK(s.p50_us == 20);
    CHECK(s.max_us == 30);
}

TEST_CASE("figures: send->ack per producer, send->visible and end to end per group") {
    Builder b;
    b.send(0, "source", 1);
    b.send(1000, "source", 2);
    b.ack(4000, "source", 1);  // 4 ms
    b.ack(3000, "source", 2);  // 2 ms
    b.poll(5000, "proc", "pipeline", 1);
    b.send(6000, "proc", 101, 1);  // derived from 1
    b.ack(10000, "proc", 101);     // 4 ms (a transactional ack comes at commit)
    b.poll(12000, "reader", "readers", 101);
    b.poll(13000, "reader", "readers", 101);  // a duplicate delivery is no new value
    const check::Figures f = b.figures.finish();
    REQUIRE(f.producers.size() == 2);
    CHECK(f.producers[0].name == "proc");
    CHECK(f.producers[1].name == "source");
    CHECK(f.producers[1].values == 2);
    CHECK(f.producers[1].latency.p50_us == 2000);
    CHECK(f.producers[1].latency.max_us == 4000);
    CHECK(f.acknowledged.values == 3);
    // From the history's first send (0) to the last ack (10 ms): 3 values in 10 ms.
    CHECK(f.acknowledged.values_per_s == doctest::Approx(300.0));
    REQUIRE(f.groups.size() == 2);
    CHECK(f.groups[1].name == "readers");
    CHECK(f.groups[1].values == 1);
    CHECK(f.groups[1].latency.p50_us == 6000);      // 101 sent at 6 ms, seen at 12 ms
    CHECK(f.groups[1].end_to_end.p50_us == 12000);  // its source, 1, was sent at 0
    CHECK(f.groups[0].name == "pipeline");
    CHECK(f.groups[0].latency.p50_us == 5000);
}

TEST_CASE("figures: a value acknowledged twice counts once, an unsent delivery is skipped") {
    Builder b;
    b.send(0, "p", 1);
    b.ack(1000, "p", 1);
    b.ack(2000, "p", 1);
    b.poll(3000, "r", "g", 99);  // never sent: the checker's business, not a latency
    const check::Figures f = b.figures.finish();
    CHECK(f.acknowledged.values == 1);
    CHECK(f.acknowledged.latency.max_us == 1000);
    REQUIRE(f.groups.size() == 1);
    CHECK(f.groups[0].values == 0);
}

TEST_CASE("figures: a transactional send's ack is its produce acknowledgement, its commit comes later") {
    Builder b;
    b.send(0, "txn", 1);
    b.send(1000, "txn", 2);
    b.send(2000, "plain", 3);
    // Both complete at the commit (20 ms); their produce requests were acknowledged at 3 and 5 ms.
    history::Operation done;
    done.time_us = 20000;
    done.process = b.names.process("txn");
    done.type = OpType::ok;
    done.f = OpFunction::send;
    done.elements = {{b.names.key("t-0"), 0, 1}};
    done.acked_us = 3000;
    b.figures.observe(done);
    done.elements = {{b.names.key("t-0"), 1, 2}};
    done.acked_us = 5000;
    b.figures.observe(done);
    b.ack(6000, "plain", 3);  // no acked_us: acknowledged and committed at once
    const check::Figures f = b.figures.finish();
    REQUIRE(f.producers.size() == 2);
    CHECK(f.producers[1].name == "txn");
    CHECK(f.producers[1].latency.p50_us == 3000);      // 1: 3 ms, 2: 4 ms
    CHECK(f.producers[1].latency.max_us == 4000);
    CHECK(f.producers[1].committed.p50_us == 19000);   // 1: 20 ms, 2: 19 ms
    CHECK(f.producers[1].committed.max_us == 20000);
    CHECK(f.producers[0].latency.max_us == 4000);
    CHECK(f.producers[0].committed.max_us == 4000);
    CHECK(f.acknowledged.committed.max_us == 20000);
    // Throughput runs to the last completion: the commit at 20 ms.
    CHECK(f.acknowledged.values_per_s == doctest::Approx(150.0));
}

TEST_CASE("figures: a processor's input group is marked as such") {
    Builder b;
    b.op(0, "proc", OpType::invoke, OpFunction::assign, "pipeline", {{b.names.key("t-0"), -1, 0}});
    history::Operation assign;
    assign.index = b.index++;
    assign.process = b.names.process("proc");
    assign.type = OpType::ok;
    assign.f = OpFunction::assign;
    assign.group = b.names.group("pipeline");
    assign.processor = true;
    b.figures.observe(assign);
    b.send(0, "source", 1);
    b.poll(1000, "proc", "pipeline", 1);
    b.poll(2000, "reader", "readers", 1);
    const check::Figures f = b.figures.finish();
    REQUIRE(f.groups.size() == 2);
    CHECK(f.groups[0].name == "pipeline");
    CHECK(f.groups[0].processor);
    CHECK_FALSE(f.groups[1].processor);
}
