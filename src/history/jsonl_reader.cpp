#include "history/jsonl_reader.hpp"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <set>

#include "base/strict_json.hpp"
#include "history/well_formed.hpp"

namespace eosim::history {
namespace {

using nlohmann::json;

// Bounds that keep the checker's arithmetic exact: times and offsets stay clear of the int64
// sentinels and differences; the checker orders a send's values as index * 2^16 + position.
constexpr std::int64_t kMaxTimeUs = std::int64_t{1} << 62;
constexpr std::int64_t kMaxOffset = std::int64_t{1} << 62;
constexpr std::int64_t kMaxIndex = std::int64_t{1} << 40;
constexpr std::size_t kMaxValuesPerOperation = std::size_t{1} << 16;
// One line is one operation; a poll of a few thousand records is well under a megabyte.
constexpr std::size_t kMaxLineBytes = std::size_t{16} << 20;

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
    // A string that, when present, is not empty.
    std::string string_field(const json& object, const char* key, bool required) const {
        const auto found = object.find(key);
        if (found == object.end()) {
            if (required) fail(std::string("missing \"") + key + "\" (a string)");
            return "";
        }
        if (!found->is_string()) fail(std::string("\"") + key + "\" must be a string");
        std::string text = found->get<std::string>();
        if (text.empty()) fail(std::string("\"") + key + "\" must not be empty");
        return text;
    }
    std::int64_t integer_field(const json& object, const char* key, std::int64_t fallback, bool required,
                               std::int64_t min, std::int64_t max) const {
        const auto found = object.find(key);
        if (found == object.end()) {
            if (required) fail(fmt::format("missing \"{}\" (an integer in [{}, {}])", key, min, max));
            return fallback;
        }
        // get<std::int64_t> wraps an unsigned 2^63 to a negative: compare before converting.
        const bool in_range = found->is_number_integer() &&
                              (found->is_number_unsigned() ? found->get<std::uint64_t>() <= static_cast<std::uint64_t>(max)
                                                           : found->get<std::int64_t>() >= min && found->get<std::int64_t>() <= max);
        if (!in_range) fail(fmt::format("\"{}\" must be an integer in [{}, {}], got {}", key, min, max, found->dump()));
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
    element.offset = r.integer_field(e, "offset", kUnknownOffset, false, 0, kMaxOffset);
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
                       "error", "acked_us"},
                "an operation");
    Operation op;
    op.index = static_cast<std::uint64_t>(
        r.integer_field(line, "index", static_cast<std::int64_t>(position), false, 0, kMaxIndex));
    op.time_us = r.integer_field(line, "time_us", 0, true, -kMaxTimeUs, kMaxTimeUs);
    op.process = names.process(r.string_field(line, "process", true));
    if (!parse_op_type(r.string_field(line, "type", true), op.type)) {
        r.fail("\"type\" must be one of invoke, ok, fail, info");
    }
    if (!parse_op_function(r.string_field(line, "f", true), op.f)) {
        r.fail("\"f\" must be one of send, poll, commit, assign, txn, effect, nemesis");
    }
    const bool reader = op.f == OpFunction::poll || op.f == OpFunction::commit || op.f == OpFunction::assign;
    // A poll without its group would be owed to no group (a false lost write).
    const std::string group = r.string_field(line, "group", reader);
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
    if (values->size() > kMaxValuesPerOperation) {
        r.fail(fmt::format("at most {} entries in \"values\", got {}", kMaxValuesPerOperation, values->size()));
    }
    for (const json& e : *values) op.elements.push_back(read_element(r, e, op.f, names));
    // A poll that returned nothing is normal (and its invoke cannot know its records); a send is
    // of one or more values.
    if (op.f == OpFunction::send && op.elements.empty()) r.fail("a send needs at least one entry in \"values\"");
    op.error = r.string_field(line, "error", false);
    if (line.contains("acked_us")) {
        if (op.f != OpFunction::send || op.type == OpType::invoke) r.fail("\"acked_us\" is only allowed on a send's completion");
        op.acked_us = r.integer_field(line, "acked_us", 0, true, -kMaxTimeUs, kMaxTimeUs);
        if (op.acked_us > op.time_us) {
            r.fail(fmt::format("\"acked_us\" {} is after the completion's time_us {}", op.acked_us, op.time_us));
        }
    }
    return op;
}

// std::getline with a cap: an endless line (/dev/zero) is an error, not a run out of memory.
bool read_line(std::istream& in, std::string& text, const LineReader& reader) {
    text.clear();
    std::streambuf* buffer = in.rdbuf();
    for (;;) {
        const int c = buffer->sbumpc();
        if (c == std::char_traits<char>::eof()) return !text.empty();
        if (c == '\n') return true;
        if (text.size() == kMaxLineBytes) reader.fail(fmt::format("the line is longer than {} bytes", kMaxLineBytes));
        text.push_back(static_cast<char>(c));
    }
}

}  // namespace

std::uint64_t read_jsonl(std::istream& in, const std::string& file, Names& names, HistorySink& sink) {
    std::string text;
    std::uint64_t line_number = 0;
    std::uint64_t operations = 0;
    std::int64_t last_index = -1;
    WellFormed well_formed(names);
    while (read_line(in, text, LineReader(file, line_number + 1))) {
        ++line_number;
        if (text.find_first_not_of(" \t\r") == std::string::npos) continue;  // blank lines
        const LineReader reader(file, line_number);
        json line;
        try {
            line = base::parse_strict_json(text);
        } catch (const base::JsonTextError& e) {
            reader.fail(std::string("not valid JSON: ") + e.what());
        }
        const Operation op = read_operation(reader, line, operations, names);
        if (static_cast<std::int64_t>(op.index) <= last_index) {
            reader.fail(fmt::format("\"index\" {} does not increase (the previous operation's is {})", op.index,
                                    last_index));
        }
        last_index = static_cast<std::int64_t>(op.index);
        if (const std::string wrong = well_formed.accept(op, line_number); !wrong.empty()) reader.fail(wrong);
        sink.observe(op);
        ++operations;
    }
    if (in.bad()) LineReader(file, line_number + 1).fail("read error");
    if (operations == 0) {
        throw HistoryFormatError(fmt::format("{}: no operations ({} line(s), all blank): a history has at least one",
                                             file, line_number));
    }
    return operations;
}

}  // namespace eosim::history
