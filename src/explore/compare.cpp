#include "explore/compare.hpp"

#include <exception>
#include <mutex>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "base/assert.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"

namespace eosim::explore {
namespace {

using scenario::Override;
using Json = nlohmann::json;

// What every preset sets on producer applications' clients (`producers[].config`) and
// processors' output producers (`processors[].producer`).
std::vector<Override> producer_settings(Json acks, Json retries, bool idempotence, bool keep_transactions) {
    std::vector<Override> out;
    for (const char* prefix : {"/producers/*/config", "/processors/*/producer"}) {
        out.push_back({fmt::format("{}/acks", prefix), acks});
        out.push_back({fmt::format("{}/retries", prefix), retries});
        out.push_back({fmt::format("{}/enable.idempotence", prefix), idempotence});
    }
    out.push_back({"/processors/*/producer/transactional.id", nullptr});  // the processor's name
    if (!keep_transactions) {  // producer applications that ran transactions stop doing so
        out.push_back({"/producers/*/config/transactional.id", nullptr});
        out.push_back({"/producers/*/transaction_records", nullptr});
        out.push_back({"/producers/*/abort_every", nullptr});
    }
    return out;
}

std::vector<Override> reader_settings(const char* consumer_delivery, const char* processor_delivery,
                                      const char* isolation, bool idempotent_sinks) {
    return {{"/consumers/*/delivery", consumer_delivery},
            {"/consumers/*/config/isolation.level", isolation},
            {"/processors/*/delivery", processor_delivery},
            {"/processors/*/consumer/isolation.level", nullptr},  // each delivery's own default
            {"/sinks/*/idempotent", idempotent_sinks}};
}

DeliveryPreset preset(std::string name, std::string description, std::vector<Override> producers,
                      std::vector<Override> readers) {
    for (Override& o : readers) producers.push_back(std::move(o));
    return {std::move(name), std::move(description), std::move(producers)};
}

std::vector<DeliveryPreset> make_presets() {
    return {
        preset("at-most-once", "acks=1, no retries, offsets committed before processing",
               producer_settings("1", 0, false, false),
               reader_settings("at_most_once", "at_most_once", "read_uncommitted", false)),
        preset("at-least-once", "acks=all, retries, no idempotence, offsets committed after processing",
               producer_settings("all", nullptr, false, false),
               reader_settings("at_least_once", "at_least_once", "read_uncommitted", false)),
        preset("idempotent-producer", "at-least-once with enable.idempotence=true",
               producer_settings("all", nullptr, true, false),
               reader_settings("at_least_once", "at_least_once", "read_uncommitted", false)),
        preset("transactions-read-uncommitted", "transactional processors, readers read_uncommitted",
               producer_settings("all", nullptr, true, true),
               reader_settings("at_least_once", "exactly_once", "read_uncommitted", false)),
        preset("exactly-once", "transactional processors with offsets in the transaction, read_committed readers",
               producer_settings("all", nullptr, true, true),
               reader_settings("at_least_once", "exactly_once", "read_committed", false)),
        preset("exactly-once-idempotent-sink", "exactly-once, and external sinks that drop repeated keys",
               producer_settings("all", nullptr, true, true),
               reader_settings("at_least_once", "exactly_once", "read_committed", true)),
    };
}

struct Plan {
    std::string name;
    std::string description;
    scenario::Scenario scenario;
};

scenario::Scenario with_overrides(const scenario::Scenario& base, const std::string& row,
                                  const std::vector<Override>& overrides) {
    Json json = base.source;
    try {
        scenario::apply_overrides(json, overrides, base.file);
        return scenario::parse_scenario_json(std::move(json), base.file);
    } catch (const scenario::ScenarioError& e) {
        throw scenario::ScenarioError(fmt::format("compare row {}: {}", row, e.what()));
    }
}

std::vector<Plan> plan_rows(const scenario::Scenario& s, const std::vector<std::string>& wanted) {
    std::vector<Plan> all;
    for (const DeliveryPreset& p : delivery_presets()) all.push_back({p.name, p.description, {}});
    for (const scenario::CompareVariant& v : s.compare_variants) {
        std::vector<std::string> sets;
        for (const Override& o : v.overrides) sets.push_back(o.text());
        all.push_back({v.name, fmt::format("{}", fmt::join(sets, ", ")), {}});
    }
    std::vector<Plan> chosen;
    for (const std::string& name : wanted) {
        const auto found = std::find_if(all.begin(), all.end(), [&](const Plan& p) { return p.name == name; });
        if (found == all.end()) {
            std::vector<std::string> names;
            for (const Plan& p : all) names.push_back(p.name);
            throw scenario::ScenarioError(fmt::format("{}: no preset or compare variant \"{}\" (expected one of: {})",
                                                      s.file, name, fmt::join(names, ", ")));
        }
        chosen.push_back(*found);
    }
    if (wanted.empty()) chosen = all;
    for (Plan& p : chosen) {
        const auto preset = std::find_if(delivery_presets().begin(), delivery_presets().end(),
                                         [&](const DeliveryPreset& d) { return d.name == p.name; });
        if (preset != delivery_presets().end()) {
            p.scenario = with_overrides(s, p.name, preset->overrides);
            continue;
        }
        for (const scenario::CompareVariant& v : s.compare_variants) {
            if (v.name == p.name) p.scenario = with_overrides(s, p.name, v.overrides);
        }
    }
    return chosen;
}

CompareRun run_one(const scenario::Scenario& s, std::uint64_t seed, const std::atomic<bool>* interrupt) {
    scenario::RunOptions options;
    options.seed = seed;
    options.interrupt = interrupt;
    const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
    CompareRun run;
    run.seed = seed;
    run.trace_hash = outcome.trace_hash;
    if (outcome.halt != scenario::Halt::none) {
        run.halt = outcome.halt_message;
        return run;
    }
    run.counts = scenario::counts_by_name(outcome.check.counts);
    for (const std::string& name : compared_verdicts()) run.verdicts[name] = scenario::verdict_of(outcome.check, name).holds;
    run.quiesced = scenario::verdict_of(outcome.check, "quiesced").holds;
    run.figures = outcome.figures;
    return run;
}

}  // namespace

const std::vector<DeliveryPreset>& delivery_presets() {
    static const std::vector<DeliveryPreset> presets = make_presets();  // immutable once built
    return presets;
}

const std::vector<std::string>& compared_verdicts() {
    static const std::vector<std::string> names = {"at_most_once", "at_least_once", "exactly_once",
                                                   "aborted_read", "exactly_once_processing",
                                                   "external_exactly_once"};
    return names;
}

Comparison compare(const scenario::Scenario& s, const std::vector<std::string>& rows, std::uint64_t first_seed,
                   std::uint64_t last_seed, unsigned jobs, const std::atomic<bool>* interrupt) {
    EOSIM_ASSERT(first_seed <= last_seed);
    if (!s.swarm.choices.empty()) {
        throw scenario::ScenarioError(fmt::format("{}: compare needs a fixed shape, and this scenario has a swarm: "
                                                  "freeze one seed's shape with `eosim draw` first", s.file));
    }
    const std::vector<Plan> plans = plan_rows(s, rows);
    Comparison out;
    out.scenario = s.name;
    out.request_costs = !s.broker.cost.free();
    out.bandwidth_limited = s.network.bandwidth_bytes_per_s > 0;
    out.send_costs = s.producer_send_ns > 0;
    out.costs_modelled = out.request_costs || out.bandwidth_limited;
    out.first_seed = first_seed;
    out.last_seed = last_seed;
    const std::uint64_t seeds = last_seed - first_seed + 1;
    for (const Plan& p : plans) out.rows.push_back({p.name, p.description, std::vector<CompareRun>(seeds)});
    const std::uint64_t total = plans.size() * seeds;
    std::atomic<std::uint64_t> next{0};
    std::mutex error_mutex;
    std::optional<std::string> error;
    const auto stopped = [&] { return (interrupt != nullptr && interrupt->load()); };
    const auto worker = [&] {
        for (std::uint64_t i = next++; i < total && !stopped(); i = next++) {
            const std::size_t row = static_cast<std::size_t>(i / seeds);
            const std::uint64_t k = i % seeds;
            try {
                out.rows[row].runs[k] = run_one(plans[row].scenario, first_seed + k, interrupt);
            } catch (const std::exception& e) {  // nothing may escape a thread
                const std::lock_guard lock(error_mutex);
                if (!error) error = fmt::format("{} seed {}: {}", plans[row].name, first_seed + k, e.what());
            }
        }
    };
    std::vector<std::thread> threads;
    const unsigned workers = static_cast<unsigned>(std::min<std::uint64_t>(jobs == 0 ? 1 : jobs, total));
    for (unsigned t = 1; t < workers; ++t) threads.emplace_back(worker);
    worker();
    for (std::thread& t : threads) t.join();
    if (error) throw scenario::ScenarioError(*error);
    out.interrupted = stopped();
    return out;
}

}  // namespace eosim::explore
