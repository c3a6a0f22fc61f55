#include "kafka/client/exponential_backoff.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::kafka {
namespace {

constexpr std::int64_t kJitterPermille = 200;  // CommonClientConfigs.RETRY_BACKOFF_JITTER = 0.2

}  // namespace

ExponentialBackoff::ExponentialBackoff(std::int32_t initial_ms, std::int32_t max_ms)
    : initial_us_(sim::ms(std::min(initial_ms, max_ms))), max_us_(sim::ms(max_ms)) {
    EOSIM_ASSERT(initial_ms >= 0);
    EOSIM_ASSERT(max_ms >= 0);
}

sim::TimeUs ExponentialBackoff::backoff_us(std::int64_t attempts, sim::Prng& prng) const {
    // Kafka: no growth (and no jitter) when the maximum is not above the initial interval.
    if (max_us_ <= initial_us_ || initial_us_ == 0) return initial_us_;
    sim::TimeUs term_us = initial_us_;
    for (std::int64_t i = 0; i < attempts && term_us < max_us_; ++i) term_us *= 2;
    term_us = std::min(term_us, max_us_);
    const std::int64_t factor_permille = prng.between(1000 - kJitterPermille, 1000 + kJitterPermille - 1);
    return std::min(term_us * factor_permille / 1000, max_us_);
}

}  // namespace eosim::kafka
