// The checker on small hand-written histories with known answers. Links only the history model
// and the checker: no simulator, no protocol.
#include <doctest/doctest.h>

#include <string>

#include "check/delivery_checker.hpp"
#include "check/queue_anomalies.hpp"

using namespace eosim;
using history::OpFunction;
using history::OpType;

namespace {

class HistoryBuilder {
public:
    HistoryBuilder() : checker_(names_), anomalies_(names_) {}

    void send(const std::string& process, std::uint64_t value, const std::string& key) {
        op(process, OpType::invoke, OpFunction::send, "", {{names_.key(key), -1, value}});
    }
    // A processor's output, derived from input value `source`.
    void send_derived(const std::string& process, std::uint64_t value, const std::string& key, std::uint64_t source) {
        op(process, OpType::invoke, OpFunction::send, "", {{names_.key(key), -1, value, source}});
    }
    void ack(const std::string& process, std::uint64_t value, const std::string& key, std::int64_t offset) {
        op(process, OpType::ok, OpFunction::send, "", {{names_.key(key), offset, value}});
    }
    void end(const std::string& process, std::uint64_t value, const std::string& key, OpType type) {
        op(process, type, OpFunction::send, "", {{names_.key(key), -1, value}}, "REQUEST_TIMED_OUT");
    }
    void fault(bool start, const std::string& description) {
        op("nemesis", start ? OpType::invoke : OpType::info, OpFunction::nemesis, "", {}, description);
    }
    void assign(const std::string& process, const std::string& group, const std::string& key,
                bool read_committed = false) {
        op(process, OpType::ok, OpFunction::assign, group, {{names_.key(key), -1, 0}}, "", false, read_committed);
    }
    void assign_processor(const std::string& process, const std::string& group, const std::string& key) {
        op(process, OpType::ok, OpFunction::assign, group, {{names_.key(key), -1, 0}}, "", /*processor=*/true);
    }
    void poll(const std::string& process, const std::string& group, std::uint64_t value,
              const std::string& key, std::int64_t offset, bool read_committed = false) {
        op(process, OpType::ok, OpFunction::poll, group, {{names_.key(key), offset, value}}, "", false, read_committed);
    }
    void effect(const std::string& group, std::uint64_t value) {
        op("sink", OpType::ok, OpFunction::effect, group, {{names_.key("sink"), -1, value}});
    }
    check::CheckResult result() const { return checker_.finish(); }
    check::Anomalies anomalies() const { return anomalies_.finish(); }

private:
    void op(const std::string& process, OpType type, OpFunction f, const std::string& group,
            std::vector<history::Element> elements, std::string error = "", bool processor = false,
            bool read_committed = false) {
        history::Operation o;
        o.index = index_++;
        o.time_us = static_cast<std::int64_t>(o.index) * 1000;
        o.process = names_.process(process);
        o.type = type;
        o.f = f;
        o.group = group.empty() ? history::kNoGroup : names_.group(group);
        o.elements = std::move(elements);
        o.processor = processor;
        o.read_committed = read_committed;
        if (type != OpType::ok || f == OpFunction::nemesis) o.error = std::move(error);
        checker_.observe(o);
        anomalies_.observe(o);
    }
    history::Names names_;
    check::DeliveryChecker checker_;
    check::QueueAnomalyChecker anomalies_;
    std::uint64_t index_ = 0;
};

}  // namespace

TEST_CASE("a delivered value that was never sent is unexpected") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.poll("c", "g", 99, "t-0", 0);
    const auto result = h.result();
    CHECK(result.counts.unexpected == 1);
    // More deliveries than sends: invalid, as in Jepsen's queue checker.
    const auto& amo = result.verdicts.at(check::VerdictName::at_most_once);
    CHECK_FALSE(amo.holds);
    REQUIRE(amo.violations >= 1);
    CHECK_FALSE(result.verdicts.at(check::VerdictName::exactly_once).holds);
}

TEST_CASE("a value read before its send is unexpected too") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.poll("c", "g", 7, "t-0", 0);
    h.send("p", 7, "t-0");
    h.ack("p", 7, "t-0", 0);
    const auto result = h.result();
    CHECK(result.counts.unexpected == 1);
    CHECK_FALSE(result.verdicts.at(check::VerdictName::at_most_once).holds);
}

