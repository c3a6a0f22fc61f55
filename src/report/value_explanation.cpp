// `eosim explain`: the history gives the value's send, completion, transaction and reads; the trace
// gives the batch attempts that carried it (a batch holds `records` consecutive values of one
// producer and partition from `first_value`), the broker's answers and what happened around them.
#include "report/value_explanation.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <limits>
#include <map>
#include <regex>
#include <set>
#include <stdexcept>

namespace eosim::report {
namespace {

constexpr sim::TimeUs kForever = std::numeric_limits<sim::TimeUs>::max();

std::string node_of(const std::string& process) { return process.substr(0, process.find('#')); }

// The field `name` of `partition`'s group (fields after "partition=P" up to the next partition),
// else of the record's header (fields before the first partition).
const TraceField* group_field(const TraceEvent& event, std::string_view partition, std::string_view name) {
    const TraceField* header = nullptr;
    std::string_view current;
    bool in_header = true;
    for (const TraceField& field : event.fields) {
        if (field.name == "partition") {
            current = field.text;
            in_header = false;
            continue;
        }
        if (field.name != name) continue;
        if (in_header && header == nullptr) header = &field;
        if (!in_header && current == partition) return &field;
    }
    return header;
}

bool has_partition(const TraceEvent& event, std::string_view partition) {
    return std::any_of(event.fields.begin(), event.fields.end(),
                       [&](const TraceField& f) { return f.name == "partition" && f.text == partition; });
}

std::string field_text(const TraceEvent& event, std::string_view partition, std::string_view name) {
    const TraceField* field = group_field(event, partition, name);
    return field == nullptr ? "" : field->text;
}

std::string fields_sentence(const TraceEvent& event) {
    std::string text;
    for (const TraceField& field : event.fields) text += fmt::format("{}{}={}", text.empty() ? "" : " ", field.name, field.text);
    return text;
}

// A fault description names a node: "broker-1 crashes", "-> broker-1" but not "broker-10".
bool names_node(const std::string& description, const std::string& node) {
    for (std::size_t at = description.find(node); at != std::string::npos; at = description.find(node, at + 1)) {
        const std::size_t end = at + node.size();
        const bool starts = at == 0 || !std::isalnum(static_cast<unsigned char>(description[at - 1]));
        const bool ends = end == description.size() || !std::isalnum(static_cast<unsigned char>(description[end]));
        if (starts && ends) return true;
    }
    return false;
}

struct Read {
    std::string process;
    std::string group;
    std::int64_t offset = history::kUnknownOffset;
};

struct Fault {
    std::string description;
    sim::TimeUs start_us = 0;
    sim::TimeUs end_us = kForever;
};

class ChainBuilder {
public:
    ChainBuilder(std::uint64_t value, const std::vector<TraceEvent>& events, const std::vector<history::Operation>& history,
                 const history::Names& names)
        : value_(value), events_(events), history_(history), names_(names) {}

    ValueExplanation build() {
        out_.value = value_;
        read_history();
        if (!sent_) throw std::invalid_argument(fmt::format("no send of value {} in this run", value_));
        read_trace();
        add_faults();
        std::stable_sort(steps_.begin(), steps_.end(),
                         [](const Ordered& a, const Ordered& b) { return a.step.time_us < b.step.time_us; });
        for (Ordered& o : steps_) out_.steps.push_back(std::move(o.step));
        std::stable_sort(out_.diagram.begin(), out_.diagram.end(),
                         [](const TraceEvent& a, const TraceEvent& b) { return a.time_us < b.time_us; });
        conclude();
        return std::move(out_);
    }

private:
    struct Ordered {
        ExplainStep step;
    };
    struct Request {
        std::string broker;
        std::int64_t correlation = 0;
        bool awaiting_answer = false;
        std::string kind;  // "ProduceRequest" or "EndTxnRequest"
    };

