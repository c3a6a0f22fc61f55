#include <doctest/doctest.h>

#include <string>

#include "sim/prng.hpp"

using eosim::sim::Prng;
using eosim::sim::SplitMix64;

TEST_CASE("splitmix64 matches the reference outputs for seed 0") {
    SplitMix64 g(0);
    CHECK(g.next() == 0xe220a8397b1dcdafULL);
    CHECK(g.next() == 0x6e789e6aa1b965f4ULL);
    CHECK(g.next() == 0x06c45d188009454fULL);
}

TEST_CASE("xoshiro256** seeded by splitmix64 matches fixed outputs for seed 42") {
    Prng p(42);
    CHECK(p.next_u64() == 0x15780b2e0c2ec716ULL);
    CHECK(p.next_u64() == 0x6104d9866d113a7eULL);
    CHECK(p.next_u64() == 0xae17533239e499a1ULL);
}

TEST_CASE("bounded draws are Lemire's unbiased method and match the reference") {
    Prng dice(42);
    std::string rolls;
    for (int i = 0; i < 8; ++i) rolls += std::to_string(1 + dice.below(6));
    CHECK(rolls == "13566556");
    Prng p(7);
    const std::uint64_t expected[] = {700, 278, 839, 981, 990};
    for (const std::uint64_t value : expected) CHECK(p.below(1000) == value);
}

TEST_CASE("between is inclusive and stays in range") {
    Prng p(1);
    bool saw_low = false;
    bool saw_high = false;
    for (int i = 0; i < 1000; ++i) {
        const auto v = p.between(-2, 2);
        CHECK(v >= -2);
        CHECK(v <= 2);
        saw_low = saw_low || v == -2;
        saw_high = saw_high || v == 2;
    }
    CHECK(saw_low);
    CHECK(saw_high);
}

TEST_CASE("streams are independent of each other and reproducible") {
    Prng a1 = Prng::stream(9, "link/a/b");
    Prng a2 = Prng::stream(9, "link/a/b");
    Prng b = Prng::stream(9, "link/b/a");
    const auto first = a1.next_u64();
    CHECK(first == a2.next_u64());
    CHECK(first != b.next_u64());
    // Drawing from one stream does not move another.
    Prng c1 = Prng::stream(9, "faults");
    Prng c2 = Prng::stream(9, "faults");
    for (int i = 0; i < 10; ++i) a1.next_u64();
    CHECK(c1.next_u64() == c2.next_u64());
}

TEST_CASE("chance uses integer ratios") {
    Prng p(3);
    int hits = 0;
    for (int i = 0; i < 10000; ++i) hits += p.chance(1, 4) ? 1 : 0;
    CHECK(hits > 2300);
    CHECK(hits < 2700);
    CHECK_FALSE(p.chance(0, 5));
    CHECK(p.chance(5, 5));
}
