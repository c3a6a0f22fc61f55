// eosim explain: the chain of one value names the mechanism that let its anomaly through, and says
// nothing went wrong where nothing did.
#include <doctest/doctest.h>

#include <algorithm>
#include <regex>
#include <sstream>
#include <string>

#include "history/jsonl_reader.hpp"
#include "report/value_explanation.hpp"
#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"

using eosim::report::ValueExplanation;

namespace {

class OperationList final : public eosim::history::HistorySink {
public:
    void observe(const eosim::history::Operation& op) override { ops.push_back(op); }
    std::vector<eosim::history::Operation> ops;
};

ValueExplanation explain(const std::string& name, std::uint64_t value) {
    const auto s = eosim::scenario::load_scenario(std::string(EOSIM_SOURCE_DIR) + "/scenarios/" + name + ".json");
    eosim::scenario::RunOptions options;
    options.seed = s.seed;
    eosim::report::TraceCollector collector(eosim::report::TraceFilter{});
    options.trace_observers.push_back(&collector);
    std::stringstream history_text;
    options.history_jsonl = &history_text;
    (void)eosim::scenario::run_scenario(s, options);
    eosim::history::Names names;
    OperationList history;
    eosim::history::read_jsonl(history_text, name, names, history);
    return eosim::report::explain_value(value, collector.events(), history.ops, names);
}

bool says(const std::vector<std::string>& lines, const std::string& part) {
    return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(part) != std::string::npos; });
}
bool says(const std::vector<eosim::report::ExplainStep>& steps, const std::string& part) {
    return std::any_of(steps.begin(), steps.end(), [&](const auto& s) { return s.text.find(part) != std::string::npos; });
}

}  // namespace

TEST_CASE("eosim explain: with broker dedup knocked out, a lost answer's retry is appended twice") {
    const ValueExplanation x = explain("knockout-broker-dedup", 111);
    CHECK(x.partition == "events-1");
    CHECK(x.producer == "producer-0#1");
    CHECK(says(x.steps, "answer #120 to producer-0 is lost"));
    CHECK(says(x.steps, "starts fault #1: messages broker-0 -> producer-0 lost"));
    CHECK(says(x.steps, ": attempt 2"));
    CHECK(says(x.conclusions, "value 111 is in the log 2 times (offsets 48, 70)"));
    CHECK(says(x.conclusions, "the batch was appended again"));
    CHECK_FALSE(says(x.conclusions, "no anomaly"));
    CHECK(std::is_sorted(x.steps.begin(), x.steps.end(), [](const auto& a, const auto& b) { return a.time_us < b.time_us; }));
}

TEST_CASE("eosim explain: with dedup on, the same lost answer's retry is recognised and written once") {
    const ValueExplanation x = explain("producer-retries-idempotent", 111);
    CHECK(says(x.steps, "answer #120 to producer-0 is lost"));
    CHECK(says(x.steps, "broker.duplicate_batch partition=events-1 pid=0 seq=48 original_offset=48"));
    CHECK(says(x.conclusions, "the broker recognised a retry"));
    CHECK(says(x.conclusions, "no anomaly on its path: sent in 2 attempts, read 1 time"));
}

TEST_CASE("eosim explain: read_committed filtering knocked out shows an aborted read after the ABORT marker") {
    const ValueExplanation x = explain("knockout-read-committed", 1000000009);
    CHECK(x.source == 9u);
    CHECK(says(x.steps, "to ABORT the transaction (EndTxn"));
    CHECK(says(x.steps, "broker.marker partition=output-0 pid=1000000 epoch=0 result=ABORT"));
    CHECK(says(x.steps, "committed-reader#1 (group committed-readers) reads it at offset 5"));
    CHECK(says(x.conclusions, "its transaction failed, yet group committed-readers read it: an aborted read"));
}

TEST_CASE("eosim explain: offsets outside the transaction: an input processed twice, with the fault that caused it") {
    const ValueExplanation x = explain("knockout-offsets-in-transaction", 0);
    CHECK(x.outputs == std::vector<std::uint64_t>{1000000000, 1000000102});
    CHECK(says(x.steps, "OffsetCommitRequest processor-0 -> broker-1 delayed"));
    CHECK(says(x.steps, "processor-0: node.crash"));
    CHECK(says(x.conclusions, "2 written: processed more than once"));
    // The history records the processor's input polls, so the re-read input is visible.
    CHECK(says(x.steps, "processor-0#1 (group pipeline) reads it at offset 0"));
    CHECK(says(x.steps, "processor-0#2 (group pipeline) reads it at offset 0: the group's read number 2, a duplicate"));
    CHECK(says(x.conclusions, "group pipeline read it 2 times at the same offset"));
}

TEST_CASE("eosim explain: acks=0 into a crashed broker: acknowledged, the request lost, never read") {
    const ValueExplanation x = explain("acks0-broker-outage", 1482);
    CHECK(says(x.steps, "acknowledged without an offset"));
    CHECK(says(x.steps, "ProduceRequest #537 to broker-0 is lost"));
    CHECK(says(x.steps, "starts fault #1: broker-0 crashes"));
    CHECK(says(x.conclusions, "never read it: lost for that group"));
}

TEST_CASE("eosim explain: a value never sent is refused, and witnesses name values by whole number") {
    CHECK_THROWS_AS(explain("producer-retries-idempotent", 987654321), std::invalid_argument);
    CHECK(eosim::report::witness_names_value("value 109 (events-1): sent", 109));
    CHECK_FALSE(eosim::report::witness_names_value("value 1090 (events-1): sent", 109));
    CHECK(eosim::report::first_witnessed_value({"producer-0 on events-2: out of order", "input value 7 (input-0)"}) == 7u);
    CHECK_FALSE(eosim::report::first_witnessed_value({"no values here"}).has_value());
}

TEST_CASE("eosim explain: the Mermaid diagram is a sequence diagram without a bare `end`") {
    const ValueExplanation x = explain("knockout-broker-dedup", 111);
    std::ostringstream out;
    eosim::report::write_explanation_mermaid(out, x, eosim::report::TraceHeader{"knockout-broker-dedup", 1, 0});
    const std::string text = out.str();
    CHECK(text.find("sequenceDiagram\n") != std::string::npos);
    CHECK(text.find("-x") != std::string::npos);  // the lost answer
    CHECK_FALSE(std::regex_search(text, std::regex(R"((^|[^A-Za-z])end([^A-Za-z]|$))")));
}