    void step(sim::TimeUs time_us, const std::string& node, std::string text) {
        steps_.push_back(Ordered{ExplainStep{time_us, node, std::move(text)}});
    }
    void note(sim::TimeUs time_us, const std::string& node, std::string type, std::vector<TraceField> fields = {}) {
        TraceEvent event;
        event.time_us = time_us;
        event.kind = TraceEventKind::state;
        event.node = node;
        event.type = std::move(type);
        event.fields = std::move(fields);
        out_.diagram.push_back(std::move(event));
    }
    static TraceField text_field(std::string name, std::string text) { return TraceField{std::move(name), std::move(text)}; }

    void read_history() {
        for (const history::Operation& op : history_) read_op(op);
        if (!sent_) return;
        const auto& sequence = sequences_[{producer_node_, out_.partition}];
        for (std::size_t i = 0; i < sequence.size(); ++i) index_of_[sequence[i]] = i;
        for (const std::string& group : assigned_groups_[out_.partition]) groups_.insert(group);
    }

    void read_op(const history::Operation& op) {
        const std::string& process = names_.process_name(op.process);
        if (op.f == history::OpFunction::nemesis) return read_nemesis(op);
        if (op.f == history::OpFunction::assign && op.type == history::OpType::ok) {
            // A processor's input polls are not in the history: its group is judged by its outputs.
            if (op.processor) processor_groups_.insert(names_.group_name(op.group));
            for (const history::Element& e : op.elements) assigned_groups_[names_.key_name(e.key)].insert(names_.group_name(op.group));
        }
        if (op.f == history::OpFunction::send && op.type != history::OpType::invoke) {
            for (const history::Element& e : op.elements) {
                if (std::find(out_.outputs.begin(), out_.outputs.end(), e.value) != out_.outputs.end()) {
                    output_results_[e.value] = {process, op.type};
                    output_nodes_.insert(node_of(process));
                    outputs_end_us_ = std::max(outputs_end_us_, op.time_us);
                }
            }
        }
        for (const history::Element& e : op.elements) {
            if (op.f == history::OpFunction::send && op.type == history::OpType::invoke) {
                sequences_[{node_of(process), names_.key_name(e.key)}].push_back(e.value);
                if (e.source == value_ && std::find(out_.outputs.begin(), out_.outputs.end(), e.value) == out_.outputs.end()) {
                    out_.outputs.push_back(e.value);
                }
            }
            if (e.value == value_ && !e.read) read_value_op(op, e, process);
        }
    }

    void read_value_op(const history::Operation& op, const history::Element& e, const std::string& process) {
        const sim::TimeUs t = op.time_us;
        end_us_ = std::max(end_us_, t);
        switch (op.f) {
            case history::OpFunction::send: return read_send(op, e, process);
            case history::OpFunction::txn: return read_txn(op, process);
            case history::OpFunction::poll:
                if (op.type == history::OpType::ok) read_poll(op, e, process);
                return;
            case history::OpFunction::effect:
                if (op.type == history::OpType::ok) {
                    step(t, process, "the sink applies it (an external effect)");
                    note(t, node_of(process), "effect applied");
                }
                return;
            default: return;
        }
    }

    void read_send(const history::Operation& op, const history::Element& e, const std::string& process) {
        const sim::TimeUs t = op.time_us;
        if (op.type == history::OpType::invoke) {
            if (sent_) return;
            sent_ = true;
            invoke_us_ = t;
            out_.producer = process;
            producer_node_ = node_of(process);
            out_.partition = names_.key_name(e.key);
            if (e.source != history::kNoSource) out_.source = e.source;
            step(t, process, fmt::format("{} sends value {} to {} (send invoked)", process, value_, out_.partition));
            note(t, producer_node_, fmt::format("send value {}", value_), {text_field("partition", out_.partition)});
            return;
        }
        completion_ = op.type;
        if (op.type == history::OpType::ok) {
            acked_offset_ = e.offset;
            step(t, process, e.offset < 0 ? std::string("the send is acknowledged without an offset (acks=0: nothing waits for the broker)")
                                          : fmt::format("the send is acknowledged at offset {}", e.offset));
        } else if (op.type == history::OpType::fail) {
            step(t, process, fmt::format("the send fails ({}): definitely not written", op.error));
        } else {
            step(t, process, fmt::format("the send's outcome is unknown ({})", op.error.empty() ? "no answer" : op.error));
        }
        note(t, producer_node_, fmt::format("send {}", history::op_type_name(op.type)), {text_field("offset", std::to_string(e.offset))});
    }

