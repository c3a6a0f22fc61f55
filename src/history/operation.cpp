#include "history/operation.hpp"

namespace eosim::history {

std::string_view op_type_name(OpType type) {
    switch (type) {
        case OpType::invoke: return "invoke";
        case OpType::ok: return "ok";
        case OpType::fail: return "fail";
        case OpType::info: return "info";
    }
    return "?";
}

std::string_view op_function_name(OpFunction f) {
    switch (f) {
        case OpFunction::send: return "send";
        case OpFunction::poll: return "poll";
        case OpFunction::commit: return "commit";
        case OpFunction::assign: return "assign";
        case OpFunction::txn: return "txn";
        case OpFunction::effect: return "effect";
        case OpFunction::nemesis: return "nemesis";
    }
    return "?";
}

bool parse_op_type(std::string_view text, OpType& out) {
    for (OpType t : {OpType::invoke, OpType::ok, OpType::fail, OpType::info}) {
        if (op_type_name(t) == text) {
            out = t;
            return true;
        }
    }
    return false;
}

bool parse_op_function(std::string_view text, OpFunction& out) {
    for (OpFunction f : {OpFunction::send, OpFunction::poll, OpFunction::commit, OpFunction::assign,
                         OpFunction::txn, OpFunction::effect, OpFunction::nemesis}) {
        if (op_function_name(f) == text) {
            out = f;
            return true;
        }
    }
    return false;
}

Names::Names() { intern(groups_, ""); }

std::uint32_t Names::intern(Table& table, std::string_view name) {
    const auto found = table.ids.find(name);
    if (found != table.ids.end()) return found->second;
    const auto id = static_cast<std::uint32_t>(table.names.size());
    table.names.emplace_back(name);
    table.ids.emplace(std::string(name), id);
    return id;
}

std::uint32_t Names::key(std::string_view name) { return intern(keys_, name); }
std::uint32_t Names::process(std::string_view name) { return intern(processes_, name); }
std::uint32_t Names::group(std::string_view name) {
    const std::uint32_t id = intern(groups_, name);
    return id == kNoGroup ? intern(groups_, std::string(name) + "?") : id;
}

}  // namespace eosim::history
