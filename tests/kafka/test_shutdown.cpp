// Clean shutdown, rule by rule: the kernel's SIGTERM and exit, the controller's controlled
// shutdown (BrokerHeartbeatManager.calculateNextBrokerState), the producer-state snapshot a clean
// shutdown writes, and whole runs with clean bounces of brokers and of a transactional copier.
#include <doctest/doctest.h>

#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "kafka/controller/controller.hpp"
#include "kafka/log/partition.hpp"
#include "kafka/log/partition_log.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "sim/simulation.hpp"

namespace {

using namespace eosim::sim;

struct Note final : Payload {
    explicit Note(int n) : number(n) {}
    std::string_view type_name() const override { return "Note"; }
    void describe(FieldWriter& out) const override { out.field("n", number); }
    int number;
};

// On SIGTERM it says goodbye on its connection, waits wind_down_us, then exits.
class Polite final : public Node {
public:
    using Node::Node;
    void on_start() override { ++starts; }
    void on_message(const Envelope& e) override {
        connection = e.connection;
        received.push_back(static_cast<const Note&>(*e.payload).number);
    }
    void on_timer(std::uint64_t) override { sim().exit(id()); }
    void on_connection_closed(ConnectionId c) override { closed.push_back(c); }
    void on_crash() override { ++stops; }
    void on_shutdown() override {
        ++shutdowns;
        sim().send(id(), connection, std::make_unique<Note>(99));
        sim().set_timer(id(), wind_down_us, 1);
    }
    ConnectionId connection = 0;
    TimeUs wind_down_us = 300;
    std::vector<int> received;
    std::vector<ConnectionId> closed;
    int starts = 0;
    int stops = 0;
    int shutdowns = 0;
};

struct Pair {
    Simulation sim{1, LinkProfile{100, 0}, nullptr};
    Polite* client;
    Polite* server;
    NodeId c;
    NodeId s;
    ConnectionId conn = 0;
    Pair() {
        auto a = std::make_unique<Polite>("client");
        auto b = std::make_unique<Polite>("server");
        client = a.get();
        server = b.get();
        c = sim.add_node(std::move(a));
        s = sim.add_node(std::move(b));
        sim.start_all();
        conn = sim.connect(c, s);
        sim.send(c, conn, std::make_unique<Note>(1));
    }
};

}  // namespace

TEST_CASE("a clean shutdown lets the process wind down, and its last words arrive before the FIN") {
    Pair p;
    bool exited = false;
    p.sim.schedule(1000, [&] { p.sim.shutdown(p.s, [&] { exited = true; }); });
    p.sim.run(kNever);
    CHECK(p.server->shutdowns == 1);
    CHECK(p.server->stops == 1);  // its memory is gone, as after a crash
    CHECK(exited);
    CHECK_FALSE(p.sim.is_up(p.s));
    CHECK(p.client->received == std::vector<int>{99});
    CHECK(p.client->closed == std::vector<ConnectionId>{p.conn});
}

TEST_CASE("a shutdown asked of a paused process is handled when it resumes") {
    Pair p;
    p.sim.schedule(500, [&] { p.sim.pause(p.s); });
    p.sim.schedule(1000, [&] { p.sim.shutdown(p.s, [] {}); });
    p.sim.run(5000);
    CHECK(p.server->shutdowns == 0);
    CHECK(p.sim.is_shutting_down(p.s));
    p.sim.schedule(6000, [&] { p.sim.resume(p.s); });
    p.sim.run(kNever);
    CHECK(p.server->shutdowns == 1);
    CHECK_FALSE(p.sim.is_up(p.s));
}

TEST_CASE("a crash during a clean shutdown ends it: the exit callback runs once") {
    Pair p;
    p.server->wind_down_us = 10'000;
    int exits = 0;
    p.sim.schedule(1000, [&] { p.sim.shutdown(p.s, [&] { ++exits; }); });
    p.sim.schedule(2000, [&] { p.sim.crash(p.s); });
    p.sim.run(kNever);
    CHECK(exits == 1);
    CHECK(p.server->stops == 1);
    CHECK_FALSE(p.sim.is_shutting_down(p.s));
}

TEST_CASE("BrokerHeartbeatManager.calculateNextBrokerState with wantShutDown") {
    using eosim::kafka::BrokerControlState;
    using eosim::kafka::next_state_on_shutdown;
    // FENCED + wantShutDown: SHUTDOWN_NOW.
    CHECK(next_state_on_shutdown(BrokerControlState::fenced, true, false) == BrokerControlState::shutdown_now);
    // UNFENCED: leaderships must move first (CONTROLLED_SHUTDOWN), else SHUTDOWN_NOW at once.
    CHECK(next_state_on_shutdown(BrokerControlState::unfenced, true, true) == BrokerControlState::controlled_shutdown);
    CHECK(next_state_on_shutdown(BrokerControlState::unfenced, false, false) == BrokerControlState::shutdown_now);
    // CONTROLLED_SHUTDOWN: stays while it leads or an active broker has not seen the move
    // (controlledShutdownOffset > lowestActiveOffset).
    CHECK(next_state_on_shutdown(BrokerControlState::controlled_shutdown, true, true) ==
          BrokerControlState::controlled_shutdown);
    CHECK(next_state_on_shutdown(BrokerControlState::controlled_shutdown, false, false) ==
          BrokerControlState::controlled_shutdown);
    CHECK(next_state_on_shutdown(BrokerControlState::controlled_shutdown, false, true) ==
          BrokerControlState::shutdown_now);
}

