#include "scenario/freeze.hpp"

#include <fmt/format.h>


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
    frozen.json.erase("expect_sweep");
    const Scenario drawn = scenario_for_seed(scenario, seed);
    if (!drawn.nemesis) return frozen;
    frozen.json.erase("nemesis");
    nlohmann::json& list = frozen.json["faults"];
    if (!list.is_array()) list = nlohmann::json::array();
    for (const faults::FaultSpec& spec : faults::draw_nemesis(*drawn.nemesis, seed)) {
        nlohmann::json fault = fault_json(spec);
        fault["nemesis"] = true;  // as drawn: the loader skips the checks the nemesis does not make
        list.push_back(std::move(fault));
        ++frozen.nemesis_faults;
    }
    return frozen;
}

}  // namespace eosim::scenario
