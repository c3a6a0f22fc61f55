#pragma once
// Strict reading of a JSON object: every error names the file, the JSON path and what was
// expected; keys nobody asked for are rejected when the object is finished.
#include <cstdint>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace eosim::scenario {

class ScenarioError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class ObjectReader {
public:
    // Throws ScenarioError unless value is an object.
    ObjectReader(const nlohmann::json& value, std::string path, std::string file);

    // Asking about a key makes it a known key: finish() lists it among the expected ones.
    bool has(const std::string& key) const;
    std::int64_t integer(const std::string& key, std::int64_t min, std::int64_t max,
                         std::int64_t fallback);
    std::int64_t required_integer(const std::string& key, std::int64_t min, std::int64_t max);
    // Milliseconds, whole or with up to three decimals (612.345: microseconds, as a frozen
    // nemesis writes them), as microseconds; min and max in milliseconds.
    std::int64_t duration_ms_as_us(const std::string& key, std::int64_t min_ms, std::int64_t max_ms,
                                   std::int64_t fallback_us);
    std::int64_t required_duration_ms_as_us(const std::string& key, std::int64_t min_ms, std::int64_t max_ms);
    std::string string(const std::string& key, const std::string& fallback);
    std::string required_string(const std::string& key);
    // A fallback that is not among allowed makes the key required.
    std::string choice(const std::string& key, const std::vector<std::string>& allowed,
                       const std::string& fallback);
    bool boolean(const std::string& key, bool fallback);
    std::optional<ObjectReader> object(const std::string& key);
    std::vector<ObjectReader> objects(const std::string& key);  // array of objects; [] if absent
    std::vector<std::int64_t> integers(const std::string& key, std::int64_t min, std::int64_t max);
    const nlohmann::json* raw(const std::string& key);  // marks the key as known
    // Rejects keys that were never asked for.
    void finish() const;

    [[noreturn]] void fail(const std::string& key, const std::string& message) const;
    std::string path_of(const std::string& key) const;
    const std::string& file() const { return file_; }

private:
    const nlohmann::json* get(const std::string& key);
    std::int64_t checked_integer(const std::string& key, const nlohmann::json& value,
                                 std::int64_t min, std::int64_t max) const;
    std::int64_t checked_ms_as_us(const std::string& key, const nlohmann::json& value,
                                  std::int64_t min_ms, std::int64_t max_ms) const;

    const nlohmann::json& value_;
    std::string path_;
    std::string file_;
    mutable std::set<std::string> known_;  // keys asked about (has() counts: it is a lookup)
};

std::string describe_json_type(const nlohmann::json& value);

}  // namespace eosim::scenario