TEST_CASE("UnifiedLog.close snapshots producer state at the log end, so a restart keeps one batch per producer") {
    using namespace eosim::kafka;
    PartitionLog log;
    Partition partition(log, false);
    for (int seq = 0; seq < 4; ++seq) {
        RecordBatch b;
        b.producer_id = 7;
        b.producer_epoch = 0;
        b.base_sequence = seq;
        b.records.push_back(Record{static_cast<std::uint64_t>(seq), 0, kNoSource});
        partition.append_data(b, {});
    }
    log.take_producer_snapshot();
    CHECK(log.producer_snapshot_offset() == 4);
    const ProducerStateEntry* before = partition.producers().find(7);
    REQUIRE(before != nullptr);
    CHECK(before->batches.size() == 4);
    Partition restarted(log, false);
    restarted.rebuild(log.producer_snapshot_offset());  // as Broker::on_start does
    const ProducerStateEntry* after = restarted.producers().find(7);
    REQUIRE(after != nullptr);
    CHECK(after->batches.size() == 1);
    // ProducerStateManager.truncateAndReload: a snapshot past the new log end is deleted.
    log.truncate_to(2);
    CHECK(log.producer_snapshot_offset() == 0);
}

namespace {

std::string trace_of(const std::string& scenario, std::uint64_t seed, eosim::scenario::RunOutcome* outcome = nullptr) {
    using namespace eosim::scenario;
    const Scenario s = load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + scenario + ".json");
    std::ostringstream trace;
    RunOptions options{seed, &trace, nullptr};
    const RunOutcome result = run_scenario(s, options);
    if (outcome != nullptr) *outcome = result;
    return trace.str();
}

std::size_t count(const std::string& text, const std::string& what) {
    std::size_t n = 0;
    for (std::size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("controlled shutdown: leadership moves before the broker exits, nobody waits for its session") {
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        eosim::scenario::RunOutcome outcome;
        const std::string text = trace_of("kafka-transactions-test-clean-bounce-brokers-ordered", seed, &outcome);
        const std::size_t moved = text.find("controller.controlled_shutdown broker=0");
        const std::size_t exited = text.find("broker-0 node.exit");
        REQUIRE(moved != std::string::npos);
        REQUIRE(exited != std::string::npos);
        CHECK(moved < exited);
        CHECK(text.find("reason=controlled_shutdown") < exited);
        // The controller let it go (SHUTDOWN_NOW fences it) before the process stopped.
        CHECK(text.find("controller.fence_broker broker=0") < exited);
        CHECK(text.find("fault.shutdown_timed_out") == std::string::npos);
        CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    }
}

TEST_CASE("Partition.isReplicaIsrEligible: no broker in controlled shutdown or fenced is proposed for an ISR") {
    // Before, leaders proposed the shutting-down (and the restarted, still fenced) follower at
    // every fetch and the controller answered INELIGIBLE_REPLICA each time (843 answers in
    // seed 1 of this scenario).
    for (std::uint64_t seed = 1; seed <= 3; ++seed) {
        CHECK(count(trace_of("kafka-transactions-test-clean-bounce-brokers-ordered", seed), "INELIGIBLE_REPLICA") == 0);
    }
}

TEST_CASE("DelayedOperationPurgatory.tryCompleteElseWatch: a follower fetch sees the append it triggered") {
    // A follower's fetch acknowledges the markers, the coordinator appends CompleteCommit while
    // that fetch is handled; before, the fetch then waited replica.fetch.wait.max.ms (500 ms)
    // and so did every transaction's completion (8 of 22 took over 500 ms in seed 1 of the
    // bounce test, all of them 4-6 ms now).
    const std::string text = trace_of("kafka-transactions-bounce-test", 1);
    std::int64_t prepare_us = -1;
    std::int64_t slowest_us = 0;
    std::size_t completions = 0;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (line.find("txn.state") == std::string::npos) continue;
        const std::int64_t at_us = static_cast<std::int64_t>(std::stod(line) * 1000);
        if (line.find("state=PrepareCommit") != std::string::npos) prepare_us = at_us;
        if (line.find("state=CompleteCommit") != std::string::npos && prepare_us >= 0) {
            slowest_us = std::max(slowest_us, at_us - prepare_us);
            ++completions;
            prepare_us = -1;
        }
    }
    CHECK(completions > 10);
    CHECK(slowest_us < 100'000);
}

TEST_CASE("a clean copier bounce aborts the open transaction: nothing is left indeterminate") {
    eosim::scenario::RunOutcome outcome;
    const std::string text = trace_of("kafka-transactions-test-clean-bounce-clients-ordered", 1, &outcome);
    CHECK(count(text, "processor.shutdown") == 3);
    CHECK(count(text, "copier-0 node.exit") == 3);
    CHECK(outcome.check.counts.transactions_aborted >= 1);
    CHECK(outcome.check.counts.indeterminate == 0);  // the aborted outputs ended fail, not info
    CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::processing_order).holds);
    eosim::scenario::RunOutcome killed;
    trace_of("kafka-transactions-test-hard-bounce-clients-ordered", 1, &killed);
    CHECK(killed.check.counts.indeterminate > 0);  // a killed copier's open sends stay unknown
}
