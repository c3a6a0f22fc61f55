#include "history/well_formed.hpp"

#include <fmt/format.h>

namespace eosim::history {

std::string WellFormed::accept(const Operation& op, std::uint64_t line) {
    if (any_ && op.time_us < last_time_us_) {
        return fmt::format("time goes backwards: time_us {} is before {} on line {}", op.time_us, last_time_us_,
                           last_time_line_);
    }
    any_ = true;
    last_time_us_ = op.time_us;
    last_time_line_ = line;
    switch (op.f) {
        case OpFunction::send: return accept_send(op, line);
        case OpFunction::txn: return accept_single(op, line, open_txn_);
        case OpFunction::nemesis:
            // Faults overlap and are told apart by their "error" text: no pairing is required.
            if (op.type != OpType::invoke && op.type != OpType::info) {
                return "a nemesis operation is an invoke (a fault starts) or an info (it ends)";
            }
            return op.elements.empty() ? "" : "a nemesis operation has no \"values\" (describe the fault in \"error\")";
        default: return accept_single(op, line, open_other_);
    }
}

std::string WellFormed::open_elsewhere(const Operation& op) const {
    for (const auto* slot : {&open_txn_, &open_other_}) {
        const auto open = slot->find(op.process);
        if (open != slot->end()) {
            return fmt::format("; its open invocation is a {} on line {}", op_function_name(open->second.f),
                               open->second.line);
        }
    }
    return "";
}

std::string WellFormed::accept_send(const Operation& op, std::uint64_t line) {
    for (const Element& e : op.elements) {
        const auto key = std::make_pair(op.process, e.value);
        const auto open = open_sends_.find(key);
        if (op.type != OpType::invoke) {
            if (open == open_sends_.end()) {
                return fmt::format("a {} of send value {} by process \"{}\" without an open invoke of it{}",
                                   op_type_name(op.type), e.value, process(op), open_elsewhere(op));
            }
            if (op.acked_us != kNoTime && op.acked_us < open->second.time_us) {
                return fmt::format("send value {} is acknowledged (acked_us {}) before it was sent (line {}, time_us {})",
                                   e.value, op.acked_us, open->second.line, open->second.time_us);
            }
            open_sends_.erase(open);
            if (op.type == OpType::ok) acknowledged_.emplace(e.value, line);
            continue;
        }
        if (open != open_sends_.end()) {
            return fmt::format("process \"{}\" invokes send of value {} again: it is open since line {}", process(op),
                               e.value, open->second.line);
        }
        if (const auto ok = acknowledged_.find(e.value); ok != acknowledged_.end()) {
            return fmt::format("value {} is sent again after its ok on line {} (each record has a unique value)",
                               e.value, ok->second);
        }
        const auto first = sent_.emplace(e.value, std::make_pair(op.process, line)).first;
        if (first->second.first != op.process) {
            return fmt::format("value {} is sent by process \"{}\" and, on line {}, by \"{}\" (each record has a "
                               "unique value)", e.value, process(op), first->second.second,
                               names_.process_name(first->second.first));
        }
        open_sends_.emplace(key, OpenSend{line, op.time_us});
    }
    return "";
}

// Functions a process runs one at a time: an invoke, then its completion.
std::string WellFormed::accept_single(const Operation& op, std::uint64_t line, std::map<std::uint32_t, Open>& slot) {
    const auto open = slot.find(op.process);
    if (op.type == OpType::invoke) {
        if (open != slot.end()) {
            return fmt::format("process \"{}\" invokes {} while its {} from line {} is still open (one at a time)",
                               process(op), op_function_name(op.f), op_function_name(open->second.f),
                               open->second.line);
        }
        slot.emplace(op.process, Open{op.f, line});
        return "";
    }
    if (open == slot.end()) {
        return fmt::format("a {} of {} by process \"{}\" without an open invoke{}", op_type_name(op.type),
                           op_function_name(op.f), process(op), open_elsewhere(op));
    }
    if (open->second.f != op.f) {
        return fmt::format("a {} of {} by process \"{}\" completes its {} invoked on line {} (another function)",
                           op_type_name(op.type), op_function_name(op.f), process(op),
                           op_function_name(open->second.f), open->second.line);
    }
    slot.erase(open);
    return "";
}

}  // namespace eosim::history