TEST_CASE("a clean history holds every verdict") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 1, "t-0");
    h.ack("p", 1, "t-0", 0);
    h.send("p", 2, "t-0");
    h.ack("p", 2, "t-0", 1);
    h.poll("c", "g", 1, "t-0", 0);
    h.poll("c", "g", 2, "t-0", 1);
    const auto r = h.result();
    for (const auto& entry : r.verdicts) {  // no structured binding: CAPTURE's lambda cannot use one in clang 14
        CAPTURE(eosim::check::verdict_name(entry.first));
        CHECK(entry.second.holds);
    }
    CHECK(r.counts.sent == 2);
    CHECK(r.counts.acknowledged == 2);
    CHECK(r.counts.delivered == 2);
}

TEST_CASE("a value delivered twice to one group violates at-most-once, with a witness") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 17, "t-0");
    h.ack("p", 17, "t-0", 4);
    h.poll("c", "g", 17, "t-0", 4);
    h.poll("c", "g", 17, "t-0", 9);
    const auto r = h.result();
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::at_most_once).holds);
    CHECK(r.verdicts.at(eosim::check::VerdictName::at_least_once).holds);
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::exactly_once).holds);
    CHECK(r.counts.duplicates == 1);
    REQUIRE(r.verdicts.at(eosim::check::VerdictName::at_most_once).witnesses.size() == 1);
    const std::string& witness = r.verdicts.at(eosim::check::VerdictName::at_most_once).witnesses[0];
    CHECK(witness.find("value 17") != std::string::npos);
    CHECK(witness.find("offset 4") != std::string::npos);
    CHECK(witness.find("offset 9") != std::string::npos);
}

TEST_CASE("the same value read by two groups is not a duplicate") {
    HistoryBuilder h;
    h.assign("a", "g1", "t-0");
    h.assign("b", "g2", "t-0");
    h.send("p", 1, "t-0");
    h.ack("p", 1, "t-0", 0);
    h.poll("a", "g1", 1, "t-0", 0);
    h.poll("b", "g2", 1, "t-0", 0);
    const auto r = h.result();
    CHECK(r.verdicts.at(eosim::check::VerdictName::exactly_once).holds);
    CHECK(r.counts.delivered == 2);
}

TEST_CASE("an acknowledged value never delivered is lost") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 5, "t-0");
    h.ack("p", 5, "t-0", 0);
    const auto r = h.result();
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::at_least_once).holds);
    CHECK(r.verdicts.at(eosim::check::VerdictName::at_most_once).holds);
    CHECK(r.counts.lost == 1);
    CHECK(r.verdicts.at(eosim::check::VerdictName::at_least_once).witnesses.at(0).find("never delivered") != std::string::npos);
}

TEST_CASE("an indeterminate send that was never delivered is not lost") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 5, "t-0");
    h.end("p", 5, "t-0", OpType::info);
    const auto r = h.result();
    CHECK(r.verdicts.at(eosim::check::VerdictName::at_least_once).holds);
    CHECK(r.counts.indeterminate == 1);
    CHECK(r.counts.lost == 0);
}

TEST_CASE("a send that never completed counts as indeterminate, not lost") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 5, "t-0");
    const auto r = h.result();
    CHECK(r.verdicts.at(eosim::check::VerdictName::at_least_once).holds);
    CHECK(r.counts.indeterminate == 1);
}

TEST_CASE("a failed send is not owed to anyone, and delivering it is an aborted read") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 5, "t-0");
    h.end("p", 5, "t-0", OpType::fail);
    h.send("p", 6, "t-0");
    h.end("p", 6, "t-0", OpType::fail);
    h.poll("c", "g", 6, "t-0", 0);
    const auto r = h.result();
    CHECK(r.verdicts.at(eosim::check::VerdictName::at_least_once).holds);
    CHECK(r.counts.failed == 2);
    CHECK(r.counts.aborted_reads == 1);
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::aborted_read).holds);
    CHECK(r.counts.unexpected == 0);
}