    void read_txn(const history::Operation& op, const std::string& process) {
        const sim::TimeUs t = op.time_us;
        if (op.type == history::OpType::invoke) {
            txn_from_us_ = t;
            step(t, process, fmt::format("{} ends the transaction holding it ({} values)", process, op.elements.size()));
            note(t, node_of(process), "end transaction");
            return;
        }
        txn_outcome_ = op.type;
        const char* outcome = op.type == history::OpType::ok ? "commits" : op.type == history::OpType::fail ? "aborts" : "ends unknown";
        const bool say_error = !op.error.empty() && op.error != "transaction aborted";
        step(t, process, fmt::format("the transaction {}{}", outcome, say_error ? " (" + op.error + ")" : ""));
        note(t, node_of(process), fmt::format("transaction {}", outcome));
    }

    void read_poll(const history::Operation& op, const history::Element& e, const std::string& process) {
        const std::string group = names_.group_name(op.group);
        const int times = ++reads_per_group_[group];
        reads_.push_back(Read{process, group, e.offset});
        step(op.time_us, process,
             fmt::format("{} (group {}) reads it at offset {}{}", process, group, e.offset,
                         times > 1 ? fmt::format(": the group's read number {}, a duplicate", times) : ""));
        note(op.time_us, node_of(process), "read", {text_field("group", group), text_field("offset", std::to_string(e.offset))});
        reader_nodes_.insert(node_of(process));
    }

    void read_nemesis(const history::Operation& op) {
        if (op.type == history::OpType::invoke) {
            faults_.push_back(Fault{op.error, op.time_us});
            return;
        }
        for (Fault& fault : faults_) {
            if (fault.description == op.error && fault.end_us == kForever) {
                fault.end_us = op.time_us;
                break;
            }
        }
    }

    bool batch_holds_value(const TraceEvent& event) const {
        if (!has_partition(event, out_.partition)) return false;
        const TraceField* first = group_field(event, out_.partition, "first_value");
        const TraceField* records = group_field(event, out_.partition, "records");
        if (first == nullptr || records == nullptr || !first->is_number || !records->is_number) return false;
        const auto f = index_of_.find(static_cast<std::uint64_t>(first->number));
        const auto v = index_of_.find(value_);
        if (f == index_of_.end() || v == index_of_.end()) return false;
        return f->second <= v->second && v->second < f->second + static_cast<std::uint64_t>(records->number);
    }

    bool in_window(sim::TimeUs t) const { return t >= invoke_us_ && t <= end_us_; }
    bool in_txn_window(sim::TimeUs t) const { return txn_from_us_ != kForever && t >= txn_from_us_ && t <= end_us_; }
    bool pid_matches(const TraceEvent& e) const {
        const TraceField* pid = group_field(e, out_.partition, "pid");
        return pid != nullptr && pids_.count(pid->text) > 0;
    }

    void read_trace() {
        for (const TraceEvent& e : events_) {
            if (read_request(e) || read_answer(e) || read_marker_request(e)) continue;
            read_record(e);
        }
    }

    void keep(const TraceEvent& e, std::string text, const std::string& node) {
        step(e.time_us, node, std::move(text));
        out_.diagram.push_back(e);
    }

