// expect.events: bounds on how many trace records match a pattern of type, kind, node, peer,
// error and fields.
#include <fmt/format.h>

#include <limits>
#include <string>
#include <vector>

#include "kafka/protocol/errors.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/loader_internal.hpp"
#include "scenario/scenario.hpp"

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
        if (event.has("type")) {
            x.match.type = event.required_string("type");
            if (x.match.type.empty()) event.fail("type", "expected a trace record type, e.g. \"ProduceResponse\"");
        }
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
