#pragma once
// Judges a history (simulated or recorded) for at-most-once, at-least-once, exactly-once and
// per-producer ordering. Reads only operations: no simulator or protocol headers here.
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "base/u64_map.hpp"
#include "check/verdict_name.hpp"
#include "history/operation.hpp"

namespace eosim::check {

struct Counts {
    std::uint64_t sent = 0;           // send invocations
    std::uint64_t acknowledged = 0;   // send ok
    std::uint64_t failed = 0;         // send fail (definitely not written)
    std::uint64_t indeterminate = 0;  // send info, or never completed
    std::uint64_t delivered = 0;      // records handed to applications, every group but processors' (their input)
    std::uint64_t duplicates = 0;     // deliveries beyond the first of a value, per group
    std::uint64_t lost = 0;           // acknowledged values a reading group never got
    std::uint64_t unexpected = 0;     // delivered values never sent
    std::uint64_t aborted_reads = 0;  // deliveries of values whose send (transaction) failed
    std::uint64_t aborted_reads_read_committed = 0;  // the part of them read_committed groups got
    std::uint64_t uncommitted_reads = 0;   // read_committed deliveries before the commit began
    std::uint64_t torn_transactions = 0;   // committed transactions a reader saw only part of
    std::uint64_t transactions_committed = 0;
    std::uint64_t transactions_aborted = 0;
    std::uint64_t processed_inputs = 0;       // inputs a pipeline owed an output
    std::uint64_t processing_duplicates = 0;  // inputs with more than one committed output
    std::uint64_t processing_missing = 0;     // inputs with no committed output
    std::uint64_t external_effects = 0;
    std::uint64_t external_duplicates = 0;    // inputs applied more than once outside Kafka
    std::uint64_t external_missing = 0;
};

struct Verdict {
    bool holds = true;
    std::uint64_t violations = 0;
    std::vector<std::string> witnesses;  // the first few, in words
};

struct CheckResult {
    Counts counts;
    // The checker's verdicts (at_most_once .. external_exactly_once); a run adds the liveness ones.
    std::map<VerdictName, Verdict> verdicts;
};

class DeliveryChecker final : public history::HistorySink {
public:
    explicit DeliveryChecker(const history::Names& names) : names_(names) {}
    void observe(const history::Operation& op) override;
    CheckResult finish() const;

    static constexpr std::size_t kMaxWitnesses = 10000;  // witnesses kept per verdict
    static constexpr std::uint64_t kMaxValuesPerOp = 1u << 16;  // for ordering values within an op

private:
    enum class SendState : std::uint8_t { unknown, invoked, ok, fail, info };
    struct ValueState {
        SendState state = SendState::unknown;
        std::uint32_t key = 0;
        std::uint32_t process = 0;
        std::uint64_t source = history::kNoSource;
        std::int64_t txn = -1;  // index into transactions_
        std::uint64_t invoke_index = 0;
        std::int64_t invoke_time_us = 0;
        std::int64_t complete_time_us = -1;
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
    using GroupDeliveries = base::U64Map<Delivery>;
    struct Transaction {
        std::vector<std::uint64_t> values;
        std::int64_t commit_invoke_us = 0;
        history::OpType outcome = history::OpType::invoke;
    };
    struct Effect {
        std::uint32_t count = 0;
        std::int64_t first_time_us = 0;
        std::int64_t second_time_us = 0;
    };

    void observe_send(const history::Operation& op);
    void observe_poll(const history::Operation& op);
    void observe_assign(const history::Operation& op);
    void observe_txn(const history::Operation& op);
    void observe_effect(const history::Operation& op);
    void observe_nemesis(const history::Operation& op);
    // Faults active at some point in [from_us, to_us], as "fault #1: ..." texts.
    std::vector<std::string> faults_between(std::int64_t from_us, std::int64_t to_us) const;
    // The faults active in the window, those naming `node` (the sender) first, at most
    // kWitnessFaults of them and a count of the rest: a witness reads in one line.
    std::string faults_during(std::int64_t from_us, std::int64_t to_us, const std::string& node = "") const;
    static constexpr std::size_t kWitnessFaults = 3;
    std::string between_deliveries(const std::string& witness, const Delivery& d) const;
    void at_most_once(CheckResult& result) const;
    void at_least_once(CheckResult& result) const;
    void ordering(CheckResult& result) const;
    // transaction_checks.cpp
    void aborted_read(CheckResult& result) const;
    void uncommitted_read(CheckResult& result) const;
    void atomicity(CheckResult& result) const;
    void exactly_once_processing(CheckResult& result) const;
    void processing_order(CheckResult& result) const;  // processing_order.cpp
    std::vector<std::uint64_t> committed_outputs(std::uint64_t input) const;
    void external_exactly_once(CheckResult& result) const;
    std::vector<std::uint64_t> owed_inputs() const;
    // Inputs a group's sink owes one effect each: acknowledged values of the keys it reads
    // (kNoGroup: the processors' inputs, as owed_inputs()).
    std::vector<std::uint64_t> owed_effects(std::uint32_t group) const;
    bool seen_by_read_committed(std::uint64_t value) const;
    bool read_committed_reader_covers(std::uint32_t key) const;
    bool output_outcome_unknown(std::uint64_t output) const;
    bool has_output_of_unknown_outcome(std::uint64_t input) const;
    std::string describe_value(std::uint64_t value, const ValueState& state) const;
    void processed_aborted_inputs(Verdict& verdict, CheckResult& result) const;

    const history::Names& names_;
    base::U64Map<ValueState> values_;
    std::map<std::uint32_t, GroupDeliveries> deliveries_;                  // by group
    std::map<std::uint32_t, std::map<std::uint32_t, bool>> group_keys_;  // group -> keys read
    std::map<std::uint32_t, bool> group_read_committed_;
    std::map<std::uint32_t, std::uint32_t> group_of_process_;
    std::map<std::uint32_t, bool> processor_groups_;  // groups whose members send derived values
    std::vector<Transaction> transactions_;
    std::map<std::uint32_t, std::int64_t> open_txn_;  // process -> its open transaction
    base::U64Map<std::vector<std::uint64_t>> outputs_of_;  // input -> outputs
    // (calling group, input value) -> external effects. The group is the effect's `group`
    // (kNoGroup when the history does not say which application called the sink).
    std::map<std::pair<std::uint32_t, std::uint64_t>, Effect> effects_;
    struct FaultWindow {
        std::int64_t start_us = 0;
        std::int64_t end_us = INT64_MAX;
        std::string description;
    };
    std::vector<FaultWindow> faults_;
    // By group: a processor group's polls are its input, not deliveries (summed at finish, when
    // every processor group is known).
    std::map<std::uint32_t, std::uint64_t> delivered_;
    struct UnexpectedRead {
        std::uint64_t value = 0;
        std::int64_t offset = history::kUnknownOffset;
        std::int64_t time_us = 0;
    };
    // group -> deliveries of values with no send before them (Jepsen's "unexpected")
    std::map<std::uint32_t, std::vector<UnexpectedRead>> unexpected_;
};

}  // namespace eosim::check
