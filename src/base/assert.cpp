#include "base/assert.hpp"

#include <cstdio>
#include <cstdlib>

namespace eosim::base {

std::string format_assert_failure(const AssertSite& site, std::string_view detail) {
    std::string text = fmt::format("{}:{}: assertion failed: {}", site.file, site.line,
                                   site.expression);
    if (!detail.empty()) text += fmt::format(" ({})", detail);
    return text;
}

void assert_failed(const AssertSite& site, std::string_view detail) {
    // stderr is unbuffered; flush stdout first so the run's output so far is not lost.
    std::fflush(stdout);
    std::fputs((format_assert_failure(site, detail) + "\n").c_str(), stderr);
    std::abort();
}

}  // namespace eosim::base