TEST_CASE("only groups that read a key are owed its values") {
    HistoryBuilder h;
    h.assign("c", "g", "t-1");
    h.send("p", 5, "t-0");
    h.ack("p", 5, "t-0", 0);
    CHECK(h.result().verdicts.at(eosim::check::VerdictName::at_least_once).holds);
}

TEST_CASE("values landing out of send order violate ordering, per producer and key") {
    HistoryBuilder h;
    h.send("p", 1, "t-0");
    h.send("p", 2, "t-0");
    h.send("p", 3, "t-1");
    h.ack("p", 2, "t-0", 0);
    h.ack("p", 1, "t-0", 1);
    h.ack("p", 3, "t-1", 0);
    const auto r = h.result();
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::ordering).holds);
    CHECK(r.verdicts.at(eosim::check::VerdictName::ordering).violations == 1);
    CHECK(r.verdicts.at(eosim::check::VerdictName::exactly_once).holds);  // ordering is a separate verdict
}

// Kafka's producer pipelines sends: a retried batch and a later one are in flight together
// (RecordAccumulator.shouldStopDrainBatchesForPartition drains a batch without a sequence while the
// first in-flight batch is a retry) and Sender.completeBatch completes each on its own response,
// so the later send may be acknowledged first while the log holds both in send order.
TEST_CASE("nonmonotonic-send compares sends in invocation order, not acknowledgement order") {
    HistoryBuilder h;
    h.send("p", 37, "t-0");
    h.send("p", 41, "t-0");
    h.ack("p", 41, "t-0", 25);  // the later batch's response arrives first
    h.ack("p", 37, "t-0", 23);  // the retried batch, a duplicate the broker answers with its offset
    const auto a = h.anomalies();
    CHECK(a.found.at("nonmonotonic-send").holds);
    CHECK(a.valid());
    CHECK(h.result().verdicts.at(eosim::check::VerdictName::ordering).holds);
}

TEST_CASE("nonmonotonic-send: a later send landing before an earlier one is found, in any ack order") {
    for (const bool later_acked_first : {false, true}) {
        HistoryBuilder h;
        h.send("p", 1, "t-0");
        h.send("p", 2, "t-0");
        if (later_acked_first) h.ack("p", 2, "t-0", 0);
        h.ack("p", 1, "t-0", 1);
        if (!later_acked_first) h.ack("p", 2, "t-0", 0);
        const auto a = h.anomalies();
        CHECK_FALSE(a.found.at("nonmonotonic-send").holds);
        CHECK(a.found.at("nonmonotonic-send").violations == 1);
        CHECK_FALSE(a.valid());
        CHECK_FALSE(h.result().verdicts.at(eosim::check::VerdictName::ordering).holds);
    }
}

TEST_CASE("different producers on one key do not order each other") {
    HistoryBuilder h;
    h.send("p", 1, "t-0");
    h.send("q", 2, "t-0");
    h.ack("q", 2, "t-0", 0);
    h.ack("p", 1, "t-0", 1);
    CHECK(h.result().verdicts.at(eosim::check::VerdictName::ordering).holds);
}

TEST_CASE("an indeterminate send that was delivered is ordered by its delivered offset") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 1, "t-0");
    h.send("p", 2, "t-0");
    h.end("p", 1, "t-0", OpType::info);
    h.ack("p", 2, "t-0", 0);
    h.poll("c", "g", 2, "t-0", 0);
    h.poll("c", "g", 1, "t-0", 1);
    CHECK_FALSE(h.result().verdicts.at(eosim::check::VerdictName::ordering).holds);
}

#include <sstream>

#include "check/history_check.hpp"
#include "history/jsonl_reader.hpp"

namespace {

std::string reader_error(const std::string& text) {
    std::istringstream in(text);
    try {
        check::check_history(in, "h.jsonl");
    } catch (const history::HistoryFormatError& e) {
        return e.what();
    }
    return "";
}

const std::string kSend = R"({"time_us":1,"process":"p","type":"invoke","f":"send","values":[{"key":"k","value":1}]})";

}  // namespace

