#include "scenario/run_limits.hpp"

#include <fmt/format.h>

#include "kafka/broker/broker.hpp"

namespace eosim::scenario {
namespace {

// Measured on a run of 1,000,000 sends (resident bytes per item, rounded up).
constexpr std::uint64_t kBytesPerOperation = 400;
constexpr std::uint64_t kBytesPerLogRecord = 100;
constexpr std::uint64_t kBytesPerEvent = 200;

}  // namespace

std::uint64_t estimated_state_bytes(const sim::Simulation& sim, const std::vector<kafka::Broker*>& brokers,
                                    std::uint64_t history_operations) {
    std::uint64_t records = 0;
    for (const kafka::Broker* broker : brokers) {
        for (const auto& [tp, log] : broker->storage().logs) {
            records += static_cast<std::uint64_t>(log.log_end_offset() - log.log_start_offset());
        }
    }
    const std::uint64_t events = sim.pending_events() + sim.held_messages();
    return history_operations * kBytesPerOperation + records * kBytesPerLogRecord + events * kBytesPerEvent;
}

Halt halt_of(sim::StopCause cause) {
    switch (cause) {
        case sim::StopCause::event_limit: return Halt::event_limit;
        case sim::StopCause::instant_limit: return Halt::instant_limit;
        case sim::StopCause::interrupted: return Halt::interrupted;
        case sim::StopCause::none: break;
    }
    return Halt::none;
}

std::string halt_message(Halt halt, const RunLimitsSpec& limits, sim::TimeUs at_us, std::uint64_t events) {
    const std::string where = fmt::format("at {:.3f} ms after {} events", static_cast<double>(at_us) / 1000.0, events);
    switch (halt) {
        case Halt::event_limit:
            return fmt::format("run stopped {}: the event limit of {} was reached (run.max_events)", where,
                               limits.max_events);
        case Halt::instant_limit:
            return fmt::format("run stopped {}: {} events at one simulated instant, simulated time stopped "
                               "advancing (run.max_events_per_instant; e.g. zero network latency with "
                               "fetch.max.wait.ms 0 polls forever)", where, limits.max_events_per_instant);
        case Halt::memory_budget:
            return fmt::format("run stopped {}: its state passed the memory budget of {} MB (run.max_memory_mb)",
                               where, limits.max_memory_mb);
        case Halt::interrupted: return fmt::format("run interrupted {}", where);
        case Halt::none: break;
    }
    return "";
}

}  // namespace eosim::scenario
