// The default cost profile against published figures (results/cost-calibration.md), on
// scenarios/payment-gateway-cost.json: seed 001's table, the Kafka wiki's max.in.flight and acks
// analysis, Confluent's transaction figures, and seed 001's tuning advice. Every figure is a ratio
// between rows of simulated time, never wall time. Where the model misses a published figure, the
// test asserts the model's own band and the miss is written down there, not hidden here.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "explore/compare.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/overrides.hpp"

using namespace eosim;

namespace {

// EOSIM_COST_CALIBRATION=OFF (the sanitize preset) skips these: they measure figures over many
// long runs, which the sanitizers make ten times slower and which find nothing the other tests'
// runs of the same code would not.
#ifndef EOSIM_COST_CALIBRATION
#define EOSIM_COST_CALIBRATION 1
#endif
constexpr bool kCalibrate = EOSIM_COST_CALIBRATION != 0;

struct RowFigures {
    double throughput_per_s = 0;
    double p99_ms = 0;            // send→ack: the produce acknowledgement
    double committed_p99_ms = 0;  // send→committed: the commit, for transactional values
};

double median(std::vector<double> v) {
    REQUIRE(!v.empty());
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

explore::Comparison compare_with(const std::vector<std::string>& sets, const std::vector<std::string>& rows,
                                 std::uint64_t last_seed = 3) {
    const std::string file = std::string(EOSIM_SOURCE_DIR) + "/scenarios/payment-gateway-cost.json";
    std::ifstream in(file);
    nlohmann::json json = nlohmann::json::parse(in);  // the file as written, compare variants included
    std::vector<scenario::Override> overrides;
    for (const std::string& s : sets) overrides.push_back(scenario::parse_override(s));
    scenario::apply_overrides(json, overrides, file);
    const scenario::Scenario s = scenario::parse_scenario_json(std::move(json), file);
    return explore::compare(s, rows, 1, last_seed, 2);
}

std::map<std::string, RowFigures> measure(const std::vector<std::string>& sets, const std::vector<std::string>& rows) {
    const explore::Comparison c = compare_with(sets, rows);
    std::map<std::string, RowFigures> out;
    for (const explore::CompareRow& row : c.rows) {
        std::vector<double> throughput, p99, committed_p99;
        for (const explore::CompareRun& run : row.runs) {
            REQUIRE(run.halt.empty());
            CHECK(run.counts.at("lost") == 0);
            CHECK(run.counts.at("duplicates") == 0);
            throughput.push_back(run.figures.acknowledged.values_per_s);
            p99.push_back(static_cast<double>(run.figures.acknowledged.latency.p99_us) / 1000.0);
            committed_p99.push_back(static_cast<double>(run.figures.acknowledged.committed.p99_us) / 1000.0);
        }
        out[row.preset] = {median(throughput), median(p99), median(committed_p99)};
    }
    return out;
}

// Saturation: the gateway sends as fast as its thread allows (the scenario as written).
const std::map<std::string, RowFigures>& saturated() {
    static const auto figures = measure({}, {"acks=1", "idempotent acks=all", "transactions",
                                             "transactions 2000 per commit",
                                             "transactions batch.size 64 KB linger.ms 50", "acks=all in-flight 1",
                                             "acks=all in-flight 2", "acks=all in-flight 5"});
    return figures;
}

// A fixed offered load well below saturation: 100,000 payments/s.
const std::map<std::string, RowFigures>& offered_100k() {
    static const auto figures =
        measure({"/producers/0/interval_us=10"}, {"acks=1", "idempotent acks=all", "transactions"});
    return figures;
}

// Within `band` (0.15: 15%) of the published ratio.
bool within(double measured, double published, double band) {
    MESSAGE("measured ", measured, ", published ", published);
    return measured >= published * (1 - band) && measured <= published * (1 + band);
}

double throughput_ratio(const std::string& row, const std::string& base) {
    return saturated().at(row).throughput_per_s / saturated().at(base).throughput_per_s;
}

}  // namespace

TEST_CASE("cost calibration: seed 001's throughput ratios within 15%" * doctest::skip(!kCalibrate)) {
    // acks=1 500K, idempotent + acks=all 450K (0.90), transactions 300K (0.60).
    CHECK(saturated().at("acks=1").throughput_per_s > 400'000);
    CHECK(within(throughput_ratio("idempotent acks=all", "acks=1"), 0.90, 0.15));
    CHECK(within(throughput_ratio("transactions", "acks=1"), 0.60, 0.15));
}

TEST_CASE("cost calibration: acks=all waits for replication, transactional values wait for the commit" * doctest::skip(!kCalibrate)) {
    // Seed 001 has p99 2x and 4x; the Kafka wiki ~2x at p95. acks=all waits for the followers'
    // fetch round trips on 0.8 ms links and their appends: within 15% of 2x. Transactions miss
    // 4x (about 8x): the first records of each transaction wait for AddPartitionsToTxn, retried
    // after 20 ms while the previous commit's markers are written (results/cost-calibration.md).
    const auto& f = offered_100k();
    const double acks_all = f.at("idempotent acks=all").p99_ms / f.at("acks=1").p99_ms;
    CHECK(within(acks_all, 2.0, 0.15));
    const double transactions = f.at("transactions").p99_ms / f.at("acks=1").p99_ms;
    CHECK(transactions > 4);
    CHECK(transactions < 12);
    // Its send→ack p99 holds the 20 ms retry, not the commit: a value is committed up to a whole
    // transaction (160 ms at this rate) after it was sent.
    CHECK(f.at("transactions").p99_ms > 20);
    CHECK(f.at("transactions").committed_p99_ms > 150);
    CHECK(f.at("transactions").committed_p99_ms > 5 * f.at("transactions").p99_ms);
    CHECK(f.at("acks=1").committed_p99_ms == f.at("acks=1").p99_ms);
    // Below saturation every row carries the offered load.
    CHECK(within(f.at("idempotent acks=all").throughput_per_s / f.at("acks=1").throughput_per_s, 1.0, 0.05));
}

TEST_CASE("cost calibration: max.in.flight 1 -> 2 is a large gain, then a plateau" * doctest::skip(!kCalibrate)) {
    CHECK(throughput_ratio("acks=all in-flight 2", "acks=all in-flight 1") > 1.15);
    CHECK(within(throughput_ratio("acks=all in-flight 5", "acks=all in-flight 2"), 1.0, 0.05));
}

TEST_CASE("cost calibration: shorter commit intervals cost more, bigger batches recover throughput" * doctest::skip(!kCalibrate)) {
    CHECK(throughput_ratio("transactions 2000 per commit", "transactions") < 0.5);
    CHECK(throughput_ratio("transactions batch.size 64 KB linger.ms 50", "transactions") > 1.2);
}

TEST_CASE("cost calibration: free coordinator writes and markers remove most of the transaction overhead" * doctest::skip(!kCalibrate)) {
    // The links among brokers carry the coordinator's __transaction_state writes (acks=all), its
    // markers (each appended with acks=all) and the replication; at zero latency the previous
    // commit completes before the next transaction's AddPartitionsToTxn arrives, so there is no
    // CONCURRENT_TRANSACTIONS retry. Against idempotent acks=all on the same links:
    const auto f = measure({"/cluster/network/broker_latency_us=0", "/cluster/network/broker_jitter_us=0"},
                           {"idempotent acks=all", "transactions"});
    const double with_free = f.at("transactions").throughput_per_s / f.at("idempotent acks=all").throughput_per_s;
    const double with_cost =
        saturated().at("transactions").throughput_per_s / saturated().at("idempotent acks=all").throughput_per_s;
    MESSAGE("transactions / idempotent: ", with_cost, " -> ", with_free);
    CHECK(with_cost < 0.75);
    CHECK(with_free > 0.9);
    CHECK(f.at("transactions").p99_ms < 1.5 * f.at("idempotent acks=all").p99_ms);
}

TEST_CASE("cost calibration: transactions of about 100 ms cost little against an in-order producer" * doctest::skip(!kCalibrate)) {
    // Confluent: about -3% against acks=all with max.in.flight 1. 50,000 payments per commit are
    // about 110 ms at this rate.
    const auto f = measure({"/compare/variants/2/set/~1producers~10~1transaction_records=50000",
                            "/producers/0/messages=200000"},
                           {"transactions", "acks=all in-flight 1"});
    CHECK(f.at("transactions").throughput_per_s > 0.97 * f.at("acks=all in-flight 1").throughput_per_s);
}

TEST_CASE("cost calibration: a read_committed reader keeps up with a read_uncommitted one" * doctest::skip(!kCalibrate)) {
    // Confluent: a read_committed consumer "shows no degradation in throughput". It reads each
    // transaction once committed, so it runs one commit behind; over 25 transactions that lag is
    // a few percent of the run.
    std::map<std::string, double> delivered_per_s;
    for (const std::string isolation : {"read_uncommitted", "read_committed"}) {
        const explore::Comparison c = compare_with(
            {"/producers/0/messages=400000",
             R"(/consumers=[{"name": "ledger", "group": "ledger", "topic": "payments", "processing_us": 0, )"
             R"("config": {"auto.offset.reset": "earliest", "max.poll.records": 2000, "isolation.level": ")" +
                 isolation + R"("}}])"},
            {"transactions"}, 1);
        std::vector<double> rates;
        for (const explore::CompareRun& run : c.rows.at(0).runs) {
            REQUIRE(run.figures.groups.size() == 1);
            CHECK(run.figures.groups[0].values == 400000);
            rates.push_back(run.figures.groups[0].values_per_s);
        }
        delivered_per_s[isolation] = median(rates);
    }
    CHECK(within(delivered_per_s["read_committed"] / delivered_per_s["read_uncommitted"], 1.0, 0.05));
}