TEST_CASE("a well-formed history is read, with blank lines ignored") {
    const std::string ok = R"({"time_us":2,"process":"p","type":"ok","f":"send","values":[{"key":"k","value":1}],"index":7})";
    std::istringstream in(kSend + "\n\n" + ok + "\n");
    const auto checked = check::check_history(in, "h.jsonl");
    CHECK(checked.operations == 2);
}

// Jepsen's histories: a poll's invoke cannot know its records, and a poll may return none.
TEST_CASE("an empty poll is well formed: an invoke without values and an ok with none") {
    std::istringstream in(R"({"time_us":1,"process":"c","type":"invoke","f":"poll","group":"g","values":[]})"
                          "\n"
                          R"({"time_us":2,"process":"c","type":"ok","f":"poll","group":"g","values":[]})"
                          "\n");
    CHECK(check::check_history(in, "h.jsonl").operations == 2);
}

TEST_CASE("the invoke/complete discipline is checked with the line of each side") {
    const std::string ok = R"({"time_us":2,"process":"p","type":"ok","f":"send","values":[{"key":"k","value":1}]})";
    CHECK(reader_error(ok).find("h.jsonl:1: a ok of send value 1 by process \"p\" without an open invoke") !=
          std::string::npos);
    CHECK(reader_error(kSend + "\n" + kSend).find("h.jsonl:2: process \"p\" invokes send of value 1 again") !=
          std::string::npos);
    const std::string again = R"({"time_us":3,"process":"p","type":"invoke","f":"send","values":[{"key":"k","value":1}]})";
    CHECK(reader_error(kSend + "\n" + ok + "\n" + again).find("h.jsonl:3: value 1 is sent again after its ok on line 2") !=
          std::string::npos);
    const std::string poll = R"({"time_us":3,"process":"p","type":"invoke","f":"poll","group":"g","values":[]})";
    const std::string commit = R"({"time_us":4,"process":"p","type":"ok","f":"commit","group":"g","values":[]})";
    CHECK(reader_error(poll + "\n" + commit).find("h.jsonl:2: a ok of commit by process \"p\" completes its poll") !=
          std::string::npos);
    const std::string early_ok = R"({"time_us":0,"process":"p","type":"ok","f":"send","values":[{"key":"k","value":1}]})";
    CHECK(reader_error(kSend + "\n" + early_ok).find("h.jsonl:2: time goes backwards: time_us 0 is before 1 on line 1") !=
          std::string::npos);
    CHECK(reader_error("\n \n").find("h.jsonl: no operations") != std::string::npos);
}

TEST_CASE("malformed lines are rejected with the line number and what was expected") {
    CHECK(reader_error(kSend + "\nnot json\n").find("h.jsonl:2: not valid JSON") != std::string::npos);
    CHECK(reader_error(R"({"time_us":1,"type":"invoke","f":"send","values":[]})").find("h.jsonl:1: missing \"process\"") != std::string::npos);
    CHECK(reader_error(R"({"time_us":1,"process":"p","type":"invoke","f":"send","values":[{"key":"k","value":-3}]})")
              .find("\"value\" must be a non-negative integer") != std::string::npos);
    CHECK(reader_error(R"({"time_us":1,"process":"p","type":"invoke","f":"send","values":[{"key":"k","value":1}],"colour":1})")
              .find("unknown field \"colour\"") != std::string::npos);
    CHECK(reader_error(R"({"time_us":1,"process":"p","type":"invoke","f":"fly","values":[]})")
              .find("\"f\" must be one of") != std::string::npos);
    CHECK(reader_error(R"([1,2])").find("expected a JSON object per line") != std::string::npos);
}

TEST_CASE("witnesses name the faults active while the value was in flight") {
    HistoryBuilder h;
    h.assign("c", "g", "t-0");
    h.send("p", 17, "t-0");
    h.fault(true, "fault #1: responses lost");
    h.fault(false, "fault #1: responses lost");
    h.ack("p", 17, "t-0", 9);
    h.fault(true, "fault #2: consumer crash");
    h.poll("c", "g", 17, "t-0", 4);
    h.poll("c", "g", 17, "t-0", 9);
    h.fault(false, "fault #2: consumer crash");
    const auto r = h.result();
    const std::string& witness = r.verdicts.at(eosim::check::VerdictName::at_most_once).witnesses.at(0);
    CHECK(witness.find("fault #1: responses lost") != std::string::npos);
    CHECK(witness.find("fault #2: consumer crash") != std::string::npos);
}

