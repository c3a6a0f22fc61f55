#pragma once
// A client's single wake-up timer, kept at its next deadline (like the poll timeout of Kafka's
// client loops): moving the deadline cancels the old timer.
#include <cstdint>

#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::sim {
class Simulation;
}

namespace eosim::kafka {

class WakeupTimer {
public:
    WakeupTimer(sim::Simulation& sim, sim::NodeId host, std::uint64_t tag)
        : sim_(sim), host_(host), tag_(tag) {}
    // Wake at deadline_us (kNever: not at all).
    void wake_at(sim::TimeUs deadline_us);
    // Call when the timer fired.
    void fired();

private:
    sim::Simulation& sim_;
    sim::NodeId host_;
    std::uint64_t tag_;
    sim::TimerId timer_ = 0;
    sim::TimeUs deadline_us_ = sim::kNever;
};

}  // namespace eosim::kafka
