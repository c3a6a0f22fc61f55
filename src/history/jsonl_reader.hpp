#pragma once
// Reads a history written as JSON Lines (docs/history-format.md): one operation per line. A
// malformed line is rejected with its line number and what was expected.
#include <istream>
#include <stdexcept>
#include <string>

#include "history/operation.hpp"

namespace eosim::history {

class HistoryFormatError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// Streams every operation to sink, interning names into names. Throws HistoryFormatError
// ("FILE:LINE: ...") on the first malformed line.
std::uint64_t read_jsonl(std::istream& in, const std::string& file, Names& names, HistorySink& sink);

}  // namespace eosim::history
