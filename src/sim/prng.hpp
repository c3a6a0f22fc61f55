#pragma once
// Own PRNG: xoshiro256** seeded through splitmix64, Lemire's unbiased bounded integers.
// No floating point in any decision, so every platform and compiler draws the same values.
#include <cstdint>
#include <string_view>

namespace eosim::sim {

class SplitMix64 {
public:
    explicit SplitMix64(std::uint64_t state) : state_(state) {}
    std::uint64_t next();

private:
    std::uint64_t state_;
};

class Prng {
public:
    explicit Prng(std::uint64_t seed);
    // An independent stream for one purpose (e.g. "link/p0/broker-0"): adding a consumer of
    // randomness elsewhere does not reshuffle this stream.
    static Prng stream(std::uint64_t seed, std::string_view purpose);

    std::uint64_t next_u64();
    // Uniform in [0, bound); bound > 0. Unbiased (Lemire 2018).
    std::uint64_t below(std::uint64_t bound);
    // Uniform in [low, high], inclusive; low <= high.
    std::int64_t between(std::int64_t low, std::int64_t high);
    // True with probability numerator/denominator.
    bool chance(std::uint64_t numerator, std::uint64_t denominator);

private:
    std::uint64_t state_[4];
};

// FNV-1a over bytes: a stable, platform-independent name hash for stream derivation.
std::uint64_t stable_hash(std::string_view bytes);

}  // namespace eosim::sim
