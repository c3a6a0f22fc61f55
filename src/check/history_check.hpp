#pragma once
// Checks a recorded history (JSON Lines) with every check eosim has: the delivery verdicts and
// Jepsen's queue anomalies.
#include <istream>
#include <string>

#include "check/delivery_checker.hpp"
#include "check/figures.hpp"
#include "check/queue_anomalies.hpp"

namespace eosim::check {

struct HistoryCheck {
    std::string file;
    std::uint64_t operations = 0;
    CheckResult result;
    Anomalies anomalies;
    Figures figures;  // throughput and latency over the history's own times
    bool valid() const;  // every verdict holds and no anomaly outside the allowed ones
};

// Throws history::HistoryFormatError on a malformed line.
HistoryCheck check_history(std::istream& in, const std::string& file);

}  // namespace eosim::check
