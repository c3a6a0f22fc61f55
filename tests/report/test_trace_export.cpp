// eosim trace: what the collector keeps, and that each format is well formed.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "report/trace_export.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

using eosim::report::TraceCollector;
using eosim::report::TraceEvent;
using eosim::report::TraceEventKind;
using eosim::report::TraceFilter;

namespace {

struct Collected {
    std::vector<TraceEvent> events;
    std::uint64_t trace_hash = 0;
    std::uint64_t seen = 0;
};

Collected collect(const std::string& name, TraceFilter filter = {}) {
    const auto s = eosim::scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + name + ".json");
    eosim::scenario::RunOptions options;
    options.seed = s.seed;
    TraceCollector collector(std::move(filter));
    options.trace_observers.push_back(&collector);
    const auto outcome = eosim::scenario::run_scenario(s, options);
    return Collected{collector.events(), outcome.trace_hash, collector.events_seen()};
}

const eosim::report::TraceHeader kHeader{"test", 1, 0x1234};

}  // namespace

TEST_CASE("eosim trace: every delivery and drop names the send it came from, and observing changes no hash") {
    const auto s = eosim::scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/producer-retries-idempotent.json");
    eosim::scenario::RunOptions plain;
    plain.seed = s.seed;
    const auto unobserved = eosim::scenario::run_scenario(s, plain);
    const Collected c = collect("producer-retries-idempotent");
    CHECK(c.trace_hash == unobserved.trace_hash);
    std::map<std::uint64_t, const TraceEvent*> sends;
    int deliveries = 0;
    int drops = 0;
    for (const TraceEvent& e : c.events) {
        if (e.kind == TraceEventKind::send) {
            CHECK(sends.emplace(e.message, &e).second);  // numbered once
            continue;
        }
        if (e.kind != TraceEventKind::deliver && e.kind != TraceEventKind::drop) {
            CHECK(e.message == 0);
            continue;
        }
        (e.kind == TraceEventKind::deliver ? deliveries : drops) += 1;
        const auto sent = sends.find(e.message);
        REQUIRE(sent != sends.end());
        CHECK(sent->second->node == e.peer);  // the sender
        CHECK(sent->second->peer == e.node);  // the receiver
        CHECK(sent->second->type == e.type);
        CHECK(sent->second->time_us == e.sent_us);
        CHECK(e.sent_us <= e.time_us);
        sends.erase(sent);  // delivered once
    }
    CHECK(deliveries > 100);
    CHECK(drops > 0);  // the scenario loses responses
}

