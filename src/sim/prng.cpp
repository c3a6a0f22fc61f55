#include "sim/prng.hpp"

#include "base/assert.hpp"

namespace eosim::sim {
namespace {

constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

}  // namespace

std::uint64_t SplitMix64::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

Prng::Prng(std::uint64_t seed) {
    SplitMix64 seeder(seed);
    for (auto& word : state_) word = seeder.next();
    // splitmix64 never yields four zero words in a row, but the all-zero state is fatal.
    EOSIM_ASSERT((state_[0] | state_[1] | state_[2] | state_[3]) != 0);
}

Prng Prng::stream(std::uint64_t seed, std::string_view purpose) {
    SplitMix64 mixer(seed ^ stable_hash(purpose));
    return Prng(mixer.next());
}

std::uint64_t Prng::next_u64() {
    const std::uint64_t result = rotl(state_[1] * 5, 7) * 9;
    const std::uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = rotl(state_[3], 45);
    return result;
}

std::uint64_t Prng::below(std::uint64_t bound) {
    EOSIM_ASSERT(bound > 0);
    __uint128_t m = static_cast<__uint128_t>(next_u64()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
        const std::uint64_t threshold = (0 - bound) % bound;
        while (low < threshold) {
            m = static_cast<__uint128_t>(next_u64()) * bound;
            low = static_cast<std::uint64_t>(m);
        }
    }
    return static_cast<std::uint64_t>(m >> 64);
}

std::int64_t Prng::between(std::int64_t low, std::int64_t high) {
    EOSIM_ASSERT(low <= high);
    const auto span = static_cast<std::uint64_t>(high - low) + 1;
    if (span == 0) return static_cast<std::int64_t>(next_u64());  // full 64-bit range
    return low + static_cast<std::int64_t>(below(span));
}

bool Prng::chance(std::uint64_t numerator, std::uint64_t denominator) {
    EOSIM_ASSERT(denominator > 0);
    EOSIM_ASSERT(numerator <= denominator);
    return below(denominator) < numerator;
}

std::uint64_t stable_hash(std::string_view bytes) {
    std::uint64_t hash = 0xcbf29ce484222325ULL;
    for (const char c : bytes) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 0x100000001b3ULL;
    }
    return hash;
}

}  // namespace eosim::sim
