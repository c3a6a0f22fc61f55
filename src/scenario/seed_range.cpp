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

}  // namespace eosim::scenario
