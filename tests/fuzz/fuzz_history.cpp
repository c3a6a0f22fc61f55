// libFuzzer target: the history reader and every check on it (`eosim check`). A malformed
// history must end in HistoryFormatError (exit 2); any other exception escapes, aborts, and is
// a finding, as is every sanitizer report.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "check/history_check.hpp"
#include "history/jsonl_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
    try {
        const eosim::check::HistoryCheck checked = eosim::check::check_history(in, "fuzz.jsonl");
        (void)checked.valid();
    } catch (const eosim::history::HistoryFormatError&) {
    }
    return 0;
}
