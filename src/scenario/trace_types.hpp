#pragma once
#include <string>
#include <vector>

namespace eosim::scenario {

// Every record type a run's trace can hold (what expect.events may name as "type"): each message
// type, the external sink's writes, and every named state change, fault and node event.
// tests/check_trace_types.py fails when the code records a name this list lacks, or the list
// names one the code no longer records.
const std::vector<std::string>& trace_record_types();

}  // namespace eosim::scenario
