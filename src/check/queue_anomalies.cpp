#include "check/queue_anomalies.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "check/checker_text.hpp"

namespace eosim::check {
namespace {

using history::OpFunction;
using history::OpType;

}  // namespace

std::optional<std::size_t> QueueAnomalyChecker::KeyIndex::locate(const history::Element& e) const {
    if (e.offset >= 0) {
        const auto at = std::lower_bound(offsets.begin(), offsets.end(), e.offset);
        if (at != offsets.end() && *at == e.offset) return static_cast<std::size_t>(at - offsets.begin());
    }
    const auto value = positions.find(e.value);
    if (value == positions.end()) return std::nullopt;
    return value->second.first;
}

bool Anomalies::valid() const {
    for (const auto& [name, verdict] : found) {
        if (!verdict.holds && allowed.count(name) == 0) return false;
    }
    return true;
}

const std::vector<std::string>& QueueAnomalyChecker::anomaly_names() {
    static const std::vector<std::string> names{
        "inconsistent-offsets", "duplicate",         "lost-write",           "unseen",
        "poll-skip",            "nonmonotonic-poll", "int-poll-skip",        "int-nonmonotonic-poll",
        "nonmonotonic-send",    "int-nonmonotonic-send", "int-send-skip", "precommitted-read",
        "G0",                   "G1a",              "G1c"};
    return names;
}

QueueAnomalyChecker::OpValues QueueAnomalyChecker::store(const history::Operation& op, bool reads_only) {
    OpValues stored{op.index, op.process, op.type, static_cast<std::uint32_t>(elements_.size()), 0};
    for (const auto& e : op.elements) {
        if (reads_only && !e.read) continue;
        elements_.push_back(e);
        ++stored.count;
    }
    return stored;
}

void QueueAnomalyChecker::observe(const history::Operation& op) {
    if (op.type == OpType::invoke) {
        if (op.f == OpFunction::send)
            for (const auto& e : op.elements) send_invoked_at_.emplace(e.value, op.index);
        return;
    }
    if (op.f == OpFunction::assign && op.type != OpType::fail) {
        if (op.subscribe) subscribers_.insert(op.process);
        if (op.processor) processors_.insert(op.process);
        read_committed_[op.process] = op.read_committed;
        std::set<std::uint32_t> keys;
        for (const auto& e : op.elements) keys.insert(e.key);
        assigns_.push_back({op.index, {op.process, keys}});
    }
    if (op.f == OpFunction::poll) {
        polls_.push_back(store(op, false));
        const auto assigned = read_committed_.find(op.process);
        polls_.back().read_uncommitted = !op.read_committed && (assigned == read_committed_.end() || !assigned->second);
    }
    if (op.f == OpFunction::send) sends_.push_back(store(op, false));
    if (op.f == OpFunction::txn) {
        txns_.push_back(store(op, false));
        // A transaction's polls are reads like any other (its sends are recorded as sends).
        const OpValues reads = store(op, true);
        if (reads.count > 0) polls_.push_back(reads);
    }
}

base::U64Set QueueAnomalyChecker::read_values() const {
    base::U64Set read;
    for (const OpValues& poll : polls_) {
        if (poll.type != OpType::ok) continue;
        for (const auto& e : elements(poll)) read.insert(e.value);
    }
    return read;
}

// Pollers always tell the truth about offsets; sends only when they must have committed.
std::map<std::uint32_t, QueueAnomalyChecker::Order> QueueAnomalyChecker::version_orders(
    const base::U64Set& read) const {
    std::map<std::uint32_t, Order> orders;
    for (const OpValues& poll : polls_) {
        for (const auto& e : elements(poll)) {
            if (e.offset >= 0) orders[e.key].emplace_back(e.offset, e.value);
        }
    }
    for (const OpValues& send : sends_) {
        const bool committed = send.type == OpType::ok;
        for (const auto& e : elements(send)) {
            if (e.offset < 0) continue;
            if (committed || (send.type == OpType::info && read.count(e.value) > 0)) {
                orders[e.key].emplace_back(e.offset, e.value);
            }
        }
    }
    for (auto& [key, order] : orders) {
        std::sort(order.begin(), order.end());
        order.erase(std::unique(order.begin(), order.end()), order.end());
    }
    return orders;
}

base::U64Set QueueAnomalyChecker::failed_values() const {
    base::U64Set failed;
    for (const OpValues& send : sends_) {
        if (send.type != OpType::fail) continue;
        for (const auto& e : elements(send)) failed.insert(e.value);
    }
    return failed;
}

std::map<std::uint32_t, QueueAnomalyChecker::KeyIndex> QueueAnomalyChecker::index(
    const std::map<std::uint32_t, Order>& orders) const {
    const base::U64Set failed = failed_values();
    std::map<std::uint32_t, KeyIndex> indexes;
    for (const auto& [key, order] : orders) {
        KeyIndex& index = indexes[key];
        std::size_t aborted = 0;
        for (std::size_t i = 0; i < order.size();) {
            std::size_t end = i;
            while (end < order.size() && order[end].first == order[i].first) ++end;
            const std::size_t dense = index.offsets.size();
            index.offsets.push_back(order[i].first);
            index.aborted_before.push_back(aborted);
            for (std::size_t k = i; k < end; ++k) {
                auto [it, inserted] = index.positions.try_emplace(order[k].second, dense, dense);
                if (!inserted) it->second.second = dense;
            }
            // A record of an aborted transaction: read_committed readers rightly step over it.
            if (end - i == 1 && failed.count(order[i].second) > 0) ++aborted;
            i = end;
        }
        index.aborted_before.push_back(aborted);
    }
    return indexes;
}

void QueueAnomalyChecker::order_anomalies(const std::map<std::uint32_t, Order>& orders, Anomalies& out) const {
    Verdict& inconsistent = out.found["inconsistent-offsets"];
    Verdict& duplicate = out.found["duplicate"];
    for (const auto& [key, order] : orders) {
        for (std::size_t i = 0; i < order.size();) {
            std::size_t end = i;
            std::vector<std::uint64_t> values;
            while (end < order.size() && order[end].first == order[i].first) values.push_back(order[end++].second);
            if (values.size() > 1) {
                add_violation(inconsistent, fmt::format("{} offset {} holds {} values: {}", names_.key_name(key),
                                                        order[i].first, values.size(), fmt::join(values, ", ")));
            }
            i = end;
        }
        std::vector<std::pair<std::uint64_t, std::int64_t>> by_value;  // (value, offset)
        by_value.reserve(order.size());
        for (const auto& [offset, value] : order) by_value.emplace_back(value, offset);
        std::sort(by_value.begin(), by_value.end());
        for (std::size_t i = 0; i < by_value.size();) {
            std::size_t end = i;
            std::vector<std::int64_t> offsets;
            while (end < by_value.size() && by_value[end].first == by_value[i].first) offsets.push_back(by_value[end++].second);
            if (offsets.size() > 1) {
                add_violation(duplicate, fmt::format("value {} appears at offsets {} of {}", by_value[i].first,
                                                     fmt::join(offsets, ", "), names_.key_name(key)));
            }
            i = end;
        }
    }
}

// G1a (aborted read): a value whose writer failed appears in an ok poll. A read_uncommitted
// reader sees aborted records by design (isolation.level's documented meaning), so G1a counts as
// allowed when every such read was one; a read_committed reader's or a processor's is not.
void QueueAnomalyChecker::aborted_reads(Anomalies& out) const {
    const base::U64Set failed = failed_values();
    bool only_read_uncommitted = true;
    for (const OpValues& poll : polls_) {
        if (poll.type != OpType::ok) continue;
        for (const auto& e : elements(poll)) {
            if (failed.count(e.value) == 0) continue;
            only_read_uncommitted = only_read_uncommitted && poll.read_uncommitted;
            add_violation(out.found["G1a"], fmt::format("{} (op {}) read value {} at offset {} of {}, written by a failed "
                                                        "(aborted) operation{}", names_.process_name(poll.process), poll.index,
                                                        e.value, e.offset, names_.key_name(e.key),
                                                        poll.read_uncommitted ? " (a read_uncommitted reader)" : ""));
        }
    }
    if (!out.found["G1a"].holds && only_read_uncommitted) out.allowed.insert("G1a");
}

void QueueAnomalyChecker::lost_and_unseen(const std::map<std::uint32_t, KeyIndex>& indexes,
                                          const base::U64Set& read, Anomalies& out) const {
    Verdict& lost = out.found["lost-write"];
    Verdict& unseen = out.found["unseen"];
    std::set<std::uint32_t> polled_keys;
    for (const OpValues& poll : polls_) {
        for (const auto& e : elements(poll)) polled_keys.insert(e.key);
    }
    for (const OpValues& send : sends_) {
        if (send.type != OpType::ok) continue;
        for (const auto& e : elements(send)) {
            if (read.count(e.value) > 0 || polled_keys.count(e.key) == 0) continue;
            const auto key = indexes.find(e.key);
            // bound = the highest first-appearance index among the key's values that were read.
            std::size_t bound = 0;
            bool any_read = false;
            if (key != indexes.end()) {
                for (const auto& [value, positions] : key->second.positions) {
                    if (read.count(value) == 0) continue;
                    any_read = true;
                    bound = std::max(bound, positions.first);  // a max: iteration order is irrelevant
                }
            }
            const auto here = key == indexes.end() ? nullptr : &key->second.positions;
            const bool placed = here != nullptr && here->count(e.value) > 0;
            if (any_read && placed && here->at(e.value).second <= bound) {
                add_violation(lost, fmt::format("value {} acknowledged at offset {} of {} was never read, though "
                                                "later offsets were", e.value, e.offset, names_.key_name(e.key)));
            } else {
                add_violation(unseen, fmt::format("value {} acknowledged at offset {} of {} was never read", e.value,
                                                  e.offset, names_.key_name(e.key)));
            }
        }
    }
}

void QueueAnomalyChecker::poll_anomalies(const std::map<std::uint32_t, KeyIndex>& indexes, Anomalies& out) const {
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> last;  // (process, key) -> index
    const auto position = [&](const history::Element& e) -> std::optional<std::size_t> {
        const auto key = indexes.find(e.key);
        if (key == indexes.end()) return std::nullopt;
        return key->second.locate(e);
    };
    std::size_t next_assign = 0;
    for (const OpValues& poll : polls_) {
        // An assign that leaves a key out drops that key's tracking for its process.
        while (next_assign < assigns_.size() && assigns_[next_assign].first < poll.index) {
            const auto& [process, keys] = assigns_[next_assign++].second;
            for (auto it = last.begin(); it != last.end();) {
                it = it->first.first == process && keys.count(it->first.second) == 0 ? last.erase(it) : std::next(it);
            }
        }
        if (poll.type != OpType::ok) continue;
        // With subscribe, a rebalance may move the position: skips and rewinds are allowed. A
        // processor rewinds to its committed offsets after an abort, as Kafka's loop must.
        const bool rebalancing = subscribers_.count(poll.process) > 0 || processors_.count(poll.process) > 0;
        std::map<std::uint32_t, std::size_t> previous_in_op;
        for (const auto& e : elements(poll)) {
            const auto at = position(e);
            if (!at) continue;
            const auto who = [&] {  // formatted only for a violation
                return fmt::format("{} polling {} (op {})", names_.process_name(poll.process), names_.key_name(e.key),
                                   poll.index);
            };
            if (const auto in_op = previous_in_op.find(e.key); in_op != previous_in_op.end()) {
                if (*at > in_op->second + 1) add_violation(out.found["int-poll-skip"], who() + fmt::format(": index {} after {}", *at, in_op->second));
                if (*at <= in_op->second) add_violation(out.found["int-nonmonotonic-poll"], who() + fmt::format(": index {} after {}", *at, in_op->second));
            } else if (const auto before = last.find({poll.process, e.key}); before != last.end() && !rebalancing) {
                const auto& aborted = indexes.at(e.key).aborted_before;
                const std::size_t stepped_over = aborted[*at] - aborted[before->second + 1];
                if (*at > before->second + 1 + stepped_over) {
                    add_violation(out.found["poll-skip"], who() + fmt::format(": read index {} after index {} in its previous poll "
                                                                            "(value {} skipped {} records)", *at, before->second,
                                                                            e.value, *at - before->second - 1));
                }
                if (*at <= before->second) {
                    add_violation(out.found["nonmonotonic-poll"], who() + fmt::format(": read index {} after index {} (value {} "
                                                                                    "again or earlier)", *at, before->second, e.value));
                }
            }
            previous_in_op[e.key] = *at;
        }
        for (const auto& [key, at] : previous_in_op) last[{poll.process, key}] = at;
    }
}

std::vector<const QueueAnomalyChecker::OpValues*> QueueAnomalyChecker::sends_in_invocation_order() const {
    // Jepsen's "previous op" of a process is the one it invoked before: its processes run one
    // operation at a time, so that is also the one completed before. A Kafka producer pipelines
    // sends, and their acknowledgements may come back in another order than the sends while the
    // log still holds them in send order: a retried batch and a later, new one are in flight
    // together (RecordAccumulator.shouldStopDrainBatchesForPartition drains a batch without a
    // sequence while the first in-flight one is retried) and Sender.completeBatch completes each
    // on its own response. So sends are compared in invocation order, as `ordering` does.
    const auto invoked_at = [this](const OpValues& send) {
        if (send.count == 0) return send.index;
        const auto at = send_invoked_at_.find(elements_[send.first].value);
        return at == send_invoked_at_.end() ? send.index : at->second;  // no invocation recorded
    };
    // Each send's invocation index looked up once, not once per comparison.
    std::vector<std::pair<std::uint64_t, const OpValues*>> keyed;
    keyed.reserve(sends_.size());
    for (const OpValues& send : sends_) keyed.emplace_back(invoked_at(send), &send);
    std::stable_sort(keyed.begin(), keyed.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    std::vector<const OpValues*> order;
    order.reserve(keyed.size());
    for (const auto& [at, send] : keyed) order.push_back(send);
    return order;
}

void QueueAnomalyChecker::send_anomalies(const std::map<std::uint32_t, KeyIndex>& indexes, Anomalies& out) const {
    std::map<std::pair<std::uint32_t, std::uint32_t>, std::size_t> last;
    for (const OpValues* sent : sends_in_invocation_order()) {
        const OpValues& send = *sent;
        if (send.type == OpType::fail) continue;
        std::map<std::uint32_t, std::size_t> previous_in_op;
        for (const auto& e : elements(send)) {
            const auto key = indexes.find(e.key);
            if (key == indexes.end()) continue;
            const auto located = key->second.locate(e);
            if (!located) continue;
            const std::size_t at = *located;
            // Formatted only for a violation: this loop sees every value sent.
            const auto who = [&] {
                return fmt::format("{} sending value {} to {}", names_.process_name(send.process), e.value,
                                   names_.key_name(e.key));
            };
            if (const auto in_op = previous_in_op.find(e.key); in_op != previous_in_op.end()) {
                if (at <= in_op->second) add_violation(out.found["int-nonmonotonic-send"], who());
                if (at > in_op->second + 1) add_violation(out.found["int-send-skip"], who());
            } else if (const auto before = last.find({send.process, e.key}); before != last.end() && at <= before->second) {
                add_violation(out.found["nonmonotonic-send"],
                              who() + fmt::format(": landed at index {}, not after index {} of the send invoked before it",
                                                  at, before->second));
            }
            previous_in_op[e.key] = at;
        }
        for (const auto& [key, at] : previous_in_op) last[{send.process, key}] = at;
    }
}

Anomalies QueueAnomalyChecker::finish() const {
    Anomalies out;
    for (const std::string& name : anomaly_names()) out.found[name];
    // Kafka's transaction model: writes interleave and ww cycles are normal (Jepsen allows them).
    out.allowed = {"int-send-skip", "G0"};
    const base::U64Set read = read_values();
    const auto orders = version_orders(read);
    const auto indexes = index(orders);
    order_anomalies(orders, out);
    lost_and_unseen(indexes, read, out);
    poll_anomalies(indexes, out);
    send_anomalies(indexes, out);
    transaction_anomalies(orders, out);
    aborted_reads(out);
    return out;
}

}  // namespace eosim::check