    // A ProduceRequest carrying the value, an EndTxn of its transaction, and their arrivals.
    bool read_request(const TraceEvent& e) {
        const bool produce = e.type == "ProduceRequest" && batch_holds_value(e);
        const bool end_txn = e.type == "EndTxnRequest" && in_txn_window(e.time_us) && !end_txn_seen_;
        if (e.kind == TraceEventKind::send && e.node == producer_node_ && (produce || end_txn)) {
            const TraceField* correlation = group_field(e, out_.partition, "correlation");
            Request r{e.peer, correlation == nullptr ? -1 : correlation->number, false, e.type};
            requests_[e.message] = r;
            if (end_txn) {
                end_txn_seen_ = true;
                keep(e, fmt::format("{} asks coordinator {} to {} the transaction (EndTxn #{})", producer_node_, e.peer,
                                    field_text(e, "", "result"), e.message), e.node);
                return true;
            }
            pids_.insert(field_text(e, out_.partition, "pid"));
            seqs_.insert(field_text(e, out_.partition, "seq"));
            epochs_.insert(field_text(e, out_.partition, "pid") + "/" + field_text(e, out_.partition, "epoch"));
            brokers_.insert(e.peer);
            const int attempt = ++attempts_;
            const std::string records = field_text(e, out_.partition, "records");
            keep(e, fmt::format("{} sends it to {} in ProduceRequest #{} (pid {} epoch {} seq {}, {} record{} from value {}){}",
                                producer_node_, e.peer, e.message, field_text(e, out_.partition, "pid"),
                                field_text(e, out_.partition, "epoch"), field_text(e, out_.partition, "seq"), records,
                                records == "1" ? "" : "s", field_text(e, out_.partition, "first_value"),
                                attempt > 1 ? fmt::format(": attempt {}", attempt) : ""), e.node);
            return true;
        }
        const auto it = requests_.find(e.message);
        if (it == requests_.end() || e.kind == TraceEventKind::send) return false;
        if (e.kind == TraceEventKind::drop) {
            lost_requests_ += 1;
            keep(e, fmt::format("{} #{} to {} is lost", it->second.kind, e.message, e.node), e.node);
        } else {
            it->second.awaiting_answer = true;
            keep(e, fmt::format("{} receives #{}", e.node, e.message), e.node);
        }
        return true;
    }

    // The broker's answer to a request above (same connection and correlation), and its fate.
    bool read_answer(const TraceEvent& e) {
        if (e.kind == TraceEventKind::send && e.peer == producer_node_ &&
            (e.type == "ProduceResponse" || e.type == "EndTxnResponse")) {
            for (auto& [message, r] : requests_) {
                const TraceField* correlation = group_field(e, out_.partition, "correlation");
                if (!r.awaiting_answer || r.broker != e.node || correlation == nullptr || correlation->number != r.correlation) continue;
                r.awaiting_answer = false;
                answers_.insert(e.message);
                const std::string error = field_text(e, out_.partition, "error");
                const std::string offset = field_text(e, out_.partition, "base_offset");
                if (e.type == "ProduceResponse" && error == "NONE") appended_at_.insert(offset);
                keep(e, fmt::format("{} answers #{} with #{}: {}{}", e.node, message, e.message, error,
                                    offset.empty() ? "" : ", base offset " + offset), e.node);
                return true;
            }
            return false;
        }
        if (answers_.count(e.message) == 0 || e.kind == TraceEventKind::send) return false;
        if (e.kind == TraceEventKind::drop) {
            lost_answers_ += 1;
            keep(e, fmt::format("answer #{} to {} is lost", e.message, e.node), e.node);
        } else {
            keep(e, fmt::format("{} gets answer #{}", e.node, e.message), e.node);
        }
        return true;
    }

