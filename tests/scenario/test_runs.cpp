// Whole runs: determinism, and each mechanism knocked out or kept against the same faults.
#include <doctest/doctest.h>

#include <initializer_list>

#include <sstream>
#include <string>

#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

using namespace eosim::scenario;

namespace {

Scenario shipped(const std::string& name) {
    return load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + name + ".json");
}

RunOutcome run(const Scenario& s, std::uint64_t seed) {
    RunOptions options;
    options.seed = seed;
    return run_scenario(s, options);
}

}  // namespace

TEST_CASE("the same scenario and seed give the same trace hash and history") {
    const Scenario s = shipped("producer-retries-without-idempotence");
    std::ostringstream trace_a, trace_b, history_a, history_b;
    RunOptions a{3, &trace_a, &history_a};
    RunOptions b{3, &trace_b, &history_b};
    const RunOutcome first = run_scenario(s, a);
    const RunOutcome second = run_scenario(s, b);
    CHECK(first.trace_hash == second.trace_hash);
    CHECK(trace_a.str() == trace_b.str());
    CHECK(history_a.str() == history_b.str());
    CHECK(first.metrics.events == second.metrics.events);
}

TEST_CASE("writing the trace does not change the run") {
    const Scenario s = shipped("producer-retries-idempotent");
    std::ostringstream trace;
    RunOptions with_trace{5, &trace, nullptr};
    CHECK(run_scenario(s, with_trace).trace_hash == run(s, 5).trace_hash);
    CHECK_FALSE(trace.str().empty());
}

TEST_CASE("different seeds of a scenario with random latency give different traces") {
    const Scenario s = shipped("producer-retries-idempotent");
    REQUIRE(s.network.jitter_us > 0);
    CHECK(run(s, 1).trace_hash != run(s, 2).trace_hash);
}

TEST_CASE("idempotence removes the duplicates that lost responses cause") {
    const RunOutcome without = run(shipped("producer-retries-without-idempotence"), 1);
    const RunOutcome with = run(shipped("producer-retries-idempotent"), 1);
    CHECK(without.check.counts.duplicates > 0);
    CHECK(with.check.counts.duplicates == 0);
    CHECK(with.check.verdicts.at(eosim::check::VerdictName::exactly_once).holds);
}

TEST_CASE("knocking out broker dedup brings the duplicates back") {
    Scenario s = shipped("producer-retries-idempotent");
    REQUIRE(run(s, 1).check.counts.duplicates == 0);
    s.broker.knockouts.disable_idempotent_dedup = true;
    const RunOutcome knocked = run(s, 1);
    CHECK(knocked.check.counts.duplicates > 0);
    CHECK(knocked.knockouts == std::vector<std::string>{"broker_dedup"});
}

TEST_CASE("without the fault the non-idempotent producer is clean too") {
    Scenario s = shipped("producer-retries-without-idempotence");
    s.faults.clear();
    const RunOutcome clean = run(s, 1);
    CHECK(clean.check.verdicts.at(eosim::check::VerdictName::exactly_once).holds);
    CHECK(clean.check.verdicts.at(eosim::check::VerdictName::ordering).holds);
    CHECK(clean.quiesced);
}

TEST_CASE("the commit point decides between duplicates and loss under the same crash") {
    const RunOutcome after = run(shipped("consumer-crash-commit-after-processing"), 1);
    const RunOutcome before = run(shipped("consumer-crash-commit-before-processing"), 1);
    CHECK(after.check.counts.duplicates > 0);
    CHECK(after.check.counts.lost == 0);
    CHECK(before.check.counts.lost > 0);
    CHECK(before.check.counts.duplicates == 0);
    REQUIRE(after.faults.size() == 1);
    CHECK(after.faults[0].started);
    CHECK(after.faults[0].ended);
}

