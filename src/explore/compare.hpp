#pragma once
// `eosim compare`: one workload and one fault schedule under each delivery preset (and the
// scenario's compare.variants), over a range of seeds: what each setting loses or duplicates and
// what it costs in throughput and latency.
#include <atomic>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "check/figures.hpp"
#include "scenario/scenario.hpp"

namespace eosim::explore {

// A delivery setting as overrides on every producer, consumer, processor and sink of a scenario.
struct DeliveryPreset {
    std::string name;
    std::string description;
    std::vector<scenario::Override> overrides;
};

// at-most-once, at-least-once, idempotent-producer, transactions-read-uncommitted, exactly-once,
// exactly-once-idempotent-sink, in that order.
const std::vector<DeliveryPreset>& delivery_presets();

struct CompareRun {
    std::uint64_t seed = 0;
    std::uint64_t trace_hash = 0;
    std::map<std::string, std::uint64_t> counts;  // every count, by report name
    std::map<std::string, bool> verdicts;         // safety verdicts only
    check::Figures figures;
    std::string halt;  // a run-time limit stopped it: no counts or figures
    // It went quiet before run.max_simulated_ms; if not, its losses may be values still on the
    // way (the run was cut off, not the delivery).
    bool quiesced = true;
};

struct CompareRow {
    std::string preset;  // a preset's or a variant's name
    std::string description;
    std::vector<CompareRun> runs;  // in seed order
};

struct Comparison {
    std::string scenario;
    std::uint64_t first_seed = 0;
    std::uint64_t last_seed = 0;
    std::vector<CompareRow> rows;  // presets, then variants
    // The scenario sets cluster.cost or a link bandwidth: brokers and links spend time.
    bool costs_modelled = false;
    bool request_costs = false;     // cluster.cost: handler threads, time per request, byte, batch
    bool bandwidth_limited = false; // network.bandwidth_bytes_per_s
    bool send_costs = false;        // cost.producer_send_ns: the producer application's send() time
    bool interrupted = false;
};

// Which rows to run: every preset and variant when empty, else these names in this order.
// Throws ScenarioError for an unknown name, a swarm scenario, or a preset the scenario cannot
// take (e.g. max.in.flight.requests.per.connection > 5 with the idempotent presets).
Comparison compare(const scenario::Scenario& scenario, const std::vector<std::string>& rows,
                   std::uint64_t first_seed, std::uint64_t last_seed, unsigned jobs,
                   const std::atomic<bool>* interrupt = nullptr);

// The safety verdicts a comparison reports (liveness ones are the run's business).
const std::vector<std::string>& compared_verdicts();

}  // namespace eosim::explore
