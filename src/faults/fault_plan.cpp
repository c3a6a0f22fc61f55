#include "faults/fault_plan.hpp"

#include <algorithm>
#include <limits>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "base/assert.hpp"
#include "sim/simulation.hpp"

namespace eosim::faults {

std::string_view fault_kind_name(FaultSpec::Kind kind) {
    switch (kind) {
        case FaultSpec::Kind::drop_messages: return "drop_messages";
        case FaultSpec::Kind::delay: return "delay";
        case FaultSpec::Kind::crash: return "crash";
        case FaultSpec::Kind::pause: return "pause";
        case FaultSpec::Kind::delay_message_type: return "delay_message_type";
        case FaultSpec::Kind::partition: return "partition";
        case FaultSpec::Kind::clean_shutdown: return "clean_shutdown";
    }
    return "?";
}

void FaultPlan::install(sim::Simulation& sim) {
    records_.assign(specs_.size(), FaultRecord{});
    paused_incarnations_.assign(specs_.size(), std::nullopt);
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        records_[i].at_us = specs_[i].at_us;
        if (specs_[i].kind == FaultSpec::Kind::crash) {
            install_crash(sim, i);
        } else if (specs_[i].kind == FaultSpec::Kind::pause) {
            install_pause(sim, i);
        } else if (specs_[i].kind == FaultSpec::Kind::partition) {
            install_partition(sim, i);
        } else if (specs_[i].kind == FaultSpec::Kind::clean_shutdown) {
            install_shutdown(sim, i);
        } else {
            install_link_fault(sim, i);
        }
    }
}

void FaultPlan::install_link_fault(sim::Simulation& sim, std::size_t index) {
    const FaultSpec& spec = specs_[index];
    const sim::NodeId from = sim.find_node(spec.from);
    const sim::NodeId to = sim.find_node(spec.to);
    const bool drop = spec.kind == FaultSpec::Kind::drop_messages;
    const bool typed = spec.kind == FaultSpec::Kind::delay_message_type;
    if (drop) {
        records_[index].description = fmt::format("fault #{}: messages {} -> {} lost for {} ms", index + 1,
                                                  spec.from, spec.to, spec.duration_us / 1000);
    } else if (typed) {
        records_[index].description = fmt::format("fault #{}: {} {} -> {} delayed +{} ms for {} ms", index + 1,
                                                  spec.message_type, spec.from, spec.to,
                                                  spec.extra_latency_us / 1000, spec.duration_us / 1000);
    } else {
        records_[index].description = fmt::format("fault #{}: +{} ms latency {} {} {} for {} ms", index + 1,
                                                  spec.extra_latency_us / 1000, spec.from,
                                                  spec.both_directions ? "<->" : "->", spec.to,
                                                  spec.duration_us / 1000);
    }
    if (!spec.label.empty()) records_[index].description += " (" + spec.label + ")";
    const auto apply = [this, &sim, index, from, to, drop, typed](bool active) {
        const FaultSpec& s = specs_[index];
        const auto set = [&](sim::NodeId a, sim::NodeId b) {
            sim::LinkFaults& link = sim.network().faults(a, b);
            if (drop) {
                link.drop_windows += active ? 1 : -1;
                EOSIM_ASSERT(link.drop_windows >= 0);
            } else if (typed) {
                auto& delays = link.type_delays;
                if (active) {
                    delays.emplace_back(s.message_type, s.extra_latency_us);
                } else {
                    for (auto it = delays.begin(); it != delays.end(); ++it) {
                        if (it->first == s.message_type && it->second == s.extra_latency_us) {
                            delays.erase(it);
                            break;
                        }
                    }
                }
            } else {
                link.extra_delay_us += active ? s.extra_latency_us : -s.extra_latency_us;
                EOSIM_ASSERT(link.extra_delay_us >= 0);
            }
        };
        set(from, to);
        if (!drop && !typed && s.both_directions) set(to, from);
        (active ? records_[index].started : records_[index].ended) = true;
        notify(index, active);
        sim.record_fault(s.from, sim::StateChange(active ? "fault.start" : "fault.end")
                                     .with("fault", static_cast<std::int64_t>(index + 1))
                                     .with("kind", fault_kind_name(s.kind))
                                     .with("to", s.to));
    };
    sim.schedule(spec.at_us, [apply] { apply(true); });
    sim.schedule(spec.at_us + spec.duration_us, [apply] { apply(false); });
}