    // The coordinator's WriteTxnMarkers for the value's partition and producer id.
    bool read_marker_request(const TraceEvent& e) {
        if (e.type != "WriteTxnMarkersRequest" || !in_txn_window(e.time_us)) return false;
        if (e.kind == TraceEventKind::send) {
            if (!has_partition(e, out_.partition) || !pid_matches(e)) return false;
            markers_.insert(e.message);
            keep(e, fmt::format("coordinator {} sends a {} marker for {} to {} (WriteTxnMarkers #{})", e.node,
                                field_text(e, out_.partition, "result"), out_.partition, e.peer, e.message), e.node);
            return true;
        }
        if (markers_.count(e.message) == 0) return false;
        keep(e, e.kind == TraceEventKind::drop ? fmt::format("WriteTxnMarkers #{} to {} is lost", e.message, e.node)
                                               : fmt::format("{} receives WriteTxnMarkers #{}", e.node, e.message), e.node);
        return true;
    }

    // State records on the value's path: its producer's, its partition's at its brokers, its
    // nodes' crashes and restarts.
    void read_record(const TraceEvent& e) {
        if (e.kind != TraceEventKind::state && e.kind != TraceEventKind::node) return;
        const bool processing = e.kind == TraceEventKind::node && output_nodes_.count(e.node) > 0 &&
                                e.time_us >= invoke_us_ && e.time_us <= outputs_end_us_;
        if (!in_window(e.time_us) && !processing) return;
        const bool partition_free = !has_partition(e, out_.partition) &&
                                    std::none_of(e.fields.begin(), e.fields.end(), [](const TraceField& f) { return f.name == "partition"; });
        if (e.kind == TraceEventKind::node) {
            if (e.node == producer_node_ || brokers_.count(e.node) > 0 || reader_nodes_.count(e.node) > 0 ||
                output_nodes_.count(e.node) > 0) {
                keep(e, fmt::format("{}: {}", e.node, e.type), e.node);
            }
            return;
        }
        if (e.node == producer_node_ && e.type.rfind("producer.", 0) == 0) {
            if (e.type == "producer.connection_ready" || e.type == "producer.txn_state") return;
            if (partition_free || has_partition(e, out_.partition)) keep(e, fmt::format("{}: {} {}", e.node, e.type, fields_sentence(e)), e.node);
            return;
        }
        static const std::set<std::string, std::less<>> kPartitionRecords = {
            "broker.duplicate_batch", "broker.lost_unflushed", "broker.verification_failed", "replica.truncate",
            "replica.become_leader"};
        const bool marker = e.type == "broker.marker" && in_txn_window(e.time_us) && pid_matches(e);
        if ((kPartitionRecords.count(e.type) > 0 || marker) && has_partition(e, out_.partition)) {
            if (e.type == "broker.duplicate_batch") {
                const TraceField* seq = group_field(e, out_.partition, "seq");
                if (!pid_matches(e) || seq == nullptr || seqs_.count(seq->text) == 0) return;
                duplicate_detected_ = true;
            }
            keep(e, fmt::format("{}: {} {}", e.node, e.type, fields_sentence(e)), e.node);
        }
    }

    void add_faults() {
        std::set<std::string> nodes = brokers_;
        nodes.insert(producer_node_);
        nodes.insert(reader_nodes_.begin(), reader_nodes_.end());
        nodes.insert(output_nodes_.begin(), output_nodes_.end());
        sim::TimeUs until_us = std::max(end_us_, outputs_end_us_);
        for (const Ordered& o : steps_) until_us = std::max(until_us, o.step.time_us);
        for (const Fault& fault : faults_) {
            const bool overlaps = fault.start_us <= until_us && fault.end_us >= invoke_us_;
            const bool touches = std::any_of(nodes.begin(), nodes.end(), [&](const std::string& n) { return names_node(fault.description, n); });
            if (!overlaps || !touches) {
                out_.faults_elsewhere += 1;
                continue;
            }
            step(fault.start_us, "nemesis", "starts " + fault.description);
            note(fault.start_us, "nemesis", "starts " + fault.description);
            if (fault.end_us != kForever) {
                step(fault.end_us, "nemesis", "ends " + fault.description);
                note(fault.end_us, "nemesis", "ends " + fault.description);
            }
        }
    }

