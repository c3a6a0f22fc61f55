#pragma once
// `eosim saturate`: an open-loop load search. The scenario's producer applications send at a
// rising rate (every interval_us divided by a factor) until the cluster stops keeping up: acked
// values fall below 90% of the offered rate, or send→ack p99 exceeds latency_factor times its
// value at the scenario's own rate. The saturation throughput is the best acked rate of a step
// that kept up. Figures are in simulated time.
#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "scenario/scenario.hpp"

namespace eosim::explore {

struct SaturationStep {
    double load_factor = 1;        // the scenario's offered rate times this
    double offered_per_s = 0;      // what the producer applications try to send
    double acked_per_s = 0;        // what they got acknowledged (values over the run's send span)
    std::int64_t p50_us = 0;       // send→ack of the producer applications' values
    std::int64_t p99_us = 0;
    bool kept_up = false;
    bool halted = false;           // a run-time limit stopped the run
};

struct SaturationSearch {
    std::string scenario;
    std::uint64_t seed = 0;
    double latency_factor = 5;
    std::vector<SaturationStep> steps;  // in the order they ran
    double saturation_per_s = 0;        // the best acked rate among the steps that kept up
    // The producers could offer no more (1 us intervals, or their send() time) while the cluster
    // still kept up: the saturation figure is the producers', not the cluster's.
    bool offer_capped = false;
    bool interrupted = false;
};

// Throws ScenarioError when no producer application has an interval_us to shorten.
SaturationSearch search_saturation(const scenario::Scenario& s, std::uint64_t seed, double latency_factor,
                                   const std::atomic<bool>* interrupt = nullptr);

}  // namespace eosim::explore
