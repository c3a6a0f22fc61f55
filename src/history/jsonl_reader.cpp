#include "history/jsonl_reader.hpp"

#include <nlohmann/json.hpp>

#include <set>

namespace eosim::history {
namespace {

using nlohmann::json;

class LineReader {
public:
    LineReader(const std::string& file, std::uint64_t line) : file_(file), line_(line) {}

    [[noreturn]] void fail(const std::string& what) const {
        throw HistoryFormatError(file_ + ":" + std::to_string(line_) + ": " + what);
    }
    void only_keys(const json& object, const std::set<std::string>& allowed, const std::string& where) const {
        for (const auto& item : object.items()) {
            if (allowed.count(item.key()) == 0) fail("unknown field \"" + item.key() + "\" in " + where);
        }
    }
    std::string string_field(const json& object, const char* key, bool required) const {
        const auto found = object.find(key);
        if (found == object.end()) {
            if (required) fail(std::string("missing \"") + key + "\" (a string)");
            return "";
        }
        if (!found->is_string()) fail(std::string("\"") + key + "\" must be a string");
        return found->get<std::string>();
    }
    std::int64_t integer_field(const json& object, const char* key, std::int64_t fallback, bool required) const {
        const auto found = object.find(key);
        if (found == object.end()) {
            if (required) fail(std::string("missing \"") + key + "\" (an integer)");
            return fallback;
        }
        if (!found->is_number_integer()) fail(std::string("\"") + key + "\" must be an integer");
        return found->get<std::int64_t>();
    }
    std::uint64_t value_field(const json& object, const char* key, bool required) const {
        const auto found = object.find(key);
        if (found == object.end()) {
            if (required) fail(std::string("missing \"") + key + "\" (a non-negative integer)");
            return kNoSource;
        }
        if (!found->is_number_integer() || (found->is_number_integer() && !found->is_number_unsigned() &&
                                            found->get<std::int64_t>() < 0)) {
            fail(std::string("\"") + key + "\" must be a non-negative integer");
        }
        return found->get<std::uint64_t>();
    }

private:
    const std::string& file_;
    std::uint64_t line_;
};

Element read_element(const LineReader& r, const json& e, OpFunction f, Names& names) {
    if (!e.is_object()) r.fail("each entry of \"values\" must be an object");
    r.only_keys(e, {"key", "offset", "value", "source", "op"}, "a value");
    Element element;
    element.key = names.key(r.string_field(e, "key", true));
    element.offset = r.integer_field(e, "offset", kUnknownOffset, false);
    if (element.offset < kUnknownOffset) r.fail("\"offset\" must be >= 0");
    const bool needs_value = f != OpFunction::commit && f != OpFunction::assign;
    element.value = needs_value ? r.value_field(e, "value", true) : 0;
    element.source = r.value_field(e, "source", false);
    const std::string micro = r.string_field(e, "op", false);
    if (!micro.empty()) {
        if (f != OpFunction::txn) r.fail("\"op\" (a micro-operation) is only allowed in a txn operation");
        if (micro != "send" && micro != "poll") r.fail("\"op\" must be \"send\" or \"poll\"");
        element.read = micro == "poll";
    }
    return element;
}

Operation read_operation(const LineReader& r, const json& line, std::uint64_t position, Names& names) {
    if (!line.is_object()) r.fail("expected a JSON object per line");
    r.only_keys(line, {"index", "time_us", "process", "type", "f", "group", "read_committed", "subscribe", "processor", "values",
                       "error"},
                "an operation");
    Operation op;
    op.index = static_cast<std::uint64_t>(r.integer_field(line, "index", static_cast<std::int64_t>(position), false));
    op.time_us = r.integer_field(line, "time_us", 0, true);
    op.process = names.process(r.string_field(line, "process", true));
    if (!parse_op_type(r.string_field(line, "type", true), op.type)) {
        r.fail("\"type\" must be one of invoke, ok, fail, info");
    }
    if (!parse_op_function(r.string_field(line, "f", true), op.f)) {
        r.fail("\"f\" must be one of send, poll, commit, assign, txn, effect, nemesis");
    }
    const std::string group = r.string_field(line, "group", false);
    op.group = group.empty() ? kNoGroup : names.group(group);
    if (const auto rc = line.find("read_committed"); rc != line.end()) {
        if (!rc->is_boolean()) r.fail("\"read_committed\" must be true or false");
        op.read_committed = rc->get<bool>();
    }
    if (const auto sub = line.find("subscribe"); sub != line.end()) {
        if (!sub->is_boolean()) r.fail("\"subscribe\" must be true or false");
        op.subscribe = sub->get<bool>();
    }
    if (const auto processor = line.find("processor"); processor != line.end()) {
        if (!processor->is_boolean()) r.fail("\"processor\" must be true or false");
        op.processor = processor->get<bool>();
    }
    const auto values = line.find("values");
    if (values == line.end() || !values->is_array()) r.fail("missing \"values\" (an array)");
    for (const json& e : *values) op.elements.push_back(read_element(r, e, op.f, names));
    if ((op.f == OpFunction::send || op.f == OpFunction::poll) && op.elements.empty() && op.type != OpType::fail) {
        r.fail("a send or poll needs at least one entry in \"values\"");
    }
    op.error = r.string_field(line, "error", false);
    return op;
}

}  // namespace

std::uint64_t read_jsonl(std::istream& in, const std::string& file, Names& names, HistorySink& sink) {
    std::string text;
    std::uint64_t line_number = 0;
    std::uint64_t operations = 0;
    while (std::getline(in, text)) {
        ++line_number;
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
        const LineReader reader(file, line_number);
        json line;
        try {
            line = json::parse(text);
        } catch (const json::parse_error& e) {
            reader.fail(std::string("not valid JSON: ") + e.what());
        }
        sink.observe(read_operation(reader, line, operations, names));
        ++operations;
    }
    return operations;
}

}  // namespace eosim::history