    void conclude();
    void conclude_writes(const std::set<std::int64_t>& offsets);
    void conclude_reads(const std::set<std::int64_t>& offsets);
    void conclude_outputs();
    void anomaly(std::string text) {
        out_.conclusions.push_back(std::move(text));
        anomalies_ += 1;
    }

    std::uint64_t value_;
    const std::vector<TraceEvent>& events_;
    const std::vector<history::Operation>& history_;
    const history::Names& names_;
    ValueExplanation out_;
    std::vector<Ordered> steps_;

    bool sent_ = false;
    sim::TimeUs invoke_us_ = 0;
    sim::TimeUs end_us_ = 0;
    sim::TimeUs txn_from_us_ = kForever;
    std::string producer_node_;
    history::OpType completion_ = history::OpType::invoke;
    history::OpType txn_outcome_ = history::OpType::invoke;
    std::int64_t acked_offset_ = history::kUnknownOffset;
    std::map<std::pair<std::string, std::string>, std::vector<std::uint64_t>> sequences_;  // (node, partition)
    std::map<std::uint64_t, std::uint64_t> index_of_;  // value -> place in its producer's partition sequence
    std::map<std::string, std::set<std::string>> assigned_groups_;  // partition -> groups assigned it
    std::set<std::string> groups_;
    std::set<std::string> processor_groups_;
    std::map<std::uint64_t, std::pair<std::string, history::OpType>> output_results_;  // output -> (process, send outcome)
    std::set<std::string> output_nodes_;  // the processors that sent its outputs
    sim::TimeUs outputs_end_us_ = 0;
    std::map<std::string, int> reads_per_group_;
    std::vector<Read> reads_;
    std::set<std::string> reader_nodes_;
    std::vector<Fault> faults_;

