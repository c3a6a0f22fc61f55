// Fires one EOSIM_ASSERT form chosen by argv[1], for tests/assert_death.cmake. Built with NDEBUG
// defined: the assertions must still run (a plain `assert` would be compiled out here).
#ifndef NDEBUG
#error "assert_death must be built with NDEBUG to show EOSIM_ASSERT ignores it"
#endif

#include <cstdint>
#include <string_view>

#include "base/assert.hpp"

int main(int argc, char** argv) {
    const std::string_view form = argc > 1 ? argv[1] : "";
    const std::int64_t high_watermark = 12;
    const std::int64_t log_end_offset = 9;
    if (form == "assert") EOSIM_ASSERT(high_watermark <= log_end_offset);
    if (form == "eq") EOSIM_ASSERT_EQ(high_watermark, log_end_offset);
    if (form == "le") EOSIM_ASSERT_LE(high_watermark, log_end_offset);
    if (form == "unreachable") EOSIM_UNREACHABLE("unknown timer");
    return 0;
}
