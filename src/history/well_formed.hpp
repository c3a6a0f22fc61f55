#pragma once
// Jepsen's history discipline, checked line by line as a history is read: every completion
// follows its invocation, of the same function; a process has one operation open at a time
// (except sends, which a Kafka producer pipelines and which are matched by value); a value is
// sent once; time never goes backwards. A history that breaks it is malformed, not anomalous: the
// checker's verdicts would be about the recorder, not the system.
#include <cstdint>
#include <map>
#include <string>
#include <utility>

#include "history/operation.hpp"

namespace eosim::history {

class WellFormed {
public:
    explicit WellFormed(const Names& names) : names_(names) {}

    // "" when op may follow the operations accepted so far (and records it); otherwise what is
    // wrong, naming the earlier line involved.
    std::string accept(const Operation& op, std::uint64_t line);

private:
    struct Open {
        OpFunction f = OpFunction::poll;
        std::uint64_t line = 0;
    };
    std::string accept_send(const Operation& op, std::uint64_t line);
    std::string accept_single(const Operation& op, std::uint64_t line, std::map<std::uint32_t, Open>& slot);
    std::string open_elsewhere(const Operation& op) const;
    const std::string& process(const Operation& op) const { return names_.process_name(op.process); }

    const Names& names_;
    bool any_ = false;
    std::int64_t last_time_us_ = 0;
    std::uint64_t last_time_line_ = 0;
    struct OpenSend {
        std::uint64_t line = 0;
        std::int64_t time_us = 0;
    };
    std::map<std::pair<std::uint32_t, std::uint64_t>, OpenSend> open_sends_;  // (process, value) -> its invoke
    std::map<std::uint64_t, std::pair<std::uint32_t, std::uint64_t>> sent_;  // value -> (process, invoke line)
    std::map<std::uint64_t, std::uint64_t> acknowledged_;  // value -> line of its ok
    std::map<std::uint32_t, Open> open_txn_;    // process -> its open txn
    std::map<std::uint32_t, Open> open_other_;  // process -> its open poll, commit, assign or effect
};

}  // namespace eosim::history
