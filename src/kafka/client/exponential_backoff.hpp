#pragma once
// Kafka's ExponentialBackoff (org.apache.kafka.common.utils, KIP-580): retry.backoff.ms doubled
// per attempt up to retry.backoff.max.ms, with ±20% jitter. Integer microseconds and the
// simulation's own PRNG, so every platform draws the same delays.
#include <cstdint>

#include "sim/prng.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

class ExponentialBackoff {
public:
    ExponentialBackoff(std::int32_t initial_ms, std::int32_t max_ms);
    // The wait before attempt attempts + 1 (attempts = 0: the first retry).
    sim::TimeUs backoff_us(std::int64_t attempts, sim::Prng& prng) const;

private:
    sim::TimeUs initial_us_;
    sim::TimeUs max_us_;
};

}  // namespace eosim::kafka
