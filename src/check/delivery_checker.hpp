#pragma once
// Judges a history (simulated or recorded) for at-most-once, at-least-once, exactly-once and
// per-producer ordering. Reads only operations: no simulator or protocol headers here.
#include <cstdint>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "history/operation.hpp"

namespace eosim::check {

struct Counts {
    std::uint64_t sent = 0;           // send invocations
    std::uint64_t acknowledged = 0;   // send ok
    std::uint64_t failed = 0;         // send fail (definitely not written)
    std::uint64_t indeterminate = 0;  // send info, or never completed
    std::uint64_t delivered = 0;      // records handed to applications, all groups
    std::uint64_t duplicates = 0;     // deliveries beyond the first of a value, per group
    std::uint64_t lost = 0;           // acknowledged values a reading group never got
    std::uint64_t unexpected = 0;     // delivered values never sent, or sent and failed
};

struct Verdict {
    bool holds = true;
    std::uint64_t violations = 0;
    std::vector<std::string> witnesses;  // the first few, in words
};

struct CheckResult {
    Counts counts;
    std::map<std::string, Verdict> verdicts;  // at_most_once, at_least_once, exactly_once, ordering
};

class DeliveryChecker final : public history::HistorySink {
public:
    explicit DeliveryChecker(const history::Names& names) : names_(names) {}
    void observe(const history::Operation& op) override;
    CheckResult finish() const;

    static constexpr std::size_t kMaxWitnesses = 20;

private:
    enum class SendState : std::uint8_t { unknown, invoked, ok, fail, info };
    struct ValueState {
        SendState state = SendState::unknown;
        std::uint32_t key = 0;
        std::uint32_t process = 0;
        std::uint64_t invoke_index = 0;
        std::int64_t invoke_time_us = 0;
        std::int64_t ack_offset = history::kUnknownOffset;
        std::int64_t first_delivered_offset = history::kUnknownOffset;
    };
    struct Delivery {
        std::uint32_t count = 0;
        std::int64_t first_offset = 0;
        std::int64_t first_time_us = 0;
        std::int64_t second_offset = 0;
        std::int64_t second_time_us = 0;
    };
    using GroupDeliveries = std::unordered_map<std::uint64_t, Delivery>;

    void observe_send(const history::Operation& op);
    void observe_poll(const history::Operation& op);
    void at_most_once(CheckResult& result) const;
    void at_least_once(CheckResult& result) const;
    void ordering(CheckResult& result) const;
    std::string describe_value(std::uint64_t value, const ValueState& state) const;

    const history::Names& names_;
    std::unordered_map<std::uint64_t, ValueState> values_;
    std::map<std::uint32_t, GroupDeliveries> deliveries_;                  // by group
    std::map<std::uint32_t, std::map<std::uint32_t, bool>> group_keys_;  // group -> keys read
    std::uint64_t delivered_ = 0;
    std::uint64_t unexpected_ = 0;
};

}  // namespace eosim::check
