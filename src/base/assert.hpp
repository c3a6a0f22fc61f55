#pragma once
// Invariant checks that run in every build type. `assert` disappears under NDEBUG (a plain CMake
// RelWithDebInfo or Release build), so an invariant the simulator relies on would silently stop
// being checked exactly where long sweeps run; these never do. A failure prints file:line, the
// expression text and, for the comparing forms, both values, then aborts.
//
//   EOSIM_ASSERT(hw <= leo);            EOSIM_ASSERT_EQ(erased, 1u);
//   EOSIM_ASSERT_LE(hw, leo);           EOSIM_UNREACHABLE("unknown timer");
//
// Split compound conditions (one assert per conjunct) so a failure says which half failed.
#include <fmt/format.h>

#include <string>
#include <string_view>
#include <type_traits>

namespace eosim::base {

struct AssertSite {
    const char* file;
    int line;
    const char* expression;
};

// The failure text, separate from the abort so a unit test can check it.
std::string format_assert_failure(const AssertSite& site, std::string_view detail);
[[noreturn]] void assert_failed(const AssertSite& site, std::string_view detail);

// A value as text for a failure message: fmt where it can, an enum's number, else a placeholder.
template <typename T>
std::string assert_value_text(const T& value) {
    if constexpr (fmt::is_formattable<T>::value) {
        return fmt::format("{}", value);
    } else if constexpr (std::is_enum_v<T>) {
        return fmt::format("{}", static_cast<std::underlying_type_t<T>>(value));
    } else {
        return "<not printable>";
    }
}

template <typename A, typename B>
std::string format_comparison(std::string_view op, const A& a, const B& b) {
    return fmt::format("{} {} {}", assert_value_text(a), op, assert_value_text(b));
}

template <typename A, typename B>
[[noreturn]] void comparison_failed(const AssertSite& site, std::string_view op, const A& a,
                                    const B& b) {
    assert_failed(site, format_comparison(op, a, b));
}

}  // namespace eosim::base

#define EOSIM_ASSERT(cond)                                                      \
    do {                                                                        \
        if (!(cond)) [[unlikely]]                                               \
            ::eosim::base::assert_failed({__FILE__, __LINE__, #cond}, {});      \
    } while (false)

// Evaluates each operand once; on failure prints "value_a <op> value_b" (the relation that failed
// to hold, e.g. "7 <= 5").
#define EOSIM_ASSERT_OP_(a, op, b)                                                        \
    do {                                                                                  \
        const auto& eosim_assert_a_ = (a);                                                \
        const auto& eosim_assert_b_ = (b);                                                \
        if (!(eosim_assert_a_ op eosim_assert_b_)) [[unlikely]]                           \
            ::eosim::base::comparison_failed({__FILE__, __LINE__, #a " " #op " " #b}, #op, \
                                             eosim_assert_a_, eosim_assert_b_);           \
    } while (false)

#define EOSIM_ASSERT_EQ(a, b) EOSIM_ASSERT_OP_(a, ==, b)
#define EOSIM_ASSERT_NE(a, b) EOSIM_ASSERT_OP_(a, !=, b)
#define EOSIM_ASSERT_LE(a, b) EOSIM_ASSERT_OP_(a, <=, b)
#define EOSIM_ASSERT_LT(a, b) EOSIM_ASSERT_OP_(a, <, b)
#define EOSIM_ASSERT_GT(a, b) EOSIM_ASSERT_OP_(a, >, b)
#define EOSIM_ASSERT_GE(a, b) EOSIM_ASSERT_OP_(a, >=, b)

// A path the code's own logic excludes (an unknown enum value, a message for another node).
#define EOSIM_UNREACHABLE(why) ::eosim::base::assert_failed({__FILE__, __LINE__, "unreachable"}, why)
