// eosim saturate: the offered rate rises until the cluster stops keeping up, and the saturation
// throughput is what the narrowest resource allows. Figures are simulated time, never wall time.
#include <doctest/doctest.h>

#include <string>

#include "explore/saturation.hpp"
#include "scenario/json_reader.hpp"

using namespace eosim;

namespace {

// One broker behind a 1 MB/s link; 2,000 values of 1,000 bytes offered at 200/s.
std::string narrow_link(const std::string& cost) {
    return R"({"name": "narrow", "cluster": {"brokers": 1, "network": {"latency_us": 200, "bandwidth_bytes_per_s": 1000000})" +
           cost + R"(}, "topics": [{"name": "t", "partitions": 2}],
        "producers": [{"name": "p", "topic": "t", "messages": 2000, "interval_us": 5000, "value_bytes": 1000,
                       "config": {"acks": 1, "enable.idempotence": false, "linger.ms": 1}}]})";
}

}  // namespace

TEST_CASE("saturate: the link's bandwidth is the saturation throughput") {
    const scenario::Scenario s = scenario::parse_scenario(narrow_link(""), "narrow.json");
    const explore::SaturationSearch search = explore::search_saturation(s, 1, 5);
    REQUIRE(search.steps.size() >= 3);
    CHECK(search.steps[0].load_factor == 1);
    CHECK(search.steps[0].kept_up);
    CHECK(search.steps[1].offered_per_s == doctest::Approx(2 * search.steps[0].offered_per_s));
    // Each value takes over 1,000 bytes on the wire: fewer than 1,000 values/s fit in 1 MB/s, and
    // the search stops short of the rate where queues (and p99) grow without bound.
    CHECK(search.saturation_per_s > 600);
    CHECK(search.saturation_per_s < 1000);
    CHECK_FALSE(search.offer_capped);
    bool fell_behind = false;
    for (const auto& step : search.steps) fell_behind = fell_behind || !step.kept_up;
    CHECK(fell_behind);
    // No step that fell behind offered less than the reported saturation throughput.
    for (const auto& step : search.steps) {
        if (!step.kept_up) CHECK(step.offered_per_s > search.saturation_per_s);
    }
}

TEST_CASE("saturate: a producer that cannot send faster caps the search, and says so") {
    // 2 ms of send() per value: the producer offers at most 500/s, which the link carries.
    const scenario::Scenario s =
        scenario::parse_scenario(narrow_link(R"(, "cost": {"producer_send_ns": 2000000})"), "narrow.json");
    const explore::SaturationSearch search = explore::search_saturation(s, 1, 5);
    CHECK(search.offer_capped);
    CHECK(search.saturation_per_s < 510);
    CHECK(search.saturation_per_s > 400);
}

TEST_CASE("saturate: a producer without an interval has no rate to raise") {
    std::string text = narrow_link("");
    text.replace(text.find(R"("interval_us": 5000)"), 19, R"("interval_us": 0)");
    const scenario::Scenario s = scenario::parse_scenario(text, "narrow.json");
    CHECK_THROWS_WITH_AS(explore::search_saturation(s, 1, 5),
                         doctest::Contains("producer p sends as fast as it can (interval_us 0)"),
                         scenario::ScenarioError);
}
