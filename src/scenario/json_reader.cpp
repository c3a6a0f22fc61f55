#include "scenario/json_reader.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cmath>

namespace eosim::scenario {

std::string describe_json_type(const nlohmann::json& value) {
    if (value.is_number_integer()) return fmt::format("integer {}", value.dump());
    if (value.is_number()) return fmt::format("number {}", value.dump());
    if (value.is_string()) return fmt::format("string {}", value.dump());
    if (value.is_boolean()) return fmt::format("boolean {}", value.dump());
    if (value.is_null()) return "null";
    if (value.is_array()) return "an array";
    return "an object";
}

ObjectReader::ObjectReader(const nlohmann::json& value, std::string path, std::string file)
    : value_(value), path_(std::move(path)), file_(std::move(file)) {
    if (!value_.is_object()) {
        throw ScenarioError(fmt::format("{}: at {}: expected an object, got {}", file_,
                                        path_.empty() ? "/" : path_, describe_json_type(value_)));
    }
}

std::string ObjectReader::path_of(const std::string& key) const { return path_ + "/" + key; }

void ObjectReader::fail(const std::string& key, const std::string& message) const {
    throw ScenarioError(fmt::format("{}: at {}: {}", file_, path_of(key), message));
}

bool ObjectReader::has(const std::string& key) const {
    known_.insert(key);
    return value_.contains(key);
}

const nlohmann::json* ObjectReader::get(const std::string& key) {
    known_.insert(key);
    const auto found = value_.find(key);
    return found == value_.end() ? nullptr : &*found;
}

const nlohmann::json* ObjectReader::raw(const std::string& key) { return get(key); }

std::int64_t ObjectReader::checked_integer(const std::string& key, const nlohmann::json& value,
                                           std::int64_t min, std::int64_t max) const {
    // nlohmann's get<int> silently truncates 3.7 and wraps -1: check the type and range first.
    if (!value.is_number_integer()) {
        fail(key, fmt::format("expected an integer in [{}, {}], got {}", min, max,
                              describe_json_type(value)));
    }
    if (value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max)) {
        fail(key, fmt::format("expected an integer in [{}, {}], got {}", min, max, value.dump()));
    }
    const auto number = value.get<std::int64_t>();
    if (number < min || number > max) {
        fail(key, fmt::format("expected an integer in [{}, {}], got {}", min, max, number));
    }
    return number;
}

std::int64_t ObjectReader::integer(const std::string& key, std::int64_t min, std::int64_t max,
                                   std::int64_t fallback) {
    const nlohmann::json* value = get(key);
    return value == nullptr ? fallback : checked_integer(key, *value, min, max);
}

std::int64_t ObjectReader::required_integer(const std::string& key, std::int64_t min,
                                            std::int64_t max) {
    const nlohmann::json* value = get(key);
    if (value == nullptr) fail(key, fmt::format("required integer in [{}, {}] is missing", min, max));
    return checked_integer(key, *value, min, max);
}

std::int64_t ObjectReader::duration_ms_as_us(const std::string& key, std::int64_t min_ms, std::int64_t max_ms,
                                             std::int64_t fallback_us) {
    const nlohmann::json* value = get(key);
    return value == nullptr ? fallback_us : checked_ms_as_us(key, *value, min_ms, max_ms);
}

std::int64_t ObjectReader::required_duration_ms_as_us(const std::string& key, std::int64_t min_ms,
                                                      std::int64_t max_ms) {
    const nlohmann::json* value = get(key);
    if (value == nullptr) fail(key, fmt::format("required number of milliseconds in [{}, {}] is missing", min_ms, max_ms));
    return checked_ms_as_us(key, *value, min_ms, max_ms);
}