    std::map<std::uint64_t, Request> requests_;  // message number -> request
    std::set<std::uint64_t> answers_;
    std::set<std::uint64_t> markers_;
    std::set<std::string> pids_;
    std::set<std::string> epochs_;  // "pid/epoch" of the attempts
    std::set<std::string> seqs_;    // base sequences of the attempts
    bool duplicate_detected_ = false;
    int anomalies_ = 0;
    std::set<std::string> brokers_;
    std::set<std::string> appended_at_;  // base offsets of NONE answers
    int attempts_ = 0;
    int lost_requests_ = 0;
    int lost_answers_ = 0;
    bool end_txn_seen_ = false;
};

// What processors made of it: each derived output and whether its send (its transaction) committed.
void ChainBuilder::conclude_outputs() {
    if (out_.outputs.empty()) return;
    std::string list;
    int written = 0;
    for (const std::uint64_t output : out_.outputs) {
        const auto it = output_results_.find(output);
        const bool ok = it != output_results_.end() && it->second.second == history::OpType::ok;
        written += ok ? 1 : 0;
        list += fmt::format("{}{} by {} ({})", list.empty() ? "" : ", ", output,
                            it == output_results_.end() ? "?" : it->second.first,
                            it == output_results_.end() ? "never completed" : ok ? "written" : history::op_type_name(it->second.second));
    }
    const std::string text = fmt::format("processed into {} output{}: {}", out_.outputs.size(), out_.outputs.size() == 1 ? "" : "s", list);
    if (written > 1) return anomaly(fmt::format("{} — {} written: processed more than once", text, written));
    out_.conclusions.push_back(text);
}

// Retries, and whether the broker's sequence check caught them.
void ChainBuilder::conclude_writes(const std::set<std::int64_t>& offsets) {
    const int lost = lost_answers_ + lost_requests_;
    if (lost > 0 && attempts_ > 1) {
        out_.conclusions.push_back(fmt::format("{} {} of its batch {} lost, so {} sent the batch again ({} attempts)", lost,
                                               lost == 1 ? "request or answer" : "requests or answers",
                                               lost == 1 ? "was" : "were", producer_node_, attempts_));
    }
    if (duplicate_detected_) {
        out_.conclusions.push_back("the broker recognised a retry by its producer id, epoch and sequence "
                                   "(broker.duplicate_batch) and answered with the original offset instead of appending it again");
    }
    if (offsets.size() <= 1) return;
    std::string list;
    for (const std::int64_t o : offsets) list += (list.empty() ? "" : ", ") + std::to_string(o);
    anomaly(fmt::format("value {} is in the log {} times (offsets {})", value_, offsets.size(), list));
    if (appended_at_.size() <= 1) return;
    std::string appended;
    for (const std::string& o : appended_at_) appended += (appended.empty() ? "" : " and ") + o;
    out_.conclusions.push_back(fmt::format("the broker answered NONE at base offsets {}: the batch was appended again", appended));
    if (pids_.count("-1") > 0) {
        out_.conclusions.push_back("the producer is not idempotent (producer id -1, no sequence numbers): no broker can "
                                   "tell its retry from new records");
        return;
    }
    out_.conclusions.push_back(
        epochs_.size() > 1
            ? fmt::format("the producer re-sent it under another epoch ({} epochs used), where no broker can tell it from "
                          "new records", epochs_.size())
            : "its retry kept its epoch and sequence, yet the broker did not recognise it as a duplicate (broker dedup "
              "off, or the broker's producer state lost)");
}

// What each reading group got.
void ChainBuilder::conclude_reads(const std::set<std::int64_t>& offsets) {
    for (const auto& [group, times] : reads_per_group_) {
        if (times > 1 && offsets.size() == 1) {
            anomaly(fmt::format("group {} read it {} times at the same offset: a member re-read it (a crash, a rebalance "
                                "or a lost commit) before its position was committed past it", group, times));
        }
    }
    for (const std::string& group : groups_) {
        if (processor_groups_.count(group) > 0 || reads_per_group_.count(group) > 0) continue;
        if (completion_ == history::OpType::ok && txn_outcome_ != history::OpType::fail) {
            const std::string acked = acked_offset_ < 0 ? "acknowledged without an offset (acks=0)"
                                                        : fmt::format("acknowledged at offset {}", acked_offset_);
            anomaly(fmt::format("{}, but group {} (assigned {}) never read it: lost for that group", acked, group,
                                out_.partition));
        }
    }
    if (!reads_.empty() && (completion_ == history::OpType::fail || txn_outcome_ == history::OpType::fail)) {
        anomaly(fmt::format("its {} failed, yet group {} read it: an aborted read",
                            txn_outcome_ == history::OpType::fail ? "transaction" : "send", reads_.front().group));
    }
}

void ChainBuilder::conclude() {
    std::set<std::int64_t> offsets;
    for (const Read& r : reads_) offsets.insert(r.offset);
    conclude_writes(offsets);
    conclude_reads(offsets);
    conclude_outputs();
    if (anomalies_ == 0) {
        out_.conclusions.push_back(fmt::format("no anomaly on its path: sent in {} attempt{}, read {} time{}", attempts_,
                                               attempts_ == 1 ? "" : "s", reads_.size(), reads_.size() == 1 ? "" : "s"));
    }
}

}  // namespace

ValueExplanation explain_value(std::uint64_t value, const std::vector<TraceEvent>& events,
                               const std::vector<history::Operation>& history, const history::Names& names) {
    return ChainBuilder(value, events, history, names).build();
}

bool witness_names_value(const std::string& witness, std::uint64_t value) {
    const std::regex pattern(fmt::format(R"(\bvalue {}\b)", value));
    return std::regex_search(witness, pattern);
}

std::optional<std::uint64_t> first_witnessed_value(const std::vector<std::string>& witnesses) {
    static const std::regex kValue(R"(\bvalue (\d+)\b)");
    for (const std::string& witness : witnesses) {
        std::smatch m;
        if (std::regex_search(witness, m, kValue)) return std::stoull(m[1].str());
    }
    return std::nullopt;
}

}  // namespace eosim::report
