#include "faults/nemesis.hpp"

#include "base/assert.hpp"
#include "sim/prng.hpp"

namespace eosim::faults {
namespace {

FaultSpec make(const NemesisFault& fault, const std::string& target, sim::Prng& prng) {
    FaultSpec spec;
    spec.kind = fault.kind;
    spec.label = "nemesis";
    spec.from = target;
    if (!fault.peers.empty()) {
        spec.to = fault.peers[prng.below(fault.peers.size())];
        if (fault.kind == FaultSpec::Kind::drop_messages) std::swap(spec.from, spec.to);  // broker -> client
    }
    spec.duration_us = prng.between(fault.min_duration_us, fault.max_duration_us);
    spec.extra_latency_us = prng.between(fault.min_extra_us, fault.max_extra_us);
    spec.message_type = fault.message_type;
    spec.both_directions = fault.kind == FaultSpec::Kind::delay;
    spec.power_loss = fault.power_loss;
    if (fault.kind == FaultSpec::Kind::partition) {
        spec.side_a = {target};  // isolated from every other node
        spec.one_way = fault.one_way;
    }
    return spec;
}

}  // namespace

std::vector<FaultSpec> draw_nemesis(const NemesisSpec& nemesis, std::uint64_t seed) {
    std::vector<FaultSpec> drawn;
    for (std::size_t f = 0; f < nemesis.faults.size(); ++f) {
        const NemesisFault& fault = nemesis.faults[f];
        EOSIM_ASSERT(fault.mean_interval_us > 0);
        EOSIM_ASSERT(fault.min_duration_us <= fault.max_duration_us);
        for (const std::string& target : fault.targets) {
            // One stream per (fault, target): adding a target does not reshuffle the others.
            sim::Prng prng = sim::Prng::stream(seed, "nemesis/" + std::to_string(f) + "/" + target);
            sim::TimeUs at_us = nemesis.start_us;
            constexpr int kMaxFaultsPerTarget = 10000;  // a bound on every loop
            for (int n = 0; n < kMaxFaultsPerTarget; ++n) {
                at_us += prng.between(0, 2 * fault.mean_interval_us);
                if (at_us >= nemesis.end_us) break;
                FaultSpec spec = make(fault, target, prng);
                spec.at_us = at_us;
                at_us += spec.duration_us;  // the next window starts after this one ends
                drawn.push_back(std::move(spec));
            }
        }
    }
    return drawn;
}

}  // namespace eosim::faults
