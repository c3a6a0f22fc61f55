#include <doctest/doctest.h>

#include <cstdint>
#include <string>

#include "base/assert.hpp"

using eosim::base::AssertSite;
using eosim::base::format_assert_failure;
using eosim::base::format_comparison;

namespace {
enum class Colour : std::int8_t { red = 3 };
struct Opaque {};
}  // namespace

TEST_CASE("an assertion failure names file, line and the expression") {
    const AssertSite site{"src/kafka/partition.cpp", 49, "lso <= high_watermark()"};
    CHECK(format_assert_failure(site, "") ==
          "src/kafka/partition.cpp:49: assertion failed: lso <= high_watermark()");
}

TEST_CASE("a comparing assertion's failure shows both values") {
    const AssertSite site{"a.cpp", 7, "hw <= leo"};
    CHECK(format_assert_failure(site, format_comparison("<=", std::int64_t{12}, std::int64_t{9})) ==
          "a.cpp:7: assertion failed: hw <= leo (12 <= 9)");
}

TEST_CASE("comparing assertions print strings, enums by number, and the rest as a placeholder") {
    CHECK(format_comparison("==", std::string("a"), std::string("b")) == "a == b");
    CHECK(format_comparison("!=", Colour::red, Colour::red) == "3 != 3");
    CHECK(format_comparison("==", Opaque{}, 1) == "<not printable> == 1");
}

TEST_CASE("assertions that hold do nothing and evaluate each operand once") {
    int calls = 0;
    const auto next = [&calls] { return ++calls; };
    EOSIM_ASSERT(next() == 1);
    EOSIM_ASSERT_EQ(next(), 2);
    EOSIM_ASSERT_LE(next(), 3);
    EOSIM_ASSERT_LT(next(), 5);
    EOSIM_ASSERT_GE(next(), 5);
    EOSIM_ASSERT_NE(next(), 0);
    CHECK(calls == 6);
}
