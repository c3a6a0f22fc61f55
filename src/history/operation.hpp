#pragma once
// The operation model, independent of the simulator: a history can come from a simulated run or
// be recorded from real clients. Jepsen's discipline: invoke, then ok / fail / info.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace eosim::history {

enum class OpType : std::uint8_t { invoke, ok, fail, info };
// send: a producer hands one value to the client; poll: a consumer hands one or more records to
// its application (delivery); commit: committed offsets; assign: the keys a consumer reads;
// txn: a transaction's outcome, listing the values it sent (ok = committed, fail = aborted);
// effect: a side effect outside Kafka (an external sink applied the value);
// nemesis: a fault starts (invoke) or ends (info); `error` describes it.
enum class OpFunction : std::uint8_t { send, poll, commit, assign, txn, effect, nemesis };

constexpr std::int64_t kUnknownOffset = -1;
constexpr std::uint32_t kNoGroup = 0;
constexpr std::uint64_t kNoSource = ~std::uint64_t{0};
constexpr std::int64_t kNoTime = INT64_MIN;

struct Element {
    std::uint32_t key = 0;  // interned key name, e.g. "events-0" (topic-partition)
    std::int64_t offset = kUnknownOffset;
    std::uint64_t value = 0;  // unique logical id (commit: unused)
    std::uint64_t source = kNoSource;  // for a derived value: the input value it came from
    bool read = false;  // in a txn op: a poll micro-op (the transaction read this value)
};

struct Operation {
    std::uint64_t index = 0;  // position in the history, assigned by the recorder
    std::int64_t time_us = 0;
    std::uint32_t process = 0;
    OpType type = OpType::invoke;
    OpFunction f = OpFunction::send;
    std::uint32_t group = kNoGroup;  // consumer group of a poll/commit/assign
    std::vector<Element> elements;
    std::string error;  // Kafka error name for fail and info
    bool read_committed = false;  // poll/assign: the reader uses isolation.level=read_committed
    bool subscribe = false;       // assign: group-managed (subscribe), so rebalances may move it
    // assign: the reader is a consume-transform-produce processor; every input it reads is owed
    // exactly one committed output (judged by exactly_once_processing, not at_least_once).
    bool processor = false;
    // send completion of a transactional value, which completes with its transaction: when its
    // produce request was acknowledged (the send callback), for send→ack figures; kNoTime unknown.
    std::int64_t acked_us = kNoTime;
};

std::string_view op_type_name(OpType type);
std::string_view op_function_name(OpFunction f);
bool parse_op_type(std::string_view text, OpType& out);
bool parse_op_function(std::string_view text, OpFunction& out);

// Interned names: keys, processes and groups are small integers in operations.
class Names {
public:
    Names();
    std::uint32_t key(std::string_view name);
    std::uint32_t process(std::string_view name);
    std::uint32_t group(std::string_view name);  // never returns kNoGroup
    const std::string& key_name(std::uint32_t key) const { return keys_.names.at(key); }
    const std::string& process_name(std::uint32_t process) const { return processes_.names.at(process); }
    const std::string& group_name(std::uint32_t group) const { return groups_.names.at(group); }

private:
    struct Table {
        std::vector<std::string> names;
        std::map<std::string, std::uint32_t, std::less<>> ids;
    };
    static std::uint32_t intern(Table& table, std::string_view name);
    Table keys_;
    Table processes_;
    Table groups_;  // index 0 is "" (no group)
};

// Anything that consumes a history as it is produced (the checker, a file writer).
class HistorySink {
public:
    virtual ~HistorySink() = default;
    virtual void observe(const Operation& op) = 0;
};

}  // namespace eosim::history
