#pragma once
// Records operations as the run produces them and streams them to sinks. Tracks open send
// invocations per process so that a crash turns them into info (indeterminate) completions.
#include <cstdint>
#include <map>
#include <memory>
#include <string_view>
#include <vector>

#include "history/operation.hpp"

namespace eosim::history {

class Recorder {
public:
    explicit Recorder(Names& names) : names_(names) {}
    void add_sink(HistorySink* sink) { sinks_.push_back(sink); }

    Names& names() { return names_; }
    std::uint32_t new_process(std::string_view name) { return names_.process(name); }

    void invoke(std::int64_t time_us, std::uint32_t process, OpFunction f, std::uint32_t group,
                std::vector<Element> elements);
    // Completes the process's open invocation of f for elements' first value.
    void complete(std::int64_t time_us, std::uint32_t process, OpType type, OpFunction f,
                  std::uint32_t group, std::vector<Element> elements, std::string_view error,
                  std::int64_t acked_us = kNoTime);
    // An operation that completes as it starts (a delivery, an assignment): invoke then ok.
    void instant(std::int64_t time_us, std::uint32_t process, OpFunction f, std::uint32_t group,
                 const std::vector<Element>& elements, bool read_committed = false, bool processor = false,
                 bool subscribe = false);
    // A fault starts or ends (Jepsen's nemesis operations).
    void nemesis(std::int64_t time_us, bool start, std::string_view description);
    // The process died: each open invocation ends as info ("crashed").
    void crash(std::int64_t time_us, std::uint32_t process);

    std::uint64_t operations() const { return next_index_; }

private:
    void emit(Operation op);

    Names& names_;
    std::vector<HistorySink*> sinks_;
    std::uint64_t next_index_ = 0;
    // (process, value) -> function, for open invocations, ordered for a deterministic crash.
    std::map<std::pair<std::uint32_t, std::uint64_t>, std::pair<OpFunction, Element>> open_;
    std::map<std::uint32_t, std::vector<Element>> open_txn_;  // process -> its open transaction
};

}  // namespace eosim::history
