// expect.events: bounds on how many trace records match a pattern of type, kind, node, peer,
// error and fields.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <limits>
#include <string>
#include <vector>

#include "kafka/protocol/errors.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/loader_internal.hpp"
#include "scenario/scenario.hpp"
#include "scenario/trace_types.hpp"

namespace eosim::scenario {
namespace {

// Kafka's error names that eosim models (what `error` may name).
std::vector<std::string> error_names() {
    std::vector<std::string> names;
    for (int code = 0; code <= std::numeric_limits<std::int16_t>::max(); ++code) {
        const std::string_view name = kafka::error_name(static_cast<kafka::ErrorCode>(code));
        if (name != "UNKNOWN_SERVER_ERROR") names.emplace_back(name);
    }
    return names;
}

// "fields": {"partition": "output-0", "epoch": 1}: each a string or an integer.
void parse_fields(ObjectReader& event, sim::TracePattern& match) {
    const nlohmann::json* fields = event.raw("fields");
    if (fields == nullptr) return;
    if (!fields->is_object()) event.fail("fields", "expected an object of field names to strings or integers, got " + describe_json_type(*fields));
    for (const auto& [name, value] : fields->items()) {
        const std::string key = "fields/" + name;
        if (name == "error") event.fail(key, "use \"error\" next to \"type\" (it checks the error name)");
        if (value.is_string()) {
            match.fields.push_back({name, value.get<std::string>()});
        } else if (value.is_number_integer()) {
            match.fields.push_back({name, std::to_string(value.get<std::int64_t>())});
        } else {
            event.fail(key, "expected a string or an integer, got " + describe_json_type(value));
        }
    }
}

std::size_t edit_distance(const std::string& a, const std::string& b) {
    std::vector<std::size_t> row(b.size() + 1);
    for (std::size_t j = 0; j <= b.size(); ++j) row[j] = j;
    for (std::size_t i = 1; i <= a.size(); ++i) {
        std::size_t diagonal = row[0];
        row[0] = i;
        for (std::size_t j = 1; j <= b.size(); ++j) {
            const std::size_t above = row[j];
            row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
            diagonal = above;
        }
    }
    return row[b.size()];
}

// A type no trace can hold would make "count": 0 hold vacuously: name the closest real one.
std::string parse_type(ObjectReader& event) {
    const std::string type = event.required_string("type");
    const std::vector<std::string>& types = trace_record_types();
    if (std::find(types.begin(), types.end(), type) != types.end()) return type;
    const std::string* closest = &types.front();
    for (const std::string& candidate : types) {
        if (edit_distance(type, candidate) < edit_distance(type, *closest)) closest = &candidate;
    }
    event.fail("type", fmt::format("expected a trace record type (did you mean \"{}\"?), got \"{}\"; the types: {}",
                                   *closest, type, fmt::join(types, ", ")));
}

CountBound parse_bound(ObjectReader& event) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    CountBound b;
    if (event.has("count")) {
        if (event.has("min") || event.has("max")) event.fail("count", "\"count\" excludes \"min\" and \"max\"");
        b.min = b.max = static_cast<std::uint64_t>(event.integer("count", 0, kMax, 0));
        return b;
    }
    if (!event.has("min") && !event.has("max")) event.fail("count", "expected \"count\", \"min\" or \"max\"");
    if (event.has("min")) b.min = static_cast<std::uint64_t>(event.integer("min", 0, kMax, 0));
    if (event.has("max")) b.max = static_cast<std::uint64_t>(event.integer("max", 0, kMax, 0));
    if (b.min && b.max && *b.min > *b.max) event.fail("min", "min is larger than max");
    return b;
}

}  // namespace

void parse_event_expectations(ObjectReader& expect, const Scenario& s, Expectations& e) {
    for (ObjectReader& event : expect.objects("events")) {
        EventExpectation x;
        if (!event.has("type") && !event.has("error") && !event.has("fields")) {
            event.fail("type", "expected \"type\" (a trace record type, e.g. \"ProduceResponse\"), \"error\" or \"fields\"");
        }
        if (event.has("type")) x.match.type = parse_type(event);
        if (event.has("kind")) {
            x.match.kind = sim::trace_kind_from_name(event.choice("kind", {"deliver", "drop", "state", "fault", "node"}, ""));
        }
        if (event.has("node")) x.match.node = require_node(event, "node", s);
        if (event.has("peer")) x.match.peer = require_node(event, "peer", s);
        if (event.has("error")) x.match.fields.push_back({"error", event.choice("error", error_names(), "")});
        parse_fields(event, x.match);
        x.bound = parse_bound(event);
        event.finish();
        e.events.push_back(std::move(x));
    }
}

std::string EventExpectation::text() const { return match.text(); }

}  // namespace eosim::scenario
