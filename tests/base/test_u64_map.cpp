// base::U64Map / U64Set: the checkers' per-value tables.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <vector>

#include "base/u64_map.hpp"

using eosim::base::U64Map;
using eosim::base::U64Set;

TEST_CASE("U64Map finds every key it was given, across growth, and nothing else") {
    U64Map<std::uint64_t> map;
    std::map<std::uint64_t, std::uint64_t> reference;
    std::uint64_t x = 12345;
    for (int i = 0; i < 50000; ++i) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        const std::uint64_t key = (i % 3 == 0) ? static_cast<std::uint64_t>(i) : x;  // dense and sparse ids
        map[key] += 1;
        reference[key] += 1;
    }
    map[0] = 7;
    reference[0] = 7;
    map[std::numeric_limits<std::uint64_t>::max()] = 9;
    reference[std::numeric_limits<std::uint64_t>::max()] = 9;
    REQUIRE(map.size() == reference.size());
    for (const auto& [key, count] : reference) {
        const auto found = map.find(key);
        REQUIRE(found != map.end());
        CHECK(found->first == key);
        CHECK(found->second == count);
        CHECK(map.at(key) == count);
    }
    CHECK(map.count(3) == 1);
    CHECK(map.count(4) == 0);  // i = 4 drew a sparse id
    CHECK(map.find(4) == map.end());
    std::vector<std::uint64_t> seen;
    for (const auto& entry : map) seen.push_back(entry.first);
    std::sort(seen.begin(), seen.end());
    CHECK(std::adjacent_find(seen.begin(), seen.end()) == seen.end());  // each key once
    CHECK(seen.size() == reference.size());
}

TEST_CASE("U64Map::try_emplace keeps an existing value, operator[] default-constructs") {
    U64Map<std::vector<int>> map;
    CHECK(map.empty());
    CHECK(map.find(1) == map.end());
    CHECK(map.try_emplace(1, std::vector<int>{1, 2}).second);
    CHECK_FALSE(map.try_emplace(1, std::vector<int>{3}).second);
    CHECK(map.at(1) == std::vector<int>{1, 2});
    CHECK(map[2].empty());
    CHECK(map.size() == 2);
    const auto& constant = map;
    CHECK(constant.find(2) != constant.end());
    map.clear();
    CHECK(map.empty());
    CHECK(map.count(1) == 0);
}

TEST_CASE("U64Set::insert says whether the id was new") {
    U64Set set;
    CHECK(set.insert(5).second);
    CHECK_FALSE(set.insert(5).second);
    CHECK(set.count(5) == 1);
    CHECK(set.count(6) == 0);
    CHECK(set.size() == 1);
}
