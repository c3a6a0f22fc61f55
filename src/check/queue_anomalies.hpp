#pragma once
// Jepsen's Kafka queue anomalies (jepsen.tests.kafka), computed from per-key version orders:
// inconsistent-offsets, duplicate, lost-write, unseen, poll-skip, nonmonotonic-poll,
// int-poll-skip, int-nonmonotonic-poll, nonmonotonic-send, int-nonmonotonic-send and the allowed
// int-send-skip. Reads only the history.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/u64_map.hpp"
#include "check/delivery_checker.hpp"
#include "history/operation.hpp"

namespace eosim::check {

struct Anomalies {
    std::map<std::string, Verdict> found;  // anomaly name -> occurrences (holds = none)
    std::set<std::string> allowed;         // reported but not a failure (Kafka's model allows them)
    bool valid() const;                    // no anomaly outside `allowed`
};

class QueueAnomalyChecker final : public history::HistorySink {
public:
    explicit QueueAnomalyChecker(const history::Names& names) : names_(names) {}
    void observe(const history::Operation& op) override;
    Anomalies finish() const;

    static const std::vector<std::string>& anomaly_names();

private:
    // An operation's elements live in one shared vector (no allocation per operation).
    struct OpValues {
        std::uint64_t index = 0;
        std::uint32_t process = 0;
        history::OpType type = history::OpType::ok;
        std::uint32_t first = 0;  // into elements_
        std::uint32_t count = 0;
        bool read_uncommitted = false;  // a poll by a read_uncommitted reader
    };
    struct Span {
        const history::Element* first;
        const history::Element* last;
        const history::Element* begin() const { return first; }
        const history::Element* end() const { return last; }
        bool empty() const { return first == last; }
    };
    Span elements(const OpValues& op) const {
        return Span{elements_.data() + op.first, elements_.data() + op.first + op.count};
    }
    OpValues store(const history::Operation& op, bool reads_only);
    // A key's version order: (offset, value) pairs, sorted and unique.
    using Order = std::vector<std::pair<std::int64_t, std::uint64_t>>;
    struct KeyIndex {
        // value -> (first, last) dense index; looked up, never iterated in an order that matters
        base::U64Map<std::pair<std::size_t, std::size_t>> positions;
        std::vector<std::int64_t> offsets;  // distinct offsets; the dense index is the position here
        std::vector<std::size_t> aborted_before;  // aborted_before[i]: aborted values below index i
        // Where an element sits: its own offset when known, else its value's first position.
        std::optional<std::size_t> locate(const history::Element& e) const;
    };

    std::map<std::uint32_t, Order> version_orders(const base::U64Set& read) const;
    std::map<std::uint32_t, KeyIndex> index(const std::map<std::uint32_t, Order>& orders) const;
    base::U64Set failed_values() const;
    base::U64Set read_values() const;
    void order_anomalies(const std::map<std::uint32_t, Order>& orders, Anomalies& out) const;
    void lost_and_unseen(const std::map<std::uint32_t, KeyIndex>& indexes, const base::U64Set& read,
                         Anomalies& out) const;
    void aborted_reads(Anomalies& out) const;
    void poll_anomalies(const std::map<std::uint32_t, KeyIndex>& indexes, Anomalies& out) const;
    void send_anomalies(const std::map<std::uint32_t, KeyIndex>& indexes, Anomalies& out) const;
    std::vector<const OpValues*> sends_in_invocation_order() const;
    // transaction_graph.cpp: precommitted-read, G0 (ww cycles), G1c (wr-only cycles).
    void transaction_anomalies(const std::map<std::uint32_t, Order>& orders, Anomalies& out) const;

    const history::Names& names_;
    std::vector<OpValues> polls_;      // completed polls, in history order
    std::vector<OpValues> sends_;      // completed sends (ok / info / fail), in history order
    // value -> index of the send invocation that carried it; looked up, never iterated. A process
    // may pipeline sends (KafkaProducer.send is asynchronous), so completion order is not send order.
    base::U64Map<std::uint64_t> send_invoked_at_;
    std::vector<OpValues> txns_;       // completed transactions, with their micro-ops
    std::vector<history::Element> elements_;
    std::set<std::uint32_t> subscribers_;  // processes whose partitions a rebalance may move
    std::set<std::uint32_t> processors_;   // consume-transform-produce processes (they rewind after an abort)
    std::map<std::uint32_t, bool> read_committed_;  // process -> its last assign said read_committed
    // (process, key) pairs whose tracking an assign without that key reset, at history index.
    std::vector<std::pair<std::uint64_t, std::pair<std::uint32_t, std::set<std::uint32_t>>>> assigns_;
};

}  // namespace eosim::check
