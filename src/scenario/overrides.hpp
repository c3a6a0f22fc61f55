#pragma once
// Changes to a scenario's JSON before it is validated: `--set POINTER=VALUE` on the command line,
// `compare.variants`, and the delivery presets of `eosim compare`. A pointer is RFC 6901 with one
// extension: a `*` token stands for every element of an array (or member of an object), so one
// override can set every producer's acks. Missing objects on the way are created (the loader then
// rejects a misspelt key, listing the expected ones); a null value removes the key.
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace eosim::scenario {

struct Override {
    std::string pointer;  // "/producers/*/config/acks"
    nlohmann::json value;  // null removes
    std::string text() const;  // "POINTER=VALUE" as given
};

// "POINTER=VALUE": VALUE is JSON if it parses as JSON, else a string (so acks=all needs no quotes).
// Throws ScenarioError naming the option.
Override parse_override(std::string_view text, std::string_view option = "--set");

// Applies each override in order. Throws ScenarioError naming the file and the override when a
// pointer goes through a value that is not an object or array, or an array index is out of range.
void apply_overrides(nlohmann::json& json, const std::vector<Override>& overrides, const std::string& file);

}  // namespace eosim::scenario
