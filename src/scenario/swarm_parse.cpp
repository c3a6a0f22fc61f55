// Reads a scenario's "swarm" object: its choices and constraints (structure only; each draw is
// checked when it is made).
#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "scenario/json_reader.hpp"
#include "scenario/swarm.hpp"

namespace eosim::scenario {
namespace {

using Json = nlohmann::json;

const std::vector<std::string> kOps{"==", "!=", "<", "<=", ">", ">=", "in"};

[[noreturn]] void fail_at(const std::string& file, const std::string& where, const std::string& message) {
    throw ScenarioError(fmt::format("{}: at {}: {}", file, where, message));
}

void check_pointer(const std::string& file, const std::string& where, const std::string& text) {
    const std::string plain = text.rfind("#/", 0) == 0 ? text.substr(1) : text;
    if (plain.empty() || plain[0] != '/') {
        fail_at(file, where, "expected a JSON pointer such as /cluster/brokers, got \"" + text + "\"");
    }
}

SwarmCondition parse_condition(const Json& value, const std::string& where, const std::string& file) {
    if (!value.is_array() || value.size() != 3 || !value[1].is_string()) {
        fail_at(file, where, "expected a condition [left, op, right], e.g. [\"/topics/0/replication_factor\", \"<=\", \"/cluster/brokers\"]");
    }
    SwarmCondition c{value[0], value[1].get<std::string>(), value[2], where};
    if (std::find(kOps.begin(), kOps.end(), c.op) == kOps.end()) {
        fail_at(file, where + "/1", fmt::format("expected one of {}, got \"{}\"", fmt::join(kOps, " "), c.op));
    }
    for (const Json* side : {&c.left, &c.right}) {
        if (side->is_string() && (side->get<std::string>().rfind("/", 0) == 0 || side->get<std::string>().rfind("#/", 0) == 0)) {
            check_pointer(file, where, side->get<std::string>());
        }
    }
    return c;
}

// A condition, or a list of them.
std::vector<SwarmCondition> parse_conditions(const Json& value, const std::string& where, const std::string& file) {
    std::vector<SwarmCondition> out;
    if (value.is_array() && !value.empty() && value[0].is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) out.push_back(parse_condition(value[i], where + "/" + std::to_string(i), file));
    } else {
        out.push_back(parse_condition(value, where, file));
    }
    return out;
}

// An integer or a pointer to one (its value as drawn so far).
Json parse_bound(ObjectReader& r, const std::string& key, const Json& value) {
    if (value.is_number_integer()) return value;
    if (value.is_string()) {
        check_pointer(r.file(), r.path_of(key), value.get<std::string>());
        return value;
    }
    r.fail(key, "expected an integer or a JSON pointer to one, got " + describe_json_type(value));
}

void parse_range(ObjectReader& r, const std::string& key, const Json& value, SwarmChoice& c) {
    if (value.is_array()) {
        if (value.size() != 2) r.fail(key, "expected [low, high]");
        c.low = parse_bound(r, key, value[0]);
        c.high = parse_bound(r, key, value[1]);
    } else {
        c.low = c.high = parse_bound(r, key, value);
    }
}

void parse_kind(ObjectReader& choice, SwarmChoice& c) {
    const std::vector<std::string> kinds{"values", "range", "copy", "repeat", "merge"};
    std::vector<std::string> given;
    for (const std::string& k : kinds) {
        if (choice.has(k)) given.push_back(k);
    }
    if (given.size() != 1) {
        choice.fail("values", "expected exactly one of \"values\", \"range\", \"copy\", \"repeat\", \"merge\"");
    }
    const std::string& kind = given.front();
    const Json& value = *choice.raw(kind);
    if (kind == "values" || kind == "merge") {
        c.kind = kind == "values" ? SwarmChoice::Kind::values : SwarmChoice::Kind::merge;
        if (!value.is_array() || value.empty()) choice.fail(kind, "expected a non-empty array of values to draw from");
        c.values.assign(value.begin(), value.end());
        for (std::size_t i = 0; i < c.values.size() && c.kind == SwarmChoice::Kind::merge; ++i) {
            if (!c.values[i].is_object()) choice.fail(kind + "/" + std::to_string(i), "expected an object to merge");
        }
    } else if (kind == "range") {
        c.kind = SwarmChoice::Kind::range;
        parse_range(choice, kind, value, c);
    } else if (kind == "copy") {
        c.kind = SwarmChoice::Kind::copy;
        if (!value.is_string()) choice.fail(kind, "expected a JSON pointer, got " + describe_json_type(value));
        check_pointer(choice.file(), choice.path_of(kind), value.get<std::string>());
        c.from = value.get<std::string>();
    } else {
        c.kind = SwarmChoice::Kind::repeat;
        auto repeat = choice.object("repeat");
        if (!repeat) choice.fail(kind, "expected an object {\"count\": ..., \"item\": ...}");
        const Json* count = repeat->raw("count");
        if (count == nullptr) repeat->fail("count", "required: an integer, [low, high] or a JSON pointer");
        parse_range(*repeat, "count", *count, c);
        const Json* item = repeat->raw("item");
        if (item == nullptr) repeat->fail("item", "required: the template of each element");
        c.item = *item;
        repeat->finish();
    }
}

SwarmChoice parse_choice(ObjectReader& choice) {
    SwarmChoice c;
    c.where = choice.path_of("").substr(0, choice.path_of("").size() - 1);
    c.path = choice.required_string("path");
    check_pointer(choice.file(), choice.path_of("path"), c.path);
    c.stream = choice.string("name", "");
    parse_kind(choice, c);
    const bool append = c.path.size() >= 2 && c.path.compare(c.path.size() - 2, 2, "/-") == 0;
    if (append && c.kind == SwarmChoice::Kind::merge) choice.fail("path", "a merge needs an object, not an array append (/-)");
    if (const Json* when = choice.raw("when")) c.when = parse_conditions(*when, choice.path_of("when"), choice.file());
    choice.finish();
    return c;
}

}  // namespace

SwarmSpec parse_swarm(const Json& swarm, const std::string& file) {
    SwarmSpec spec;
    ObjectReader reader(swarm, "/swarm", file);
    std::set<std::string> streams;
    for (ObjectReader& choice : reader.objects("choices")) {
        SwarmChoice c = parse_choice(choice);
        const std::string stream = c.stream.empty() ? c.path : ":" + c.stream;
        if (!streams.insert(stream).second) {
            choice.fail(c.stream.empty() ? "path" : "name",
                        "another choice draws from the same stream; give one of them a distinct \"name\"");
        }
        spec.choices.push_back(std::move(c));
    }
    if (spec.choices.empty()) reader.fail("choices", "at least one choice is required");
    if (const Json* requires_ = reader.raw("requires")) {
        if (!requires_->is_array()) reader.fail("requires", "expected an array of conditions [left, op, right]");
        for (std::size_t i = 0; i < requires_->size(); ++i) {
            spec.requires_.push_back(parse_condition((*requires_)[i], reader.path_of("requires/" + std::to_string(i)), file));
        }
    }
    reader.finish();
    return spec;
}

}  // namespace eosim::scenario
