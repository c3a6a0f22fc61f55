// eosim compare on the payment pipeline: each preset shows its characteristic failure, and the
// strongest one is clean. The figures are compared between rows, never against wall time.
#include <doctest/doctest.h>

#include <sstream>
#include <string>

#include "explore/compare.hpp"
#include "report/compare_report.hpp"
#include "scenario/json_reader.hpp"

using namespace eosim;

namespace {

const explore::Comparison& payment_pipeline() {
    static const explore::Comparison c = [] {  // one comparison shared by the cases below
        const scenario::Scenario s =
            scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/payment-pipeline.json");
        return explore::compare(s, {}, 1, 5, 2);
    }();
    return c;
}

std::uint64_t total(const explore::CompareRow& row, const std::string& count) {
    std::uint64_t sum = 0;
    for (const auto& run : row.runs) sum += run.counts.at(count);
    return sum;
}

const explore::CompareRow& row(const std::string& name) {
    for (const auto& r : payment_pipeline().rows) {
        if (r.preset == name) return r;
    }
    FAIL("no row " << name);
    throw 0;
}

}  // namespace

TEST_CASE("compare: the presets in order, one run per seed") {
    const auto& c = payment_pipeline();
    REQUIRE(c.rows.size() == 6);
    CHECK(c.rows[0].preset == "at-most-once");
    CHECK(c.rows[5].preset == "exactly-once-idempotent-sink");
    for (const auto& r : c.rows) {
        REQUIRE(r.runs.size() == 5);
        CHECK(r.runs[0].seed == 1);
        CHECK(r.runs[4].seed == 5);
        for (const auto& run : r.runs) CHECK(run.halt.empty());
    }
}

TEST_CASE("compare: at-most-once loses, at-least-once duplicates, exactly-once is clean in Kafka") {
    CHECK(total(row("at-most-once"), "lost") + total(row("at-most-once"), "processing_missing") > 0);
    CHECK(total(row("at-most-once"), "processing_duplicates") == 0);
    CHECK(total(row("at-least-once"), "processing_duplicates") > 0);
    CHECK(total(row("at-least-once"), "lost") == 0);
    for (const char* name : {"exactly-once", "exactly-once-idempotent-sink"}) {
        CHECK(total(row(name), "lost") == 0);
        CHECK(total(row(name), "processing_duplicates") == 0);
        CHECK(total(row(name), "processing_missing") == 0);
        CHECK(total(row(name), "aborted_reads") == 0);
    }
}

TEST_CASE("compare: the external sink repeats under exactly-once unless it is idempotent") {
    CHECK(total(row("exactly-once"), "external_duplicates") > 0);
    CHECK(total(row("exactly-once-idempotent-sink"), "external_duplicates") == 0);
    for (const auto& run : row("exactly-once-idempotent-sink").runs) CHECK(run.verdicts.at("external_exactly_once"));
}

TEST_CASE("compare: transactions cost latency (committed at commit, acknowledged before)") {
    const auto acked = [](const explore::CompareRow& r) { return r.runs[0].figures.acknowledged.latency.p50_us; };
    const auto committed = [](const explore::CompareRow& r) { return r.runs[0].figures.acknowledged.committed.p50_us; };
    CHECK(committed(row("exactly-once")) > 2 * committed(row("at-least-once")));
    CHECK(committed(row("exactly-once")) > acked(row("exactly-once")));
    CHECK(committed(row("at-least-once")) == acked(row("at-least-once")));
}

TEST_CASE("compare: JSON has the documented keys") {
    const auto j = report::comparison_json(payment_pipeline());
    REQUIRE(j["rows"].size() == 6);
    for (const auto& r : j["rows"]) {
        for (const char* key : {"preset", "counts", "verdicts", "throughput_per_s", "latency_ms", "ratio_to_first", "seeds"}) {
            CHECK_MESSAGE(r.contains(key), key);
        }
        for (const char* key : {"p50", "p99", "p999"}) CHECK(r["latency_ms"].contains(key));
        CHECK(r["committed_latency_ms"].contains("p99"));
    }
    CHECK(j["rows"][0]["ratio_to_first"]["throughput"] == doctest::Approx(1.0));
}

TEST_CASE("compare: unknown rows and swarm scenarios are refused with the reason") {
    const scenario::Scenario s =
        scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/payment-pipeline.json");
    CHECK_THROWS_WITH_AS(explore::compare(s, {"exactly-twice"}, 1, 1, 1),
                         doctest::Contains("no preset or compare variant \"exactly-twice\" (expected one of: at-most-once"),
                         scenario::ScenarioError);
    const scenario::Scenario swarm =
        scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/swarm-exactly-once.json");
    CHECK_THROWS_WITH_AS(explore::compare(swarm, {}, 1, 1, 1), doctest::Contains("has a swarm"), scenario::ScenarioError);
    const explore::Comparison one = explore::compare(s, {"exactly-once", "at-most-once"}, 3, 3, 1);
    REQUIRE(one.rows.size() == 2);
    CHECK(one.rows[0].preset == "exactly-once");
}

TEST_CASE("compare: says whether the scenario's brokers and links spend time") {
    CHECK_FALSE(payment_pipeline().costs_modelled);
    const scenario::Scenario costly = scenario::parse_scenario(R"({
      "name": "costly", "cluster": {"cost": {"request_us": 50}}, "topics": [{"name": "t"}],
      "producers": [{"name": "p", "topic": "t", "messages": 20}]})", "costly.json");
    const explore::Comparison c = explore::compare(costly, {"at-least-once"}, 1, 1, 1);
    CHECK(c.costs_modelled);
    CHECK(report::comparison_json(c).at("costs_modelled") == true);
}

TEST_CASE("compare --plot: one data line per row with its medians, a script for both SVGs") {
    const auto& c = payment_pipeline();
    std::ostringstream data, script;
    report::write_comparison_plot_script(data, script, c, "out dir's");
    std::istringstream lines(data.str());
    std::string line;
    std::getline(lines, line);
    CHECK(line.rfind("# row preset", 0) == 0);
    std::size_t rows = 0;
    while (std::getline(lines, line)) {
        CHECK(line.find("\"" + c.rows[rows].preset + "\"") != std::string::npos);
        ++rows;
    }
    CHECK(rows == c.rows.size());
    CHECK(script.str().find("set output 'out dir''s/throughput.svg'") != std::string::npos);
    CHECK(script.str().find("set output 'out dir''s/latency.svg'") != std::string::npos);
    CHECK(script.str().find("'out dir''s/compare.dat' using 3:xtic(2)") != std::string::npos);
}
