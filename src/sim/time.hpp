#pragma once
// Simulated time: integer microseconds since the start of a run. No wall clock anywhere.
#include <cstdint>

namespace eosim::sim {

using TimeUs = std::int64_t;

constexpr TimeUs kMicrosPerMilli = 1000;
constexpr TimeUs kNever = INT64_MAX;

constexpr TimeUs ms(std::int64_t milliseconds) { return milliseconds * kMicrosPerMilli; }

}  // namespace eosim::sim
