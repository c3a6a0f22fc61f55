#pragma once
// A random nemesis: faults drawn per seed from rates (as Jepsen's nemesis and FoundationDB's
// simulation do). It only produces ordinary FaultSpecs, so each drawn fault is traced and
// reported like a scheduled one, and the run's seed reproduces them exactly.
#include <cstdint>
#include <string>
#include <vector>

#include "faults/fault_plan.hpp"
#include "sim/time.hpp"

namespace eosim::faults {

struct NemesisFault {
    FaultSpec::Kind kind = FaultSpec::Kind::crash;
    std::vector<std::string> targets;    // crash/pause: nodes; drop: clients; delay: endpoints
    std::vector<std::string> peers;      // drop: brokers; delay/delay_message_type: other end
    std::string message_type;            // delay_message_type
    sim::TimeUs mean_interval_us = 0;    // gaps are uniform in [0, 2 * mean]
    sim::TimeUs min_duration_us = 0;     // durations are uniform in [min, max]
    sim::TimeUs max_duration_us = 0;
    sim::TimeUs min_extra_us = 0;        // delays: extra latency uniform in [min, max]
    sim::TimeUs max_extra_us = 0;
    bool power_loss = false;             // crash: a machine crash (unflushed data lost)
    bool one_way = false;                // partition: only the target's outgoing links are cut
};

struct NemesisSpec {
    sim::TimeUs start_us = 0;
    sim::TimeUs end_us = 0;  // no fault starts after this
    std::vector<NemesisFault> faults;
};

// The faults this nemesis injects in a run with this seed. For each fault kind and target, the
// windows never overlap (a node is not crashed while it is down).
std::vector<FaultSpec> draw_nemesis(const NemesisSpec& nemesis, std::uint64_t seed);

}  // namespace eosim::faults
