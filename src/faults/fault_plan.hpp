#pragma once
// Scheduled faults, applied only through the kernel's hooks (link state, crash, restart). Each
// start and end is traced and counted, so a run can never be silently fault-free.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/time.hpp"

namespace eosim::sim {
class Simulation;
}

namespace eosim::faults {

struct FaultSpec {
    enum class Kind { drop_messages, delay, crash, pause, delay_message_type, partition, clean_shutdown };
    Kind kind = Kind::crash;
    sim::TimeUs at_us = 0;
    sim::TimeUs duration_us = 0;  // drop/delay window; crash, clean_shutdown: time until restart (-1: never)
    std::string from;  // drop/delay: sender side of the link; crash: the node
    std::string to;
    sim::TimeUs extra_latency_us = 0;  // delay, delay_message_type
    bool both_directions = false;      // delay
    std::string message_type;          // delay_message_type, e.g. "EndTxnRequest"
    std::string label;                 // how the report names it (e.g. "slow external call")
    bool power_loss = false;           // crash: the machine, so unflushed data is lost too
    // partition: every link between a node of side_a and one of side_b is cut (only a -> b if
    // one_way). side_b empty: every node not in side_a.
    std::vector<std::string> side_a;
    std::vector<std::string> side_b;
    bool one_way = false;
    // clean_shutdown: a process still winding down this long after the request is killed (a
    // supervisor's stop timeout, e.g. systemd's TimeoutStopSec); the restart delay counts from
    // its exit.
    sim::TimeUs shutdown_timeout_us = 60'000'000;
};

struct FaultRecord {
    std::string description;
    sim::TimeUs at_us = 0;
    bool started = false;
    bool ended = false;
    bool exited = false;  // a clean shutdown's process has exited (or was down already)
};

std::string_view fault_kind_name(FaultSpec::Kind kind);

class FaultPlan {
public:
    explicit FaultPlan(std::vector<FaultSpec> specs) : specs_(std::move(specs)) {}
    // Schedules every fault on the simulation; records() tracks what actually happened.
    void install(sim::Simulation& sim);
    const std::vector<FaultRecord>& records() const { return records_; }
    // Told when a fault starts or ends (e.g. to record it in the history).
    void on_change(std::function<void(const FaultRecord&, bool start)> observer) { observer_ = std::move(observer); }
    // The time after which no fault is active or pending.
    sim::TimeUs quiet_after_us() const;
    // A fault stopped this node and nothing restarts it (a crash or clean shutdown without a
    // restart that has begun): its being down is the scenario, not a run still settling.
    bool down_for_good(const std::string& node) const;

private:
    void install_link_fault(sim::Simulation& sim, std::size_t index);
    void install_crash(sim::Simulation& sim, std::size_t index);
    void install_shutdown(sim::Simulation& sim, std::size_t index);
    void restart_later(sim::Simulation& sim, std::size_t index);
    void install_pause(sim::Simulation& sim, std::size_t index);
    void install_partition(sim::Simulation& sim, std::size_t index);
    void trace(sim::Simulation& sim, std::size_t index, bool start);

    std::vector<FaultSpec> specs_;
    std::vector<FaultRecord> records_;
    // Per pause fault: the incarnation it froze, so that its end does not thaw a later process
    // (the node may have crashed and restarted meanwhile).
    std::vector<std::optional<std::uint32_t>> paused_incarnations_;
    std::function<void(const FaultRecord&, bool start)> observer_;
    void notify(std::size_t index, bool start) {
        if (observer_) observer_(records_[index], start);
    }
};

}  // namespace eosim::faults
