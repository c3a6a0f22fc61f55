#include "sim/trace_diff.hpp"

namespace eosim::sim {

namespace {

// The line starting at pos (without its '\n'); pos moves past it.
std::string_view next_line(std::string_view text, std::size_t& pos) {
    if (pos >= text.size()) return {};
    const std::size_t end = text.find('\n', pos);
    const std::size_t stop = end == std::string_view::npos ? text.size() : end;
    const std::string_view line = text.substr(pos, stop - pos);
    pos = stop + 1;
    return line;
}

// A record line starts with its time right-aligned in 12 columns, then "ms".
std::string time_of(std::string_view line) {
    const std::size_t ms = line.find("ms");
    if (ms == std::string_view::npos) return "?";
    std::string_view time = line.substr(0, ms);
    while (!time.empty() && time.front() == ' ') time.remove_prefix(1);
    return std::string(time);
}

}  // namespace

std::optional<TraceDifference> first_trace_difference(std::string_view first, std::string_view second) {
    std::size_t pos_first = 0;
    std::size_t pos_second = 0;
    for (std::uint64_t index = 0;; ++index) {
        const bool first_ended = pos_first >= first.size();
        const bool second_ended = pos_second >= second.size();
        if (first_ended && second_ended) return std::nullopt;
        const std::string_view a = next_line(first, pos_first);
        const std::string_view b = next_line(second, pos_second);
        if (!first_ended && !second_ended && a == b) continue;
        return TraceDifference{index, time_of(first_ended ? b : a), std::string(a), std::string(b)};
    }
}

}  // namespace eosim::sim
