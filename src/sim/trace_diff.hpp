#pragma once
// The first difference between two text traces (Trace's one line per record), for the
// determinism check: two runs of one seed must produce the same records in the same order.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace eosim::sim {

struct TraceDifference {
    std::uint64_t index = 0;  // 0-based record number of the first differing record
    std::string time_ms;      // its simulated time, "12.345" (from whichever trace has it)
    std::string first;        // the record in the first trace, "" if that trace ended
    std::string second;       // the record in the second trace, "" if that trace ended
};

// Nothing when the traces are identical.
std::optional<TraceDifference> first_trace_difference(std::string_view first, std::string_view second);

}  // namespace eosim::sim