std::int64_t ObjectReader::checked_ms_as_us(const std::string& key, const nlohmann::json& value,
                                            std::int64_t min_ms, std::int64_t max_ms) const {
    const std::string expected = fmt::format("expected milliseconds in [{}, {}], whole or with up to 3 decimals", min_ms, max_ms);
    if (value.is_number_integer()) {
        const bool too_big = value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(max_ms);
        const std::int64_t ms = too_big ? 0 : value.get<std::int64_t>();
        if (too_big || ms < min_ms || ms > max_ms) fail(key, expected + ", got " + describe_json_type(value));
        return ms * 1000;
    }
    if (!value.is_number_float()) fail(key, expected + ", got " + describe_json_type(value));
    const double ms = value.get<double>();
    if (!(ms >= static_cast<double>(min_ms) && ms <= static_cast<double>(max_ms))) {
        fail(key, expected + ", got " + describe_json_type(value));
    }
    const double us = ms * 1000.0;
    const double whole_us = std::round(us);
    if (std::fabs(us - whole_us) > 1e-3) fail(key, expected + " (whole microseconds), got " + describe_json_type(value));
    return static_cast<std::int64_t>(whole_us);
}

std::string ObjectReader::string(const std::string& key, const std::string& fallback) {
    const nlohmann::json* value = get(key);
    if (value == nullptr) return fallback;
    if (!value->is_string()) fail(key, "expected a string, got " + describe_json_type(*value));
    std::string text = value->get<std::string>();
    // Names and choices land in one-line trace records and JSON Lines histories.
    for (std::size_t i = 0; i < text.size(); ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7f) {
            fail(key, fmt::format("expected one line of printable text, got control character U+{:04X} at "
                                  "character {}", c, i + 1));
        }
    }
    return text;
}

std::string ObjectReader::required_string(const std::string& key) {
    if (!has(key)) {
        known_.insert(key);
        fail(key, "required string is missing");
    }
    std::string text = string(key, "");
    if (text.empty()) fail(key, "expected a non-empty string");
    return text;
}

std::string ObjectReader::choice(const std::string& key, const std::vector<std::string>& allowed,
                                 const std::string& fallback) {
    if (!has(key) && std::find(allowed.begin(), allowed.end(), fallback) == allowed.end()) {
        fail(key, fmt::format("missing; expected one of \"{}\"", fmt::join(allowed, "\", \"")));
    }
    const std::string text = string(key, fallback);
    for (const std::string& option : allowed) {
        if (text == option) return text;
    }
    fail(key, fmt::format("expected one of \"{}\", got \"{}\"", fmt::join(allowed, "\", \""), text));
}

bool ObjectReader::boolean(const std::string& key, bool fallback) {
    const nlohmann::json* value = get(key);
    if (value == nullptr) return fallback;
    if (!value->is_boolean()) fail(key, "expected true or false, got " + describe_json_type(*value));
    return value->get<bool>();
}

std::optional<ObjectReader> ObjectReader::object(const std::string& key) {
    const nlohmann::json* value = get(key);
    if (value == nullptr) return std::nullopt;
    return ObjectReader(*value, path_of(key), file_);
}

std::vector<ObjectReader> ObjectReader::objects(const std::string& key) {
    std::vector<ObjectReader> result;
    const nlohmann::json* value = get(key);
    if (value == nullptr) return result;
    if (!value->is_array()) fail(key, "expected an array of objects, got " + describe_json_type(*value));
    for (std::size_t i = 0; i < value->size(); ++i) {
        result.emplace_back((*value)[i], path_of(key) + "/" + std::to_string(i), file_);
    }
    return result;
}

std::vector<std::int64_t> ObjectReader::integers(const std::string& key, std::int64_t min,
                                                 std::int64_t max) {
    std::vector<std::int64_t> result;
    const nlohmann::json* value = get(key);
    if (value == nullptr) return result;
    if (!value->is_array()) fail(key, "expected an array of integers, got " + describe_json_type(*value));
    for (std::size_t i = 0; i < value->size(); ++i) {
        result.push_back(checked_integer(key + "/" + std::to_string(i), (*value)[i], min, max));
    }
    return result;
}

void ObjectReader::finish() const {
    for (const auto& item : value_.items()) {
        if (known_.count(item.key()) > 0) continue;
        throw ScenarioError(fmt::format("{}: at {}: unknown key; expected one of: {}", file_,
                                        path_of(item.key()), fmt::join(known_, ", ")));
    }
}

}  // namespace eosim::scenario
