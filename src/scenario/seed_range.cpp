#include "scenario/seed_range.hpp"

#include <charconv>

#include <fmt/format.h>

#include "scenario/json_reader.hpp"

namespace eosim::scenario {
bool parse_u64(std::string_view text, std::uint64_t& out) {
    const auto result = std::from_chars(text.data(), text.data() + text.size(), out);
    return !text.empty() && result.ec == std::errc() && result.ptr == text.data() + text.size();
}

SeedRange parse_seed_range(std::string_view text, std::string_view what) {
    const std::string prefix = what.empty() ? "" : fmt::format("{}: ", what);
    SeedRange r;
    const auto dots = text.find("..");
    if (dots == std::string_view::npos && parse_u64(text, r.first)) return {r.first, r.first};
    if (dots == std::string_view::npos || !parse_u64(text.substr(0, dots), r.first) ||
        !parse_u64(text.substr(dots + 2), r.last) || r.first > r.last) {
        throw ScenarioError(fmt::format("{}expected FIRST..LAST with FIRST <= LAST, or one seed, got \"{}\"", prefix, text));
    }
    if (r.last - r.first >= kMaxSweepSeeds) {
        throw ScenarioError(fmt::format("{}at most {} seeds per sweep, got \"{}\" (split the range)", prefix,
                                        kMaxSweepSeeds, text));
    }
    return r;
}

Shard parse_shard(std::string_view text, std::string_view what, const SeedRange& range) {
    Shard shard;
    const auto slash = text.find('/');
    if (slash == std::string_view::npos || !parse_u64(text.substr(0, slash), shard.index) ||
        !parse_u64(text.substr(slash + 1), shard.count) || shard.index < 1 || shard.index > shard.count) {
        throw ScenarioError(fmt::format("{}: expected K/N with 1 <= K <= N (e.g. 3/8), got \"{}\"", what, text));
    }
    if (shard.count > range.count()) {
        throw ScenarioError(fmt::format("{}: {} shards of {} seeds: at most one shard per seed", what, shard.count,
                                        range.count()));
    }
    return shard;
}

SeedRange shard_range(const SeedRange& range, const Shard& shard) {
    const std::uint64_t count = range.count();
    // count <= kMaxSweepSeeds, so count * index fits in 64 bits.
    const std::uint64_t begin = count * (shard.index - 1) / shard.count;
    const std::uint64_t end = count * shard.index / shard.count;
    return SeedRange{range.first + begin, range.first + end - 1};
}

}  // namespace eosim::scenario
