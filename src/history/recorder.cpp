#include "history/recorder.hpp"

#include "base/assert.hpp"

namespace eosim::history {

void Recorder::emit(Operation op) {
    op.index = next_index_++;
    for (HistorySink* sink : sinks_) sink->observe(op);
}

void Recorder::invoke(std::int64_t time_us, std::uint32_t process, OpFunction f,
                      std::uint32_t group, std::vector<Element> elements) {
    EOSIM_ASSERT(!elements.empty() || f == OpFunction::assign || f == OpFunction::commit);
    if (f == OpFunction::send) {
        const auto inserted = open_.emplace(std::make_pair(process, elements.front().value),
                                            std::make_pair(f, elements.front()));
        EOSIM_ASSERT(inserted.second && "a value is sent once");
    }
    if (f == OpFunction::txn) {
        EOSIM_ASSERT(open_txn_.count(process) == 0 && "one transaction at a time per process");
        open_txn_[process] = elements;
    }
    emit(Operation{0, time_us, process, OpType::invoke, f, group, std::move(elements), {}, false});
}

void Recorder::complete(std::int64_t time_us, std::uint32_t process, OpType type, OpFunction f,
                        std::uint32_t group, std::vector<Element> elements,
                        std::string_view error, std::int64_t acked_us) {
    EOSIM_ASSERT(type != OpType::invoke);
    if (f == OpFunction::send) {
        EOSIM_ASSERT(!elements.empty());
        const auto erased = open_.erase(std::make_pair(process, elements.front().value));
        EOSIM_ASSERT(erased == 1 && "completion without invocation");
    }
    if (f == OpFunction::txn) open_txn_.erase(process);
    EOSIM_ASSERT(acked_us == kNoTime || (f == OpFunction::send && acked_us <= time_us));
    Operation op{0, time_us, process, type, f, group, std::move(elements), std::string(error), false};
    op.acked_us = acked_us;
    emit(std::move(op));
}

void Recorder::instant(std::int64_t time_us, std::uint32_t process, OpFunction f,
                       std::uint32_t group, const std::vector<Element>& elements,
                       bool read_committed, bool processor, bool subscribe) {
    EOSIM_ASSERT(f != OpFunction::send);
    Operation op{0, time_us, process, OpType::invoke, f, group, elements, {}, read_committed};
    op.processor = processor;
    op.subscribe = subscribe;
    emit(op);
    op.type = OpType::ok;
    emit(std::move(op));
}

void Recorder::nemesis(std::int64_t time_us, bool start, std::string_view description) {
    emit(Operation{0, time_us, names_.process("nemesis"), start ? OpType::invoke : OpType::info,
                   OpFunction::nemesis, kNoGroup, {}, std::string(description), false});
}

void Recorder::crash(std::int64_t time_us, std::uint32_t process) {
    const auto txn = open_txn_.find(process);
    if (txn != open_txn_.end()) {
        Operation op{0, time_us, process, OpType::info, OpFunction::txn, kNoGroup, txn->second, "process crashed", false};
        open_txn_.erase(txn);
        emit(std::move(op));
    }
    auto it = open_.lower_bound(std::make_pair(process, std::uint64_t{0}));
    while (it != open_.end() && it->first.first == process) {
        Operation op{0, time_us, process, OpType::info, it->second.first, kNoGroup,
                     {it->second.second}, "process crashed", false};
        it = open_.erase(it);
        emit(std::move(op));
    }
}

}  // namespace eosim::history
