#include "check/delivery_checker.hpp"

#include "check/checker_text.hpp"

#include <algorithm>
#include <cctype>

#include <fmt/format.h>

#include "base/assert.hpp"

namespace eosim::check {
namespace {

using history::OpFunction;
using history::OpType;

// The checker's own bookkeeping: every completed send is counted once, a verdict fails exactly
// when it has violations and keeps at most that many witnesses, and the counts agree with the
// verdicts built from them.
void check_consistency(const CheckResult& result) {
    const Counts& c = result.counts;
    EOSIM_ASSERT_EQ(c.acknowledged + c.failed + c.indeterminate, c.sent);
    EOSIM_ASSERT_LE(c.duplicates, c.delivered);
    EOSIM_ASSERT_LE(c.aborted_reads_read_committed, c.aborted_reads);
    EOSIM_ASSERT_EQ(c.processing_missing + c.processing_duplicates, result.verdicts.at(VerdictName::exactly_once_processing).violations);
    EOSIM_ASSERT_LE(c.processing_missing + c.processing_duplicates, c.processed_inputs);
    EOSIM_ASSERT_EQ(c.lost, result.verdicts.at(VerdictName::at_least_once).violations);
    EOSIM_ASSERT_LE(result.verdicts.at(VerdictName::at_most_once).violations, c.duplicates + c.unexpected);
    for (const auto& [name, verdict] : result.verdicts) {
        EOSIM_ASSERT_EQ(verdict.holds, verdict.violations == 0);
        EOSIM_ASSERT_LE(verdict.witnesses.size(), verdict.violations);
        EOSIM_ASSERT_LE(verdict.witnesses.size(), DeliveryChecker::kMaxWitnesses);
    }
}

}  // namespace

std::string time_ms(std::int64_t time_us) {
    return fmt::format("{}.{:03} ms", time_us / 1000, time_us % 1000);
}

void add_violation(Verdict& verdict, std::string witness) {
    verdict.holds = false;
    ++verdict.violations;
    if (verdict.witnesses.size() < DeliveryChecker::kMaxWitnesses) {
        verdict.witnesses.push_back(std::move(witness));
    }
}

void DeliveryChecker::observe(const history::Operation& op) {
    switch (op.f) {
        case OpFunction::send: observe_send(op); break;
        case OpFunction::poll: observe_poll(op); break;
        case OpFunction::assign: observe_assign(op); break;
        case OpFunction::txn: observe_txn(op); break;
        case OpFunction::effect: observe_effect(op); break;
        case OpFunction::nemesis: observe_nemesis(op); break;
        case OpFunction::commit: break;
    }
}

void DeliveryChecker::observe_send(const history::Operation& op) {
    std::uint64_t position = 0;
    for (const history::Element& e : op.elements) {
        ValueState& v = values_[e.value];
        if (op.type == OpType::invoke) {
            v.state = SendState::invoked;
            v.key = e.key;
            v.process = op.process;
            // Send order: the operation, then the value's place within it.
            v.invoke_index = op.index * kMaxValuesPerOp + position++;
            v.invoke_time_us = op.time_us;
            v.source = e.source;
            if (e.source != history::kNoSource) {
                outputs_of_[e.source].push_back(e.value);
                const auto group = group_of_process_.find(op.process);
                if (group != group_of_process_.end()) processor_groups_[group->second] = true;
            }
            continue;
        }
        if (v.state != SendState::invoked) continue;  // a completion without invocation
        v.complete_time_us = op.time_us;
        if (op.type == OpType::ok) {
            v.state = SendState::ok;
            v.ack_offset = e.offset;
        } else {
            v.state = op.type == OpType::fail ? SendState::fail : SendState::info;
        }
    }
}

void DeliveryChecker::observe_nemesis(const history::Operation& op) {
    if (op.type == OpType::invoke) {
        faults_.push_back(FaultWindow{op.time_us, INT64_MAX, op.error});
        return;
    }
    for (FaultWindow& fault : faults_) {
        if (fault.description == op.error && fault.end_us == INT64_MAX) {
            fault.end_us = op.time_us;
            return;
        }
    }
}

std::vector<std::string> DeliveryChecker::faults_between(std::int64_t from_us, std::int64_t to_us) const {
    std::vector<std::string> active;
    for (const FaultWindow& fault : faults_) {
        if (fault.start_us <= to_us && fault.end_us >= from_us) active.push_back(fault.description);
    }
    return active;
}

std::string DeliveryChecker::faults_during(std::int64_t from_us, std::int64_t to_us, const std::string& node) const {
    std::vector<std::string> active = faults_between(from_us, to_us);
    if (active.empty()) return "";
    // "source-1#2" is node source-1; a fault naming it ("source-1 crashes", "-> source-1") first.
    const std::string name = node.substr(0, node.find('#'));
    const auto names_node = [&name](const std::string& fault) {
        if (name.empty()) return false;
        for (std::size_t at = fault.find(name); at != std::string::npos; at = fault.find(name, at + 1)) {
            const std::size_t end = at + name.size();
            if (end == fault.size() || !std::isalnum(static_cast<unsigned char>(fault[end]))) return true;
        }
        return false;
    };
    std::stable_partition(active.begin(), active.end(), names_node);
    std::string text = fmt::format("{}", fmt::join(active.begin(), active.begin() + static_cast<std::ptrdiff_t>(
                                                                         std::min(active.size(), kWitnessFaults)), "; "));
    if (active.size() > kWitnessFaults) text += fmt::format("; and {} more faults", active.size() - kWitnessFaults);
    return fmt::format(" [during {}]", text);
}

void DeliveryChecker::observe_assign(const history::Operation& op) {
    if (op.type != OpType::ok) return;
    for (const auto& e : op.elements) group_keys_[op.group][e.key] = true;
    group_read_committed_[op.group] = op.read_committed;
    group_of_process_[op.process] = op.group;
    // A processor group owes outputs even if it never wrote one (it may have processed nothing).
    if (op.processor) processor_groups_[op.group] = true;
}

void DeliveryChecker::observe_poll(const history::Operation& op) {
    if (op.type != OpType::ok) return;
    GroupDeliveries& group = deliveries_[op.group];
    for (const history::Element& e : op.elements) {
        ++delivered_[op.group];
        const auto found = values_.find(e.value);
        if (found == values_.end()) unexpected_[op.group].push_back({e.value, e.offset, op.time_us});
        if (found != values_.end() &&
            found->second.first_delivered_offset == history::kUnknownOffset) {
            found->second.first_delivered_offset = e.offset;
        }
        Delivery& d = group[e.value];
        if (d.count == 0) {
            d.first_offset = e.offset;
            d.first_time_us = op.time_us;
        } else if (d.count == 1) {
            d.second_offset = e.offset;
            d.second_time_us = op.time_us;
        }
        ++d.count;
    }
}

std::string DeliveryChecker::describe_value(std::uint64_t value, const ValueState& v) const {
    if (v.state == SendState::unknown) return fmt::format("value {} (never sent)", value);
    std::string text = fmt::format("value {} ({}): sent by {} at {}", value,
                                   names_.key_name(v.key), names_.process_name(v.process),
                                   time_ms(v.invoke_time_us));
    switch (v.state) {
        case SendState::ok: text += fmt::format(" -> acknowledged at offset {}", v.ack_offset); break;
        case SendState::fail: text += " -> failed"; break;
        case SendState::info: text += " -> indeterminate"; break;
        default: text += " -> never completed"; break;
    }
    if (v.complete_time_us >= 0) {
        text += fmt::format(" at {}", time_ms(v.complete_time_us));
        text += faults_during(v.invoke_time_us, v.complete_time_us, names_.process_name(v.process));
    }
    return text;
}

// Faults between two deliveries of a value, unless the witness already names them.
std::string DeliveryChecker::between_deliveries(const std::string& witness, const Delivery& d) const {
    const std::string faults = faults_during(d.first_time_us, d.second_time_us);
    return witness.find(faults) == std::string::npos ? faults : std::string();
}

void DeliveryChecker::at_most_once(CheckResult& result) const {
    Verdict verdict;
    for (const std::uint32_t group : sorted_keys(deliveries_)) {
        // A processor re-reads its input after an abort or a crash: exactly_once_processing judges it.
        if (processor_groups_.count(group) > 0) continue;
        const GroupDeliveries& deliveries = deliveries_.at(group);
        for (const std::uint64_t value : sorted_keys(deliveries)) {
            const Delivery& d = deliveries.at(value);
            if (d.count < 2) continue;
            result.counts.duplicates += d.count - 1;
            const auto found = values_.find(value);
            const std::string sent = found == values_.end()
                                         ? fmt::format("value {}", value)
                                         : describe_value(value, found->second);
            add_violation(verdict, fmt::format("{} -> delivered to group {} {} times (offset {} "
                                               "at {}, offset {} at {}){}",
                                               sent, names_.group_name(group), d.count,
                                               d.first_offset, time_ms(d.first_time_us),
                                               d.second_offset, time_ms(d.second_time_us),
                                               between_deliveries(sent, d)));
        }
    }
    // A record nobody sent (or not yet) was delivered: more deliveries than sends, as Jepsen's
    // queue checker counts an unexpected read against validity.
    for (const auto& [group, reads] : unexpected_) {
        if (processor_groups_.count(group) > 0) continue;
        for (const UnexpectedRead& read : reads) {
            add_violation(verdict, fmt::format("value {} -> delivered to group {} at offset {} at {} with no send of "
                                               "it before (unexpected)",
                                               read.value, names_.group_name(group), read.offset,
                                               time_ms(read.time_us)));
        }
    }
    result.verdicts[VerdictName::at_most_once] = std::move(verdict);
}

void DeliveryChecker::at_least_once(CheckResult& result) const {
    Verdict verdict;
    for (const std::uint64_t value : sorted_keys(values_)) {
        const ValueState& v = values_.at(value);
        if (v.state != SendState::ok) continue;  // only acknowledged values are owed
        for (const std::uint32_t group : sorted_keys(group_keys_)) {
            if (group_keys_.at(group).count(v.key) == 0) continue;
            if (processor_groups_.count(group) > 0) continue;  // judged by exactly_once_processing
            const auto deliveries = deliveries_.find(group);
            if (deliveries != deliveries_.end() && deliveries->second.count(value) > 0) continue;
            ++result.counts.lost;
            const auto after = faults_between(v.complete_time_us, INT64_MAX);
            add_violation(verdict, fmt::format("{} -> never delivered to group {}{}",
                                               describe_value(value, v), names_.group_name(group),
                                               after.empty() ? "" : fmt::format(" [faults after its acknowledgement: {}]",
                                                                                fmt::join(after, "; "))));
        }
    }
    result.verdicts[VerdictName::at_least_once] = std::move(verdict);
}

void DeliveryChecker::ordering(CheckResult& result) const {
    // Per (producer process, key): in send order, the log offsets must increase.
    struct Sent {
        std::uint64_t invoke_index;
        std::int64_t offset;
        std::uint64_t value;
    };
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<Sent>> streams;
    for (const auto& [value, v] : values_) {
        if (v.state == SendState::unknown) continue;  // no send recorded (e.g. only inside a txn op)
        const std::int64_t offset =
            v.ack_offset != history::kUnknownOffset ? v.ack_offset : v.first_delivered_offset;
        if (offset == history::kUnknownOffset) continue;
        streams[{v.process, v.key}].push_back(Sent{v.invoke_index, offset, value});
    }
    Verdict verdict;
    for (auto& [stream, sent] : streams) {
        std::sort(sent.begin(), sent.end(),
                  [](const Sent& a, const Sent& b) { return a.invoke_index < b.invoke_index; });
        for (std::size_t i = 1; i < sent.size(); ++i) {
            if (sent[i].offset > sent[i - 1].offset) continue;
            add_violation(verdict,
                          fmt::format("{} on {}: value {} was sent before value {} but landed "
                                      "after it (offset {} > {})",
                                      names_.process_name(stream.first),
                                      names_.key_name(stream.second), sent[i - 1].value,
                                      sent[i].value, sent[i - 1].offset, sent[i].offset));
        }
    }
    result.verdicts[VerdictName::ordering] = std::move(verdict);
}

CheckResult DeliveryChecker::finish() const {
    CheckResult result;
    for (const auto& [value, v] : values_) {
        (void)value;
        if (v.state == SendState::unknown) continue;
        ++result.counts.sent;
        if (v.state == SendState::ok) ++result.counts.acknowledged;
        if (v.state == SendState::fail) ++result.counts.failed;
        if (v.state == SendState::info || v.state == SendState::invoked) {
            ++result.counts.indeterminate;
        }
    }
    for (const auto& [group, count] : delivered_) {
        if (processor_groups_.count(group) == 0) result.counts.delivered += count;
    }
    for (const auto& [group, reads] : unexpected_) {
        if (processor_groups_.count(group) == 0) result.counts.unexpected += reads.size();
    }
    at_most_once(result);
    at_least_once(result);
    ordering(result);
    aborted_read(result);
    uncommitted_read(result);
    atomicity(result);
    exactly_once_processing(result);
    processing_order(result);
    external_exactly_once(result);
    const Verdict& amo = result.verdicts[VerdictName::at_most_once];
    const Verdict& alo = result.verdicts[VerdictName::at_least_once];
    Verdict exactly;
    exactly.holds = amo.holds && alo.holds;
    exactly.violations = amo.violations + alo.violations;
    result.verdicts[VerdictName::exactly_once] = exactly;
    check_consistency(result);
    return result;
}

}  // namespace eosim::check
