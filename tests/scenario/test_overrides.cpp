// --set POINTER=VALUE, compare.variants and the presets' overrides.
#include <doctest/doctest.h>

#include <string>

#include "scenario/json_reader.hpp"
#include "scenario/overrides.hpp"
#include "scenario/scenario.hpp"

using namespace eosim::scenario;
using nlohmann::json;

namespace {

json base() {
    return json::parse(R"({"name": "x", "producers": [{"name": "a", "config": {"acks": 1}}, {"name": "b"}],
                           "consumers": []})");
}

void set_one(json& j, const std::string& text) { apply_overrides(j, {parse_override(text)}, "f.json"); }

// The ScenarioError message of f, which must throw one, contains what.
template <typename F>
void check_scenario_error(F f, const std::string& what) {
    std::string message;
    try {
        f();
    } catch (const ScenarioError& e) {
        message = e.what();
    }
    INFO(message);
    CHECK(message.find(what) != std::string::npos);
}

}  // namespace

TEST_CASE("overrides: a value is JSON when it parses, else a string") {
    CHECK(parse_override("/a/b=5").value == json(5));
    CHECK(parse_override("/a/b=all").value == json("all"));
    CHECK(parse_override("/a/b=\"1\"").value == json("1"));
    CHECK(parse_override("/a/b={\"c\": true}").value == json::parse(R"({"c": true})"));
    CHECK(parse_override("/a/b=").value == json(""));
    CHECK(parse_override("/a=b=c").value == json("b=c"));  // the first '=' splits
}

TEST_CASE("overrides: malformed options say what was expected") {
    CHECK_THROWS_WITH_AS(parse_override("acks"), doctest::Contains("expected POINTER=VALUE"), ScenarioError);
    CHECK_THROWS_WITH_AS(parse_override("=1"), doctest::Contains("expected POINTER=VALUE"), ScenarioError);
    CHECK_THROWS_WITH_AS(parse_override("a/b=1"), doctest::Contains("starts with '/'"), ScenarioError);
    CHECK_THROWS_WITH_AS(parse_override("/a~2=1"), doctest::Contains("'~' must be followed by 0 or 1"), ScenarioError);
}

TEST_CASE("overrides: set, create the way there, remove with null, '*' over every element") {
    json j = base();
    set_one(j, "/producers/0/config/acks=all");
    CHECK(j["producers"][0]["config"]["acks"] == "all");
    set_one(j, "/producers/1/config/linger.ms=5");  // config created
    CHECK(j["producers"][1]["config"]["linger.ms"] == 5);
    set_one(j, "/producers/*/config/retries=0");
    CHECK(j["producers"][0]["config"]["retries"] == 0);
    CHECK(j["producers"][1]["config"]["retries"] == 0);
    set_one(j, "/producers/0/config/acks=null");
    CHECK_FALSE(j["producers"][0]["config"].contains("acks"));
    set_one(j, "/consumers/*/delivery=at_most_once");  // no consumers: nothing to do
    CHECK(j["consumers"].empty());
    set_one(j, "/processors/*/delivery=x");  // no processors key: not created
    CHECK_FALSE(j.contains("processors"));
    set_one(j, "/sinks/0/idempotent=null");  // removing what is not there creates nothing
    CHECK_FALSE(j.contains("sinks"));
    set_one(j, "/a~1b=1");  // "~1" is '/'
    CHECK(j["a/b"] == 1);
}

TEST_CASE("overrides: a path through a non-container or past an array's end is an error naming both") {
    json j = base();
    CHECK_THROWS_WITH_AS(set_one(j, "/producers/5/config/acks=1"),
                         doctest::Contains("f.json: --set /producers/5/config/acks=1: at /producers: no element \"5\" (the array has 2)"),
                         ScenarioError);
    CHECK_THROWS_WITH_AS(set_one(j, "/name/x=1"), doctest::Contains("at /name: expected an object or array, got string \"x\""),
                         ScenarioError);
    CHECK_THROWS_WITH_AS(set_one(j, "/producers/*=1"), doctest::Contains("'*' cannot be the last token"), ScenarioError);
    CHECK_THROWS_WITH_AS(set_one(j, "=1"), doctest::Contains("expected POINTER=VALUE"), ScenarioError);
}

TEST_CASE("overrides: the loader still validates what an override wrote") {
    const std::string file = std::string(EOSIM_SOURCE_DIR) + "/scenarios/producer-retries-idempotent.json";
    const Scenario s = load_scenario(file, {parse_override("/producers/*/config/linger.ms=7")});
    REQUIRE_FALSE(s.producers.empty());
    CHECK(s.producers[0].config.linger_ms == 7);
    CHECK(s.source["producers"][0]["config"]["linger.ms"] == 7);
    check_scenario_error([&] { load_scenario(file, {parse_override("/producers/0/config/lingr.ms=7")}); },
                         "lingr.ms");
    check_scenario_error([&] { load_scenario(file, {parse_override("/producers/0/config/acks=2")}); }, "acks");
}

TEST_CASE("compare.variants: parsed into named overrides, checked like the rest of the file") {
    const auto scenario_with = [](const std::string& compare) {
        return parse_scenario(R"({"name": "v", "topics": [{"name": "t"}], "producers": [{"name": "p", "topic": "t",
                                  "messages": 1}], "compare": )" + compare + "}", "v.json");
    };
    const Scenario s = scenario_with(R"({"variants": [{"name": "linger-5", "set": {"/producers/*/config/linger.ms": 5}}]})");
    REQUIRE(s.compare_variants.size() == 1);
    CHECK(s.compare_variants[0].name == "linger-5");
    REQUIRE(s.compare_variants[0].overrides.size() == 1);
    CHECK(s.compare_variants[0].overrides[0].pointer == "/producers/*/config/linger.ms");
    CHECK(s.compare_variants[0].overrides[0].value == json(5));
    CHECK_FALSE(s.source.contains("compare"));
    check_scenario_error([&] { scenario_with(R"({"variants": [{"name": "a", "set": {}}]})"); }, "/compare/variants/0/set");
    check_scenario_error([&] { scenario_with(R"({"variants": [{"name": "a", "set": {"/x": 1}}, {"name": "a", "set": {"/x": 1}}]})"); },
                         "unique");
    check_scenario_error([&] { scenario_with(R"({"variant": []})"); }, "variant");
    check_scenario_error([&] { scenario_with(R"({"variants": [{"name": "a", "set": {"x": 1}}]})"); }, "starts with '/'");
}
