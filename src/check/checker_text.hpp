#pragma once
// Small helpers shared by the checker's parts: witness text and deterministic iteration.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "check/delivery_checker.hpp"

namespace eosim::check {

std::string time_ms(std::int64_t time_us);
void add_violation(Verdict& verdict, std::string witness);

// Keys of a hash map in ascending order (never iterate hash order into a report).
template <typename Map>
std::vector<typename Map::key_type> sorted_keys(const Map& map) {
    std::vector<typename Map::key_type> keys;
    keys.reserve(map.size());
    for (const auto& entry : map) keys.push_back(entry.first);
    std::sort(keys.begin(), keys.end());
    return keys;
}

}  // namespace eosim::check
