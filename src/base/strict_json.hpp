#pragma once
// Strict JSON text: what nlohmann::json::parse accepts and silently gets wrong is an error here,
// with the JSON path. A duplicate key (nlohmann keeps the last value), a NUL byte (nlohmann's
// lexer takes it for the end of input and ignores the rest), nesting deeper than a cap (a DOM that
// deep overflows the stack in recursive code that walks it) and a number out of range (1e400)
// are rejected before any DOM is built.
#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace eosim::base {

// Deep enough for any scenario or history line (they nest fewer than 10 levels).
constexpr std::size_t kMaxJsonDepth = 64;

class JsonTextError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Throws JsonTextError: "at /json/path: what" for a duplicate key, a deep nesting or a number
// out of range; "a NUL byte at byte N ..." ; nlohmann's parse error text otherwise.
nlohmann::json parse_strict_json(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// "/a/b~1c/0": a JSON Pointer (RFC 6901) segment for a key.
std::string json_pointer_segment(std::string_view key);

}  // namespace eosim::base
