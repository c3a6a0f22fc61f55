#pragma once
// A range of seeds as people write it: "FIRST..LAST" or one seed "N".
#include <cstdint>
#include <string>
#include <string_view>

namespace eosim::scenario {

struct SeedRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;
    std::uint64_t count() const { return last - first + 1; }
};

// A whole decimal unsigned 64-bit integer, nothing before or after it (no sign, no spaces).
bool parse_u64(std::string_view text, std::uint64_t& out);

// A sweep keeps one result per seed; longer ranges are split into several sweeps.
constexpr std::uint64_t kMaxSweepSeeds = 10'000'000;

// Throws ScenarioError "WHAT: expected ..." (what: the option; empty: no prefix) for anything else,
// a reversed range or more than kMaxSweepSeeds seeds.
SeedRange parse_seed_range(std::string_view text, std::string_view what);

// Shard K of N (1 <= K <= N) of a seed range: the K-th of N contiguous blocks, as even as can be.
struct Shard {
    std::uint64_t index = 1;
    std::uint64_t count = 1;
};
// "K/N"; throws ScenarioError "WHAT: expected ..." otherwise, or when N exceeds the range's seeds.
Shard parse_shard(std::string_view text, std::string_view what, const SeedRange& range);
SeedRange shard_range(const SeedRange& range, const Shard& shard);

}  // namespace eosim::scenario
