#include "scenario/freeze.hpp"

#include <fmt/format.h>

#include <limits>

#include "base/assert.hpp"
#include "faults/nemesis.hpp"

namespace eosim::scenario {
namespace {

using Kind = faults::FaultSpec::Kind;

// Whole milliseconds as an integer, else a number with three decimals (the loader's form).
nlohmann::json ms_value(sim::TimeUs us) {
    if (us % 1000 == 0) return us / 1000;
    return static_cast<double>(us) / 1000.0;
}

nlohmann::json crash_json(const faults::FaultSpec& spec) {
    nlohmann::json j{{"type", spec.kind == Kind::clean_shutdown ? "clean_shutdown" : "crash"},
                     {"node", spec.from},
                     {"at_ms", ms_value(spec.at_us)}};
    if (spec.duration_us >= 0) j["restart_after_ms"] = ms_value(spec.duration_us);
    if (spec.kind == Kind::clean_shutdown) {
        j["timeout_ms"] = spec.shutdown_timeout_us / 1000;
    } else if (spec.power_loss) {
        j["power_loss"] = true;
    }
    return j;
}

// When a crash or shutdown keeps its node down (for ever without a restart).
struct Down {
    std::string node;
    sim::TimeUs start_us = 0;
    sim::TimeUs end_us = 0;
};

Down down_window(const faults::FaultSpec& spec) {
    const sim::TimeUs end = spec.duration_us < 0 ? std::numeric_limits<sim::TimeUs>::max() : spec.at_us + spec.duration_us;
    return Down{spec.from, spec.at_us, end};
}

bool overlaps(const Down& a, const Down& b) {
    return a.node == b.node && (a.start_us == b.start_us || (a.start_us < b.end_us && b.start_us < a.end_us));
}

}  // namespace

nlohmann::json fault_json(const faults::FaultSpec& spec) {
    nlohmann::json j;
    switch (spec.kind) {
        case Kind::crash:
        case Kind::clean_shutdown: return crash_json(spec);
        case Kind::pause: j = {{"type", "pause"}, {"node", spec.from}}; break;
        case Kind::drop_messages: j = {{"type", "drop_responses"}, {"client", spec.to}, {"broker", spec.from}}; break;
        case Kind::delay:
            j = {{"type", "delay"}, {"from", spec.from}, {"to", spec.to}, {"extra_ms", ms_value(spec.extra_latency_us)},
                 {"both_directions", spec.both_directions}};
            break;
        case Kind::delay_message_type:
            if (spec.message_type == "SinkAck") {
                j = {{"type", "slow_external"}, {"sink", spec.from}, {"client", spec.to}};
            } else {
                const std::string suffix = "Request";
                EOSIM_ASSERT(spec.message_type.size() > suffix.size());
                j = {{"type", "delay_request"}, {"from", spec.from}, {"to", spec.to},
                     {"request", spec.message_type.substr(0, spec.message_type.size() - suffix.size())}};
            }
            j["extra_ms"] = ms_value(spec.extra_latency_us);
            break;
        case Kind::partition:
            j = {{"type", "partition"}};
            if (spec.side_b.empty()) {
                j["isolate"] = spec.side_a;
            } else {
                j["groups"] = nlohmann::json::array({spec.side_a, spec.side_b});
            }
            j["one_way"] = spec.one_way;
            break;
    }
    j["at_ms"] = ms_value(spec.at_us);
    j["duration_ms"] = ms_value(spec.duration_us);
    return j;
}

FrozenScenario freeze_scenario(const Scenario& scenario, std::uint64_t seed) {
    FrozenScenario frozen;
    frozen.json = drawn_source(scenario, seed);
    frozen.json.erase("seeds");  // the frozen file is one seed's run
    const Scenario drawn = scenario_for_seed(scenario, seed);
    if (!drawn.nemesis) return frozen;
    frozen.json.erase("nemesis");
    std::vector<Down> down;
    for (const faults::FaultSpec& spec : drawn.faults) {
        if (spec.kind == Kind::crash || spec.kind == Kind::clean_shutdown) down.push_back(down_window(spec));
    }
    nlohmann::json& list = frozen.json["faults"];
    if (!list.is_array()) list = nlohmann::json::array();
    std::size_t number = drawn.faults.size();
    for (const faults::FaultSpec& spec : faults::draw_nemesis(*drawn.nemesis, seed)) {
        ++number;
        if (spec.kind == Kind::crash || spec.kind == Kind::clean_shutdown) {
            const Down window = down_window(spec);
            bool already_down = false;
            for (const Down& other : down) already_down = already_down || overlaps(other, window);
            if (already_down) {
                // The loader refuses overlapping down windows; such a crash did nothing in the run.
                frozen.notes.push_back(fmt::format("fault #{} ({} crash at {} us) left out: {} was already down",
                                                   number, spec.from, spec.at_us, spec.from));
                continue;
            }
            down.push_back(window);
        }
        list.push_back(fault_json(spec));
        ++frozen.nemesis_faults;
    }
    return frozen;
}

}  // namespace eosim::scenario