// An idempotent consumer (seed 000) applies each input once per calling application: effects are
// owed per group that called the sink, for the acknowledged values of the keys it reads.
TEST_CASE("external_exactly_once is judged per calling consumer group") {
    HistoryBuilder h;
    h.assign("c", "ledger-writers", "t-0");
    h.assign("d", "plain-readers", "t-0");  // reads the same key, calls no sink: owes nothing
    for (std::uint64_t v = 1; v <= 3; ++v) {
        h.send("p", v, "t-0");
        h.ack("p", v, "t-0", static_cast<std::int64_t>(v - 1));
    }
    h.effect("ledger-writers", 1);
    h.effect("ledger-writers", 2);
    h.effect("ledger-writers", 2);
    const auto r = h.result();
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::external_exactly_once).holds);
    CHECK(r.counts.external_effects == 3);
    CHECK(r.counts.external_duplicates == 1);  // value 2
    CHECK(r.counts.external_missing == 1);     // value 3
}

TEST_CASE("a processor group that processed none of its inputs violates exactly-once processing") {
    HistoryBuilder h;
    h.assign_processor("processor-0", "pipeline", "input-0");
    for (std::uint64_t v = 1; v <= 3; ++v) {
        h.send("source", v, "input-0");
        h.ack("source", v, "input-0", static_cast<std::int64_t>(v - 1));
    }
    const check::CheckResult r = h.result();
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    CHECK(r.counts.processing_missing == 3);
    CHECK(r.counts.processed_inputs == 3);
    CHECK(r.counts.lost == 0);  // owed outputs, not deliveries: at_least_once does not judge it
}

TEST_CASE("a processor's re-read input is its group's input, not a duplicate delivery") {
    // Kafka's loop rewinds to the committed offsets after an abort and reads the input again;
    // exactly_once_processing judges what it made of it (one committed output here).
    HistoryBuilder h;
    h.assign_processor("processor-0", "pipeline", "input-0");
    h.assign("reader", "readers", "input-0");
    h.send("source", 1, "input-0");
    h.ack("source", 1, "input-0", 0);
    h.poll("processor-0", "pipeline", 1, "input-0", 0);
    h.poll("processor-0", "pipeline", 1, "input-0", 0);
    h.send_derived("processor-0", 101, "output-0", 1);
    h.ack("processor-0", 101, "output-0", 0);
    h.poll("reader", "readers", 1, "input-0", 0);
    const check::CheckResult r = h.result();
    CHECK(r.verdicts.at(eosim::check::VerdictName::at_most_once).holds);
    CHECK(r.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    CHECK(r.counts.delivered == 1);  // the reader's only
    CHECK(r.counts.duplicates == 0);
    CHECK(h.anomalies().found.at("nonmonotonic-poll").holds);
    // The same two polls by a reader are a duplicate delivery.
    HistoryBuilder reader;
    reader.assign("reader", "readers", "input-0");
    reader.send("source", 1, "input-0");
    reader.ack("source", 1, "input-0", 0);
    reader.poll("reader", "readers", 1, "input-0", 0);
    reader.poll("reader", "readers", 1, "input-0", 0);
    CHECK_FALSE(reader.result().verdicts.at(eosim::check::VerdictName::at_most_once).holds);
    CHECK_FALSE(reader.anomalies().found.at("nonmonotonic-poll").holds);
}

TEST_CASE("verdict names are the scenario files' spellings, in report order") {
    std::vector<std::string> names;
    for (const check::VerdictName v : check::all_verdicts()) {
        names.emplace_back(check::verdict_name(v));
        CHECK(check::verdict_named(check::verdict_name(v)) == v);
    }
    const std::vector<std::string> expected{"at_most_once", "at_least_once", "exactly_once", "ordering",
                                            "aborted_read", "uncommitted_read", "atomicity",
                                            "exactly_once_processing", "processing_order", "external_exactly_once",
                                            "no_hanging_transactions", "transactions_completed", "quiesced"};
    CHECK(names == expected);
    CHECK_FALSE(check::verdict_named("exactly_twice").has_value());
    CHECK(check::holds_text(true) == "holds");
    CHECK(check::holds_text(false) == "violated");
}

namespace {
// Input 1 is processed into output 101, which the processor sent inside a transaction whose end
// it never heard (it crashed after EndTxn): the send stays indeterminate.
void processed_with_unknown_commit(HistoryBuilder& h) {
    h.assign_processor("processor-0", "pipeline", "input-0");
    h.send("source", 1, "input-0");
    h.ack("source", 1, "input-0", 0);
    h.send_derived("processor-0", 101, "output-0", 1);
    h.end("processor-0", 101, "output-0", OpType::info);
}
}  // namespace

// TransactionCoordinator completes a PrepareCommit whether or not the client is still there, so
// an indeterminate output may be committed; without a read_committed reader nobody can tell.
TEST_CASE("an output of unknown outcome and no read_committed reader: the input is not missing") {
    HistoryBuilder h;
    processed_with_unknown_commit(h);
    const check::CheckResult r = h.result();
    CHECK(r.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    CHECK(r.counts.processing_missing == 0);
}

TEST_CASE("an output of unknown outcome that a read_committed reader never saw: the input is missing") {
    HistoryBuilder h;
    processed_with_unknown_commit(h);
    h.assign("reader", "readers", "output-0", /*read_committed=*/true);  // covers output-0, saw nothing
    const check::CheckResult r = h.result();
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::exactly_once_processing).holds);
    CHECK(r.counts.processing_missing == 1);
}