TEST_CASE("a broker crash keeps the log and rebuilds producer state from it") {
    // Responses are lost, then the broker restarts before the producer's retries arrive: only
    // producer state rebuilt from the log can recognise the retries as duplicates (an empty
    // state would accept any sequence and append them again).
    Scenario s = shipped("producer-retries-idempotent");
    eosim::faults::FaultSpec crash;
    crash.kind = eosim::faults::FaultSpec::Kind::crash;
    crash.from = "broker-0";
    crash.at_us = eosim::sim::ms(110);
    crash.duration_us = eosim::sim::ms(30);
    s.faults.push_back(crash);
    std::ostringstream trace;
    RunOptions options{1, &trace, nullptr};
    const RunOutcome r = run_scenario(s, options);
    const std::string text = trace.str();
    const auto restart = text.find("node.restart");
    REQUIRE(restart != std::string::npos);
    CHECK(text.find("broker.duplicate_batch", restart) != std::string::npos);
    CHECK(r.check.counts.lost == 0);
    CHECK(r.check.counts.duplicates == 0);
    CHECK(r.check.verdicts.at(eosim::check::VerdictName::exactly_once).holds);
}

TEST_CASE("expectations are evaluated against verdicts and counts") {
    eosim::check::CheckResult result;
    result.verdicts[eosim::check::VerdictName::exactly_once].holds = false;
    result.counts.lost = 3;
    Expectations e;
    e.verdicts["exactly_once"] = true;
    e.counts["lost"] = CountBound{std::nullopt, 0};
    e.counts["duplicates"] = CountBound{1, std::nullopt};
    const auto failures = evaluate_expectations(e, result);
    CHECK(failures.size() == 3);
    e.verdicts["exactly_once"] = false;
    e.counts.clear();
    CHECK(evaluate_expectations(e, result).empty());
}