void FaultPlan::install_crash(sim::Simulation& sim, std::size_t index) {
    const FaultSpec& spec = specs_[index];
    const sim::NodeId node = sim.find_node(spec.from);
    const char* what = spec.power_loss ? "loses power (unflushed data lost)" : "crashes";
    records_[index].description =
        spec.duration_us < 0
            ? fmt::format("fault #{}: {} {} (no restart)", index + 1, spec.from, what)
            : fmt::format("fault #{}: {} {}, restarts after {} ms", index + 1, spec.from, what,
                          spec.duration_us / 1000);
    sim.schedule(spec.at_us, [this, &sim, index, node] {
        sim.record_fault(specs_[index].from, sim::StateChange("fault.start")
                                                 .with("fault", static_cast<std::int64_t>(index + 1))
                                                 .with("kind", "crash"));
        records_[index].started = true;
        notify(index, true);
        sim.crash(node, specs_[index].power_loss);
        if (specs_[index].duration_us < 0) return;
        sim.schedule(sim.now() + specs_[index].duration_us, [this, &sim, index, node] {
            records_[index].ended = true;
            notify(index, false);
            sim.record_fault(specs_[index].from, sim::StateChange("fault.end")
                                                     .with("fault", static_cast<std::int64_t>(index + 1))
                                                     .with("kind", "crash"));
            sim.restart(node);
        });
    });
}

// SIGTERM, then (once the process has exited) a restart after the fault's duration. A process
// that does not exit within the stop timeout is killed, as a supervisor would.
void FaultPlan::install_shutdown(sim::Simulation& sim, std::size_t index) {
    const FaultSpec& spec = specs_[index];
    const sim::NodeId node = sim.find_node(spec.from);
    records_[index].description =
        spec.duration_us < 0
            ? fmt::format("fault #{}: {} shuts down cleanly (no restart)", index + 1, spec.from)
            : fmt::format("fault #{}: {} shuts down cleanly, restarts {} ms after it exits", index + 1, spec.from,
                          spec.duration_us / 1000);
    sim.schedule(spec.at_us, [this, &sim, index, node] {
        trace(sim, index, true);
        if (!sim.is_up(node) || sim.is_shutting_down(node)) {
            restart_later(sim, index);  // already down: restarted like a crashed node
            return;
        }
        sim.shutdown(node, [this, &sim, index] { restart_later(sim, index); });
        sim.schedule(sim.now() + specs_[index].shutdown_timeout_us, [this, &sim, index, node] {
            if (!sim.is_shutting_down(node)) return;
            sim.record_fault(specs_[index].from, sim::StateChange("fault.shutdown_timed_out")
                                                     .with("fault", static_cast<std::int64_t>(index + 1)));
            sim.crash(node);  // runs the exit callback
        });
    });
}

void FaultPlan::restart_later(sim::Simulation& sim, std::size_t index) {
    records_[index].exited = true;
    if (specs_[index].duration_us < 0) return;
    const sim::NodeId node = sim.find_node(specs_[index].from);
    sim.schedule(sim.now() + specs_[index].duration_us, [this, &sim, index, node] {
        trace(sim, index, false);
        sim.restart(node);
    });
}

void FaultPlan::trace(sim::Simulation& sim, std::size_t index, bool start) {
    (start ? records_[index].started : records_[index].ended) = true;
    notify(index, start);
    sim.record_fault(specs_[index].from, sim::StateChange(start ? "fault.start" : "fault.end")
                                             .with("fault", static_cast<std::int64_t>(index + 1))
                                             .with("kind", fault_kind_name(specs_[index].kind)));
}