namespace {
// An upstream value, acknowledged or aborted, and a processor's output of it that committed.
void processed_into_committed_output(HistoryBuilder& h, OpType input_outcome) {
    h.assign_processor("processor-0", "pipeline", "input-0");
    h.send("source", 1, "input-0");
    if (input_outcome == OpType::ok) {
        h.ack("source", 1, "input-0", 0);
    } else {
        h.end("source", 1, "input-0", OpType::fail);  // its transaction aborted
    }
    h.send_derived("processor-0", 101, "output-0", 1);
    h.ack("processor-0", 101, "output-0", 0);
}
}  // namespace

TEST_CASE("aborted_read: an aborted input processed into a committed output is G1a through the pipeline") {
    HistoryBuilder h;
    processed_into_committed_output(h, OpType::fail);
    const check::CheckResult r = h.result();
    CHECK_FALSE(r.verdicts.at(eosim::check::VerdictName::aborted_read).holds);
    CHECK(r.counts.aborted_reads == 1);
}

TEST_CASE("aborted_read: a committed input processed into a committed output is fine") {
    HistoryBuilder h;
    processed_into_committed_output(h, OpType::ok);
    const check::CheckResult r = h.result();
    CHECK(r.verdicts.at(eosim::check::VerdictName::aborted_read).holds);
    CHECK(r.counts.aborted_reads == 0);
}

namespace {
// Value 1's send failed (its transaction aborted), and a reader polled it anyway.
check::Anomalies aborted_value_polled(bool read_committed) {
    HistoryBuilder h;
    h.assign("reader", "readers", "k", read_committed);
    h.send("writer", 1, "k");
    h.end("writer", 1, "k", OpType::fail);
    h.poll("reader", "readers", 1, "k", 0);  // read_committed is given on the assign (history-format.md)
    return h.anomalies();
}
}  // namespace

TEST_CASE("G1a by a read_uncommitted reader is reported as allowed, by a read_committed one it is not") {
    const check::Anomalies uncommitted = aborted_value_polled(false);
    CHECK_FALSE(uncommitted.found.at("G1a").holds);
    CHECK(uncommitted.allowed.count("G1a") == 1);
    CHECK(uncommitted.valid());
    const check::Anomalies committed = aborted_value_polled(true);
    CHECK_FALSE(committed.found.at("G1a").holds);
    CHECK(committed.allowed.count("G1a") == 0);
    CHECK_FALSE(committed.valid());
}