TEST_CASE("a resumed zombie is fenced at the partition and at the coordinator") {
    const Scenario s = shipped("zombie-fencing");
    std::ostringstream trace;
    RunOptions options{1, &trace, nullptr};
    const RunOutcome r = run_scenario(s, options);
    const std::string text = trace.str();
    CHECK(text.find("txn.timeout transactional_id=pipeline-task-0") != std::string::npos);
    CHECK(text.find("error=INVALID_PRODUCER_EPOCH") != std::string::npos);
    CHECK(text.find("error=PRODUCER_FENCED") != std::string::npos);
    CHECK(r.check.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    Scenario knocked = s;
    knocked.broker.knockouts.disable_epoch_fencing = true;
    CHECK_FALSE(run(knocked, 1).check.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
}

TEST_CASE("liveness: a transaction left open by a dead processor is flagged until the coordinator aborts it") {
    Scenario s = shipped("pipeline-exactly-once");
    s.faults.at(0).duration_us = -1;  // crash, never restart
    // While a transaction holds outputs (seed 1: one is open at 200..210 ms, none at 220 ms;
    // retries' backoff is jittered, KIP-580; checked with crash times 200..240).
    s.faults.at(0).at_us = eosim::sim::ms(210);
    s.processors.at(0).producer.transaction_timeout_ms = 5000;
    s.max_simulated_us = eosim::sim::ms(2000);  // ends before the transaction times out
    const RunOutcome early = run(s, 1);
    CHECK_FALSE(early.check.verdicts.at(eosim::check::VerdictName::no_hanging_transactions).holds);
    CHECK_FALSE(early.check.verdicts.at(eosim::check::VerdictName::transactions_completed).holds);
    CHECK_FALSE(early.check.verdicts.at(eosim::check::VerdictName::quiesced).holds);
    s.max_simulated_us = eosim::sim::ms(20000);  // long enough for the timeout abort
    const RunOutcome late = run(s, 1);
    CHECK(late.check.verdicts.at(eosim::check::VerdictName::no_hanging_transactions).holds);
    CHECK(late.check.verdicts.at(eosim::check::VerdictName::transactions_completed).holds);
}

TEST_CASE("nemesis seeds that once exposed bugs stay clean") {
    // 27: Complete* written twice; 51: stopped before the coordinator completed; 108: TV2 EndTxn
    // retry after a reload; 202: fenced static member never rejoined; 486: stuck abort;
    // 1177: EndTxn retry during a pending write; 1297: stale TxnOffsetCommit answer.
    Scenario s = shipped("nemesis-exactly-once-pipeline");
    REQUIRE(s.expect.has_value());
    s.swarm.clear();  // the configuration those seeds ran with when the bugs were found
    for (const std::uint64_t seed : {27, 51, 108, 202, 486, 1177, 1297}) {
        CAPTURE(seed);
        const RunOutcome r = run(s, seed);
        CHECK(r.expectations_met());
        CHECK(r.check.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
        CHECK(r.check.verdicts.at(eosim::check::VerdictName::quiesced).holds);
    }
}

TEST_CASE("offsets inside the transaction close the window the knock-out opens") {
    Scenario s = shipped("knockout-offsets-in-transaction");
    REQUIRE(s.client_knockouts.offsets_in_transaction);
    CHECK(run(s, 1).check.counts.processing_duplicates > 0);
    s.client_knockouts.offsets_in_transaction = false;  // same faults, mechanism on
    const RunOutcome kept = run(s, 1);
    CHECK(kept.check.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    CHECK(kept.knockouts.empty());
}

TEST_CASE("swarm: values are drawn per seed, reproducibly, and reported") {
    const Scenario s = shipped("nemesis-exactly-once-pipeline");
    REQUIRE_FALSE(s.swarm.empty());
    const RunOutcome a = run(s, 11);
    const RunOutcome b = run(s, 11);
    CHECK(a.swarm == b.swarm);
    CHECK(a.trace_hash == b.trace_hash);
    CHECK(a.swarm.size() == s.swarm.choices.size());
    bool differs = false;
    for (std::uint64_t seed = 1; seed <= 20 && !differs; ++seed) differs = run(s, seed).swarm != a.swarm;
    CHECK(differs);
}

// KafkaProducer.beginTransaction / commitTransaction / abortTransaction in a producer
// application (seed 001's API gateway): aborted transactions' values reach read_uncommitted
// readers only; the read_committed reader sees every committed transaction whole and nothing else.
TEST_CASE("a transactional producer application: aborted values reach only read_uncommitted readers") {
    Scenario s = shipped("transactional-producer-aborts");
    const RunOutcome both = run(s, 1);
    CHECK(both.check.counts.transactions_aborted >= 3);
    CHECK_FALSE(both.check.verdicts.at(eosim::check::VerdictName::aborted_read).holds);
    for (const std::string& witness : both.check.verdicts.at(eosim::check::VerdictName::aborted_read).witnesses) {
        CHECK(witness.find("group analytics") != std::string::npos);
    }
    std::erase_if(s.consumers, [](const ConsumerSpec& c) { return c.workload.group_id == "analytics"; });
    const RunOutcome committed_only = run(s, 1);
    CHECK(committed_only.check.verdicts.at(eosim::check::VerdictName::aborted_read).holds);
    CHECK(committed_only.check.verdicts.at(eosim::check::VerdictName::atomicity).holds);
    CHECK(committed_only.check.verdicts.at(eosim::check::VerdictName::at_least_once).holds);
    CHECK(committed_only.check.counts.aborted_reads == 0);
}

// Partition.maybeIncrementLeaderHW: acknowledged records above the leader's high watermark are
// not readable yet. The controller can have taken a follower back into the ISR while the
// leader's AlterPartition answer is still on the wire; the run is not quiet until the leader's
// high watermark reaches its log end (before: it stopped there and an acknowledged value counted
// as never delivered).
TEST_CASE("quiescence waits for every leader's high watermark to reach its log end") {
    const RunOutcome outcome = run(shipped("replication-quiet-after-high-watermark"), 8979);
    CHECK(outcome.quiesced);
    CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::at_least_once).holds);
    CHECK(outcome.expectations_met());
}

// swarm-idempotent-producer seeds that failed on 9dd7273, one per cause (docs/model.md):
// 4512 stopped as "quiet" while a new leader's high watermark was still behind its log (the
// processor was owed 25 inputs); 3514 is KAFKA-15591 (a first batch refused with
// NOT_ENOUGH_REPLICAS, its successor accepted on a partition without producer state, the first
// one looping on OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms), after which the
// at-least-once processor must process its input again (Kafka Streams'
// RecordCollectorImpl.recordSendError) instead of committing past it; 8629 retries a batch
// older than the broker's 5 cached batches until delivery.timeout.ms
// (TransactionManager.canRetry: OUT_OF_ORDER_SEQUENCE_NUMBER on a batch that is not next).
namespace {

// The scenario a swarm seed runs meets the swarm's expectations and goes quiet.
void check_meets_expectations(const Scenario& scenario, std::uint64_t seed) {
    RunOptions options;
    options.seed = seed;
    const RunOutcome outcome = run_scenario(scenario, options);
    REQUIRE(scenario.expect.has_value());
    CHECK(evaluate_expectations(*scenario.expect, outcome.check).empty());
    CHECK(outcome.check.verdicts.at(eosim::check::VerdictName::quiesced).holds);
}

// Each seed of a shipped swarm, drawn and run.
void check_swarm_seeds(const std::string& name, std::initializer_list<std::uint64_t> seeds) {
    const Scenario swarm = load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + name + ".json");
    for (const std::uint64_t seed : seeds) {
        CAPTURE(seed);
        check_meets_expectations(scenario_for_seed(swarm, seed), seed);
    }
}

// A swarm seed frozen (`eosim freeze`) when it failed, so that later changes to the swarm's draws
// leave the case as it was.
void check_frozen_swarm_seeds(const std::string& name, std::initializer_list<std::uint64_t> seeds) {
    for (const std::uint64_t seed : seeds) {
        CAPTURE(seed);
        const std::string file = std::string(EOSIM_SOURCE_DIR) + "/tests/swarm/frozen/" + name + "-" +
                                 std::to_string(seed) + ".json";
        const Scenario frozen = load_scenario(file);
        CHECK(frozen.seed == seed);
        check_meets_expectations(frozen, seed);
    }
}

}  // namespace

TEST_CASE("swarm-idempotent-producer: the seeds of each liveness cause meet the swarm's expectations") {
    check_swarm_seeds("swarm-idempotent-producer", {4512u, 3514u, 8629u, 1826u, 7221u});
}

// swarm-exactly-once seeds that failed on 6263824, one per cause: 68524 timed a request out before
// expiring its batch at the same instant (Sender.runOnce expires batches first); 64492 restarted
// a processor that trusted the run's initial leaders and asked a deposed coordinator for its
// offsets (a new client bootstraps its metadata); 78464 is KAFKA-14053 (shown by
// scenarios/kafka-14053-hanging-transaction-tv1.json), a configuration the swarm no longer draws.
// 64777 (at 27c3472) had an idempotent source still retrying OUT_OF_ORDER_SEQUENCE_NUMBER at 120 s,
// as Kafka does until delivery.timeout.ms: the swarm's runs now get 150 s. 70995 (at 27c3472): a
// reader never fetched a partition of its assignment whose leader it had seen offline. Each is
// frozen as drawn at 08f6ee8 (tests/swarm/frozen), before the swarm drew long processor pauses.
TEST_CASE("swarm-exactly-once: the seeds of each failure cause meet the swarm's expectations") {
    check_frozen_swarm_seeds("swarm-exactly-once", {68524u, 64492u, 78464u, 64777u, 70995u});
}

// ConsumerCoordinator.maybeAutoCommitOffsetsAsync (and a poll loop's commitSync()): positions are
// committed again while nothing new arrives, so a crashed predecessor's late OffsetCommit, which
// moved an assign() group's offset back, is overwritten.
TEST_CASE("ConsumerCoordinator.maybeAutoCommitOffsetsAsync: an idle reader commits its positions again") {
    Scenario s = shipped("consumer-commits-again-after-stale-commit");
    REQUIRE(s.consumers.size() == 2);
    const RunOutcome again = run(s, 34);
    CHECK(again.quiesced);
    CHECK(again.check.verdicts.at(eosim::check::VerdictName::quiesced).holds);
    for (auto& consumer : s.consumers) consumer.workload.commit_interval_us = 0;
    const RunOutcome never = run(s, 34);
    CHECK_FALSE(never.quiesced);
    CHECK_FALSE(never.check.verdicts.at(eosim::check::VerdictName::quiesced).holds);
}

// The same for an at-least-once processor (a poll loop that commits with commitSync() between
// polls): swarm-idempotent-producer seeds 1826 and 7221 stayed behind without it.
TEST_CASE("an idle at-least-once processor commits its positions again") {
    Scenario s = shipped("processor-commits-again-after-stale-commit");
    REQUIRE(s.processors.size() == 2);
    const RunOutcome again = run(s, s.seed);
    CHECK(again.check.verdicts.at(eosim::check::VerdictName::quiesced).holds);
    for (auto& processor : s.processors) processor.workload.commit_interval_us = 0;
    const RunOutcome never = run(s, s.seed);
    CHECK_FALSE(never.quiesced);
    const auto& quiet = never.check.verdicts.at(eosim::check::VerdictName::quiesced);
    REQUIRE_FALSE(quiet.holds);
    REQUIRE(quiet.witnesses.size() == 1);
    CHECK(quiet.witnesses[0] == "the run did not go quiet before max_simulated_ms: group pipeline has not committed up "
                                "to the high watermark");
}

TEST_CASE("a run that never goes quiet is blamed on what held it back, not on what was in flight at the end") {
    // KAFKA-14053: a hanging transaction holds the last stable offset, so the read_committed
    // readers can never commit up to the high watermark. The report used to name the blocker of
    // the last instant only, which found a reader busy: "reader is busy".
    const RunOutcome out = run(shipped("kafka-14053-hanging-transaction-tv1"), 1);
    const auto& quiet = out.check.verdicts.at(eosim::check::VerdictName::quiesced);
    REQUIRE_FALSE(quiet.holds);
    REQUIRE(quiet.witnesses.size() == 1);
    CHECK(quiet.witnesses[0].find("has not committed up to the high watermark") != std::string::npos);
}

TEST_CASE("Java-int extremes of the client timeouts run as Kafka computes them") {
    // linger.ms + request.timeout.ms passes Integer.MAX_VALUE (the delivery timeout is clamped);
    // max.poll.interval.ms + 5 s passes it too (the JoinGroup timeout is the rebalance timeout).
    const Scenario s = parse_scenario(R"({
      "name": "int-extremes",
      "topics": [{"name": "t", "partitions": 2}],
      "producers": [{"name": "p", "topic": "t", "messages": 20, "config": {"linger.ms": 2147483647}},
                    {"name": "q", "topic": "t", "messages": 20}],
      "consumers": [{"name": "c", "group": "g", "topic": "t", "subscribe": true,
                     "config": {"max.poll.interval.ms": 2147483647, "auto.offset.reset": "earliest"}}],
      "run": {"max_simulated_ms": 20000}
    })", "s.json");
    REQUIRE(s.producers[0].config.delivery_timeout_ms == 2147483647);
    const RunOutcome outcome = run(s, 1);
    CHECK(outcome.check.counts.sent == 40);
    CHECK(outcome.check.counts.acknowledged == 20);  // q's; p's records linger for 24 days
    CHECK(outcome.check.counts.delivered == 20);
    CHECK(outcome.simulated_us <= eosim::sim::ms(20000));
}

TEST_CASE("acks=0 sends held by a healing partition arrive before the run is called quiet") {
    // acks=0: a send completes once written, so only the requests on the wire say more is coming.
    // The producer is cut off for 100 ms; its requests wait, then travel when the partition heals.
    const Scenario s = parse_scenario(R"({"name": "acks0-held", "cluster": {"brokers": 1},
        "topics": [{"name": "t", "partitions": 1}],
        "producers": [{"name": "p", "topic": "t", "messages": 60, "interval_us": 1000,
                       "config": {"acks": 0, "enable.idempotence": false}}],
        "consumers": [{"name": "c", "group": "g", "topic": "t", "config": {"auto.offset.reset": "earliest"}}],
        "faults": [{"type": "partition", "isolate": ["p"], "at_ms": 10, "duration_ms": 100}]})",
                                      "acks0-held.json");
    const RunOutcome r = run(s, 1);
    CHECK(r.check.counts.acknowledged == 60);
    CHECK(r.check.counts.lost == 0);
    CHECK(r.check.counts.delivered == 60);
}
