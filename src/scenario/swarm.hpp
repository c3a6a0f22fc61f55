#pragma once
// Swarm testing (TigerBeetle's VOPR, FoundationDB): a scenario draws part of itself per seed —
// single values, whole sub-trees, counts of clients built from a template — with dependent
// choices (a range whose bounds are other drawn values) and `requires` constraints checked on
// each seed's draw. The drawn scenario is plain JSON, parsed and validated like any scenario.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eosim::scenario {

// `[left, op, right]`: each operand is a JSON pointer into the drawn scenario ("/cluster/brokers";
// an absent value is null), the length of the array there ("#/processors"), or a literal.
// A `*` in a pointer stands for every array index (object key) there.
struct SwarmCondition {
    nlohmann::json left;
    std::string op;  // "==", "!=", "<", "<=", ">", ">=", "in"
    nlohmann::json right;
    std::string where;  // JSON path of the condition in the file
};

struct SwarmChoice {
    enum class Kind { values, range, copy, repeat, merge };
    Kind kind = Kind::values;
    std::string path;    // JSON pointer, may contain `*`; ends in `/-` for repeat-append
    std::string stream;  // PRNG stream name (default: the path)
    std::string where;   // JSON path of the choice in the file
    std::vector<nlohmann::json> values;  // values: one is set; merge: one is merged in
    nlohmann::json low;                  // range and repeat count: integer or pointer
    nlohmann::json high;
    std::string from;                    // copy: the pointer whose (drawn) value is copied
    nlohmann::json item;                 // repeat: the template; "{i}" index, "{n}" count
    std::vector<SwarmCondition> when;    // the choice applies only where all hold
};

struct SwarmSpec {
    std::vector<SwarmChoice> choices;
    std::vector<SwarmCondition> requires_;  // must hold on every draw
    bool empty() const { return choices.empty(); }
    void clear() { choices.clear(), requires_.clear(); }
};

// One drawn value, for the report: the concrete path and what it got.
struct SwarmDrawn {
    std::string path;
    nlohmann::json value;
    std::string text() const;  // "path = value"
};

// An impossible draw or a draw the constraints reject; the message names what was drawn.
class SwarmDrawError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Reads the "swarm" object (structure only; draws are checked when made). Throws ScenarioError.
SwarmSpec parse_swarm(const nlohmann::json& swarm, const std::string& file);

// Forces one value of one values/merge choice (used to check every value once at load time).
struct SwarmForce {
    std::size_t choice = 0;
    std::size_t value = 0;
};

// The scenario for a seed: source with every choice drawn in order (later choices see earlier
// draws), then the constraints checked. Throws SwarmDrawError.
nlohmann::json draw_swarm(const SwarmSpec& spec, const nlohmann::json& source, std::uint64_t seed,
                          std::vector<SwarmDrawn>& drawn, std::optional<SwarmForce> force = std::nullopt);

}  // namespace eosim::scenario