void FaultPlan::install_pause(sim::Simulation& sim, std::size_t index) {
    const FaultSpec& spec = specs_[index];
    const sim::NodeId node = sim.find_node(spec.from);
    records_[index].description = fmt::format("fault #{}: {} paused for {} ms (a zombie: it resumes with its old state)",
                                              index + 1, spec.from, spec.duration_us / 1000);
    sim.schedule(spec.at_us, [this, &sim, index, node] {
        trace(sim, index, true);
        if (sim.pause(node)) paused_incarnations_[index] = sim.incarnation(node);
    });
    sim.schedule(spec.at_us + spec.duration_us, [this, &sim, index, node] {
        trace(sim, index, false);
        if (paused_incarnations_[index] == sim.incarnation(node)) sim.resume(node);
    });
}

void FaultPlan::install_partition(sim::Simulation& sim, std::size_t index) {
    const FaultSpec& spec = specs_[index];
    std::vector<std::string> side_b = spec.side_b;
    if (side_b.empty()) {
        for (sim::NodeId id = 0; id < sim.node_count(); ++id) {
            const std::string& name = sim.node_name(id);
            if (std::find(spec.side_a.begin(), spec.side_a.end(), name) == spec.side_a.end()) side_b.push_back(name);
        }
    }
    std::vector<std::pair<sim::NodeId, sim::NodeId>> cut;
    for (const std::string& a : spec.side_a) {
        for (const std::string& b : side_b) {
            cut.emplace_back(sim.find_node(a), sim.find_node(b));
            if (!spec.one_way) cut.emplace_back(sim.find_node(b), sim.find_node(a));
        }
    }
    records_[index].description =
        fmt::format("fault #{}: network partition {{{}}} {} {{{}}} for {} ms", index + 1, fmt::join(spec.side_a, ", "),
                    spec.one_way ? "-/->" : "<-/->", spec.side_b.empty() ? "everyone else" : fmt::format("{}", fmt::join(side_b, ", ")),
                    spec.duration_us / 1000);
    const auto apply = [this, &sim, index, cut](bool active) {
        trace(sim, index, active);
        for (const auto& [from, to] : cut) sim.set_partitioned(from, to, active);
    };
    sim.schedule(spec.at_us, [apply] { apply(true); });
    sim.schedule(spec.at_us + spec.duration_us, [apply] { apply(false); });
}

bool FaultPlan::down_for_good(const std::string& node) const {
    for (std::size_t i = 0; i < specs_.size() && i < records_.size(); ++i) {
        const FaultSpec& spec = specs_[i];
        const bool stops = spec.kind == FaultSpec::Kind::crash || spec.kind == FaultSpec::Kind::clean_shutdown;
        if (stops && spec.from == node && spec.duration_us < 0 && records_[i].started) return true;
    }
    return false;
}

sim::TimeUs FaultPlan::quiet_after_us() const {
    sim::TimeUs quiet = 0;
    for (std::size_t i = 0; i < specs_.size(); ++i) {
        const FaultSpec& spec = specs_[i];
        // A clean shutdown ends when the restart after the exit happened, or without a restart
        // when the process has exited (its LeaveGroup, its last abort are still under way):
        // neither is known in advance.
        const bool restarts = spec.duration_us >= 0;
        if (spec.kind == FaultSpec::Kind::clean_shutdown && i < records_.size()) {
            const FaultRecord& record = records_[i];
            if (restarts ? !record.ended : record.started && !record.exited) return std::numeric_limits<sim::TimeUs>::max();
        }
        // A delay is over once what it delayed can have arrived.
        const sim::TimeUs end = spec.at_us + (spec.duration_us > 0 ? spec.duration_us : 0) + spec.extra_latency_us;
        if (end > quiet) quiet = end;
    }
    return quiet;
}

}  // namespace eosim::faults