TEST_CASE("eosim trace: the filter keeps a window, some nodes, and leaves out hidden types") {
    const Collected all = collect("producer-retries-idempotent");
    TraceFilter filter;
    filter.from_us = 5'000;
    filter.to_us = 20'000;
    filter.nodes = {"producer-0"};
    filter.hidden = {"Metadata"};
    const Collected some = collect("producer-retries-idempotent", filter);
    CHECK(some.seen == all.seen);
    REQUIRE_FALSE(some.events.empty());
    CHECK(some.events.size() < all.events.size());
    std::size_t expected = 0;
    for (const TraceEvent& e : all.events) expected += filter.keeps(e) ? 1 : 0;
    CHECK(some.events.size() == expected);
    for (const TraceEvent& e : some.events) {
        CHECK(e.time_us >= 5'000);
        CHECK(e.time_us <= 20'000);
        CHECK((e.node == "producer-0" || e.peer == "producer-0"));
        CHECK(e.type.rfind("Metadata", 0) == std::string::npos);
    }
}

TEST_CASE("eosim trace --format perfetto: Chrome trace events with the fields each phase needs") {
    const Collected c = collect("zombie-fencing");
    std::ostringstream out;
    eosim::report::write_trace_perfetto(out, c.events, kHeader);
    const auto j = nlohmann::json::parse(out.str());
    CHECK(j.at("displayTimeUnit") == "ms");
    CHECK(j.at("otherData").at("trace_hash") == "0000000000001234");
    const auto& events = j.at("traceEvents");
    REQUIRE(events.is_array());
    std::set<std::uint64_t> flow_starts;
    std::map<std::int64_t, int> open_faults;
    std::set<std::int64_t> named_processes;
    std::map<std::string, int> phases;
    for (const auto& e : events) {
        const std::string ph = e.at("ph");
        ++phases[ph];
        CHECK(e.at("name").is_string());
        CHECK(e.at("pid").is_number_integer());
        CHECK(e.at("tid").is_number_integer());
        CHECK(e.at("ts").is_number_integer());
        if (ph == "M") {
            CHECK(e.at("args").at("name").is_string());
            if (e.at("name") == "process_name") named_processes.insert(e.at("pid").get<std::int64_t>());
        } else {
            CHECK(named_processes.count(e.at("pid").get<std::int64_t>()) == 1);  // named before use
        }
        if (ph == "X") CHECK(e.at("dur").get<std::int64_t>() >= 1);
        if (ph == "s") CHECK(flow_starts.insert(e.at("id").get<std::uint64_t>()).second);
        if (ph == "f") {
            CHECK(e.at("bp") == "e");
            CHECK(flow_starts.count(e.at("id").get<std::uint64_t>()) == 1);  // its start came first
        }
        if (ph == "s" || ph == "f" || ph == "b" || ph == "e") CHECK(e.at("cat").is_string());
        if (ph == "b") ++open_faults[e.at("id").get<std::int64_t>()];
        if (ph == "e") CHECK(open_faults[e.at("id").get<std::int64_t>()]-- == 1);
        if (ph == "i") CHECK(e.at("s") == "t");
    }
    for (const char* ph : {"M", "X", "s", "f", "i", "b", "e"}) CHECK_MESSAGE(phases[ph] > 0, ph);
}

TEST_CASE("eosim trace --format mermaid: a sequence diagram Mermaid's grammar accepts") {
    CHECK(eosim::report::mermaid_text("a; b #3 <x> end fault.end ending") == "a, b no.3 (x) End fault.end ending");
    CHECK(eosim::report::mermaid_text("end") == "End");
    CHECK(eosim::report::mermaid_text(std::string(300, 'x')).size() == 160);
    TraceFilter filter;
    filter.to_us = 400'000;
    const Collected c = collect("zombie-fencing", filter);
    std::ostringstream out;
    eosim::report::write_trace_mermaid(out, c.events, kHeader);
    std::istringstream lines(out.str());
    std::string line;
    std::getline(lines, line);
    CHECK(line.rfind("%% eosim trace test seed 1", 0) == 0);
    std::getline(lines, line);
    CHECK(line == "sequenceDiagram");
    const std::regex participant(R"(    participant n[0-9]+ as [A-Za-z0-9_.-]+)");
    const std::regex arrow(R"(    n[0-9]+(->>|-x)n[0-9]+: [^;#<>]+)");
    const std::regex note(R"(    Note over n[0-9]+(,n[0-9]+)?: [^;#<>]+)");
    const std::regex bare_end(R"((^|.*\s)end(\s.*|$))");
    std::map<std::string, int> kinds;
    bool participants_done = false;
    while (std::getline(lines, line)) {
        if (std::regex_match(line, participant)) {
            CHECK_FALSE(participants_done);  // all declared first
            ++kinds["participant"];
        } else if (std::regex_match(line, arrow)) {
            participants_done = true;
            ++kinds[line.find("-x") != std::string::npos ? "drop" : "arrow"];
        } else if (std::regex_match(line, note)) {
            participants_done = true;
            ++kinds["note"];
        } else {
            FAIL_CHECK("not a Mermaid statement: " << line);
        }
        CHECK_FALSE(std::regex_match(line.substr(line.find(':') + 1), bare_end));
    }
    CHECK(kinds["participant"] >= 3);
    CHECK(kinds["arrow"] > 10);
    CHECK(kinds["note"] > 0);
}

TEST_CASE("eosim trace --format jsonl: one object per record with its fields in order") {
    TraceFilter filter;
    filter.to_us = 50'000;
    const Collected c = collect("producer-retries-idempotent", filter);
    std::ostringstream out;
    eosim::report::write_trace_jsonl(out, c.events);
    std::istringstream lines(out.str());
    std::size_t count = 0;
    for (std::string line; std::getline(lines, line); ++count) {
        const auto j = nlohmann::json::parse(line);
        REQUIRE(count < c.events.size());
        const TraceEvent& e = c.events[count];
        CHECK(j.at("time_us") == e.time_us);
        CHECK(j.at("type") == e.type);
        CHECK(j.at("fields").size() == e.fields.size());
        for (const auto& field : j.at("fields")) CHECK(field.size() == 2);
        CHECK(j.contains("message") == (e.message != 0));
    }
    CHECK(count == c.events.size());
}
