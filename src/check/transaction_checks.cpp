// The checker's transactional and pipeline verdicts: aborted reads (G1a), reads of uncommitted
// data, atomicity, exactly-once processing and exactly-once external effects.
#include <fmt/format.h>

#include <set>

#include "check/checker_text.hpp"
#include "check/delivery_checker.hpp"

namespace eosim::check {
namespace {

using history::OpType;

}  // namespace

void DeliveryChecker::observe_txn(const history::Operation& op) {
    if (op.type == OpType::invoke) {
        Transaction txn;
        txn.commit_invoke_us = op.time_us;
        for (const history::Element& e : op.elements) {
            if (e.read) continue;  // a poll micro-op: not one of the transaction's writes
            txn.values.push_back(e.value);
            values_[e.value].txn = static_cast<std::int64_t>(transactions_.size());
        }
        open_txn_[op.process] = static_cast<std::int64_t>(transactions_.size());
        transactions_.push_back(std::move(txn));
        return;
    }
    const auto open = open_txn_.find(op.process);
    if (open == open_txn_.end()) return;
    transactions_[static_cast<std::size_t>(open->second)].outcome = op.type;
    open_txn_.erase(open);
}

void DeliveryChecker::observe_effect(const history::Operation& op) {
    if (op.type != OpType::ok) return;
    for (const history::Element& e : op.elements) {
        Effect& effect = effects_[{op.group, e.value}];
        if (effect.count == 0) effect.first_time_us = op.time_us;
        if (effect.count == 1) effect.second_time_us = op.time_us;
        ++effect.count;
    }
}

void DeliveryChecker::aborted_read(CheckResult& result) const {
    Verdict verdict;
    for (const std::uint32_t group : sorted_keys(deliveries_)) {
        const GroupDeliveries& deliveries = deliveries_.at(group);
        for (const std::uint64_t value : sorted_keys(deliveries)) {
            const auto found = values_.find(value);
            if (found == values_.end() || found->second.state != SendState::fail) continue;
            ++result.counts.aborted_reads;
            const bool read_committed = group_read_committed_.count(group) > 0 && group_read_committed_.at(group);
            if (read_committed) ++result.counts.aborted_reads_read_committed;
            const Delivery& d = deliveries.at(value);
            add_violation(verdict, fmt::format("{} (its transaction aborted) -> delivered to group {} at "
                                               "offset {} at {}{}",
                                               describe_value(value, found->second), names_.group_name(group),
                                               d.first_offset, time_ms(d.first_time_us),
                                               read_committed ? " by a read_committed reader"
                                                   : " (read_uncommitted reader)"));
        }
    }
    processed_aborted_inputs(verdict, result);
    result.verdicts[VerdictName::aborted_read] = std::move(verdict);
}

// A processor that read an aborted input (its consumer read_uncommitted) and committed an output
// of it: the aborted write reached a committed transaction, G1a through the pipeline, whether or
// not any reader's poll saw the aborted value itself.
void DeliveryChecker::processed_aborted_inputs(Verdict& verdict, CheckResult& result) const {
    for (const std::uint64_t input : sorted_keys(outputs_of_)) {
        const auto found = values_.find(input);
        if (found == values_.end() || found->second.state != SendState::fail) continue;
        const std::vector<std::uint64_t> committed = committed_outputs(input);
        if (committed.empty()) continue;
        ++result.counts.aborted_reads;
        add_violation(verdict, fmt::format("{} (its transaction aborted) was processed into committed output {}",
                                           describe_value(input, found->second), committed.front()));
    }
}

void DeliveryChecker::uncommitted_read(CheckResult& result) const {
    Verdict verdict;
    for (const std::uint32_t group : sorted_keys(deliveries_)) {
        const auto rc = group_read_committed_.find(group);
        if (rc == group_read_committed_.end() || !rc->second) continue;
        const GroupDeliveries& deliveries = deliveries_.at(group);
        for (const std::uint64_t value : sorted_keys(deliveries)) {
            const auto found = values_.find(value);
            if (found == values_.end() || found->second.txn < 0) continue;
            const Transaction& txn = transactions_[static_cast<std::size_t>(found->second.txn)];
            const Delivery& d = deliveries.at(value);
            if (d.first_time_us >= txn.commit_invoke_us) continue;
            ++result.counts.uncommitted_reads;
            add_violation(verdict, fmt::format("{} -> delivered to read_committed group {} at {}, before "
                                               "its producer asked to commit (at {})",
                                               describe_value(value, found->second), names_.group_name(group),
                                               time_ms(d.first_time_us), time_ms(txn.commit_invoke_us)));
        }
    }
    result.verdicts[VerdictName::uncommitted_read] = std::move(verdict);
}

void DeliveryChecker::atomicity(CheckResult& result) const {
    Verdict verdict;
    for (std::size_t t = 0; t < transactions_.size(); ++t) {
        const Transaction& txn = transactions_[t];
        if (txn.outcome == OpType::ok) ++result.counts.transactions_committed;
        if (txn.outcome == OpType::fail) ++result.counts.transactions_aborted;
        if (txn.outcome != OpType::ok) continue;
        for (const auto& [group, read_committed] : group_read_committed_) {
            if (!read_committed) continue;
            const auto keys = group_keys_.find(group);
            const auto deliveries = deliveries_.find(group);
            std::size_t owed = 0;
            std::size_t seen = 0;
            std::uint64_t missing = 0;
            for (const std::uint64_t value : txn.values) {
                const ValueState& v = values_.at(value);
                if (keys == group_keys_.end() || keys->second.count(v.key) == 0) continue;
                ++owed;
                const bool delivered = deliveries != deliveries_.end() && deliveries->second.count(value) > 0;
                seen += delivered ? 1 : 0;
                if (!delivered) missing = value;
            }
            if (seen == 0 || seen == owed) continue;
            ++result.counts.torn_transactions;
            add_violation(verdict, fmt::format("committed transaction #{} ({} values) was seen only in part by "
                                               "group {}: {} of {} delivered, e.g. value {} never",
                                               t + 1, txn.values.size(), names_.group_name(group), seen, owed,
                                               missing));
        }
    }
    result.verdicts[VerdictName::atomicity] = std::move(verdict);
}

// Acknowledged values on keys a processing pipeline reads: each is owed exactly one output.
std::vector<std::uint64_t> DeliveryChecker::owed_inputs() const {
    std::vector<std::uint64_t> owed;
    for (const std::uint64_t value : sorted_keys(values_)) {
        const ValueState& v = values_.at(value);
        if (v.state != SendState::ok) continue;
        for (const auto& [group, is_processor] : processor_groups_) {
            const auto keys = group_keys_.find(group);
            if (is_processor && keys != group_keys_.end() && keys->second.count(v.key) > 0) {
                owed.push_back(value);
                break;
            }
        }
    }
    return owed;
}

bool DeliveryChecker::seen_by_read_committed(std::uint64_t value) const {
    for (const auto& [group, read_committed] : group_read_committed_) {
        if (!read_committed || processor_groups_.count(group) > 0) continue;
        const auto deliveries = deliveries_.find(group);
        if (deliveries != deliveries_.end() && deliveries->second.count(value) > 0) return true;
    }
    return false;
}

std::vector<std::uint64_t> DeliveryChecker::committed_outputs(std::uint64_t input) const {
    std::vector<std::uint64_t> committed;
    const auto outputs = outputs_of_.find(input);
    if (outputs == outputs_of_.end()) return committed;
    for (const std::uint64_t output : outputs->second) {
        // Committed: its producer heard so, or a read_committed reader saw it.
        if (values_.at(output).state == SendState::ok || seen_by_read_committed(output)) committed.push_back(output);
    }
    return committed;
}

bool DeliveryChecker::read_committed_reader_covers(std::uint32_t key) const {
    for (const auto& [group, read_committed] : group_read_committed_) {
        if (!read_committed || processor_groups_.count(group) > 0) continue;
        const auto keys = group_keys_.find(group);
        if (keys != group_keys_.end() && keys->second.count(key) > 0) return true;
    }
    return false;
}

// An output whose producer never heard how its transaction ended (it crashed after EndTxn, say)
// may well have committed: Kafka completes a PrepareCommit without the client. Only a
// read_committed reader of its partition can tell; without one, the input is not missing.
bool DeliveryChecker::output_outcome_unknown(std::uint64_t output) const {
    const ValueState& v = values_.at(output);
    if (v.state != SendState::info && v.state != SendState::invoked) return false;
    return !read_committed_reader_covers(v.key);
}

bool DeliveryChecker::has_output_of_unknown_outcome(std::uint64_t input) const {
    const auto outputs = outputs_of_.find(input);
    if (outputs == outputs_of_.end()) return false;
    for (const std::uint64_t output : outputs->second) {
        if (output_outcome_unknown(output)) return true;
    }
    return false;
}

void DeliveryChecker::exactly_once_processing(CheckResult& result) const {
    Verdict verdict;
    for (const std::uint64_t input : owed_inputs()) {
        ++result.counts.processed_inputs;
        const std::vector<std::uint64_t> committed = committed_outputs(input);
        if (committed.size() == 1) continue;
        const ValueState& in = values_.at(input);
        if (committed.empty() && has_output_of_unknown_outcome(input)) continue;
        if (committed.empty()) {
            ++result.counts.processing_missing;
            add_violation(verdict, fmt::format("input {} -> no committed output", describe_value(input, in)));
            continue;
        }
        ++result.counts.processing_duplicates;
        add_violation(verdict, fmt::format("input {} -> {} committed outputs: {}; {}", describe_value(input, in),
                                           committed.size(), describe_value(committed[0], values_.at(committed[0])),
                                           describe_value(committed[1], values_.at(committed[1]))));
    }
    result.verdicts[VerdictName::exactly_once_processing] = std::move(verdict);
}

std::vector<std::uint64_t> DeliveryChecker::owed_effects(std::uint32_t group) const {
    if (group == history::kNoGroup) return owed_inputs();
    std::vector<std::uint64_t> owed;
    const auto keys = group_keys_.find(group);
    if (keys == group_keys_.end()) return owed;
    for (const std::uint64_t value : sorted_keys(values_)) {
        const ValueState& v = values_.at(value);
        if (v.state == SendState::ok && keys->second.count(v.key) > 0) owed.push_back(value);
    }
    return owed;
}

// Judged per calling group: every group that called a sink owes one effect per input it reads.
void DeliveryChecker::external_exactly_once(CheckResult& result) const {
    Verdict verdict;
    std::set<std::uint32_t> calling_groups;
    for (const auto& [who, effect] : effects_) {
        calling_groups.insert(who.first);
        result.counts.external_effects += effect.count;
    }
    for (const std::uint32_t group : calling_groups) {  // none: no external sink in this history
        const std::string by = group == history::kNoGroup ? "" : " for group " + names_.group_name(group);
        for (const std::uint64_t input : owed_effects(group)) {
            const auto found = effects_.find({group, input});
            const std::uint32_t count = found == effects_.end() ? 0 : found->second.count;
            if (count == 1) continue;
            const ValueState& in = values_.at(input);
            if (count == 0) {
                ++result.counts.external_missing;
                add_violation(verdict, fmt::format("input {} -> never applied by the external sink{}",
                                                   describe_value(input, in), by));
                continue;
            }
            ++result.counts.external_duplicates;
            add_violation(verdict, fmt::format("input {} -> applied {} times by the external sink{} (at {} and {})",
                                               describe_value(input, in), count, by, time_ms(found->second.first_time_us),
                                               time_ms(found->second.second_time_us)));
        }
    }
    result.verdicts[VerdictName::external_exactly_once] = std::move(verdict);
}

}  // namespace eosim::check
