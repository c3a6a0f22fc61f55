#include "explore/saturation.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>

#include <fmt/format.h>

#include "base/assert.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"

namespace eosim::explore {
namespace {

constexpr double kKeptUpShare = 0.9;  // acked at least this share of the offered rate
constexpr int kMaxDoublings = 16;
constexpr int kBisections = 5;

// The scenario with every producer application's interval_us divided by `factor` (at least 1 us).
scenario::Scenario at_load(const scenario::Scenario& s, double factor) {
    nlohmann::json json = s.source;
    EOSIM_ASSERT(json["producers"].size() == s.producers.size());
    for (std::size_t i = 0; i < s.producers.size(); ++i) {  // the parsed interval: the loader's default applied
        const double interval_us = static_cast<double>(s.producers[i].workload.interval_us);
        json["producers"][i]["interval_us"] = std::max<std::int64_t>(1, std::llround(interval_us / factor));
    }
    return scenario::parse_scenario_json(std::move(json), s.file);
}

double offered_per_s(const scenario::Scenario& s) {
    double total = 0;
    for (const scenario::ProducerSpec& p : s.producers) {
        const double spacing_us = std::max(static_cast<double>(p.workload.interval_us),
                                           static_cast<double>(p.workload.send_ns) / 1000.0);
        total += 1e6 / spacing_us;
    }
    return total;
}

bool is_producer_application(const scenario::Scenario& s, const std::string& process) {
    const std::string node = process.substr(0, process.find('#'));
    return std::any_of(s.producers.begin(), s.producers.end(), [&](const auto& p) { return p.name == node; });
}

SaturationStep measure(const scenario::Scenario& base, double factor, std::uint64_t seed) {
    const scenario::Scenario s = at_load(base, factor);
    scenario::RunOptions options;
    options.seed = seed;
    const scenario::RunOutcome outcome = scenario::run_scenario(s, options);
    SaturationStep step;
    step.load_factor = factor;
    step.offered_per_s = offered_per_s(s);
    step.halted = outcome.halt != scenario::Halt::none;
    for (const check::FlowFigures& flow : outcome.figures.producers) {
        if (!is_producer_application(s, flow.name)) continue;  // processors' outputs are not offered load
        step.acked_per_s += flow.values_per_s;
        step.p50_us = std::max(step.p50_us, flow.latency.p50_us);
        step.p99_us = std::max(step.p99_us, flow.latency.p99_us);
    }
    return step;
}

bool keeps_up(const SaturationStep& step, const SaturationStep& baseline, double latency_factor) {
    if (step.halted) return false;
    const double p99_limit = latency_factor * static_cast<double>(std::max<std::int64_t>(baseline.p99_us, 1));
    return step.acked_per_s >= kKeptUpShare * step.offered_per_s && static_cast<double>(step.p99_us) <= p99_limit;
}

}  // namespace

SaturationSearch search_saturation(const scenario::Scenario& s, std::uint64_t seed, double latency_factor,
                                   const std::atomic<bool>* interrupt) {
    EOSIM_ASSERT(latency_factor >= 1);
    for (const scenario::ProducerSpec& p : s.producers) {
        if (p.workload.interval_us == 0) {
            throw scenario::ScenarioError(fmt::format(
                "{}: producer {} sends as fast as it can (interval_us 0): there is no offered rate to raise; "
                "give it an interval_us", s.file, p.name));
        }
    }
    if (s.producers.empty()) throw scenario::ScenarioError(s.file + ": no producer applications to load");
    SaturationSearch search{s.name, seed, latency_factor, {}, 0, false, false};
    const auto stopped = [&] { return interrupt != nullptr && interrupt->load(); };
    const auto run = [&](double factor) {
        search.steps.push_back(measure(s, factor, seed));
        SaturationStep& step = search.steps.back();
        step.kept_up = keeps_up(step, search.steps.front(), latency_factor);
        if (step.kept_up) search.saturation_per_s = std::max(search.saturation_per_s, step.acked_per_s);
        return step.kept_up;
    };
    double good = 1;
    run(good);
    double bad = 0;
    for (int i = 0; i < kMaxDoublings && !stopped(); ++i) {
        const double offered_before = search.steps.back().offered_per_s;
        if (!run(good * 2)) {
            bad = good * 2;
            break;
        }
        good *= 2;
        // A 1 us interval or the producer's send() time caps what it can offer.
        if (search.steps.back().offered_per_s < offered_before * 1.01) {
            search.offer_capped = true;
            break;
        }
    }
    for (int i = 0; bad > 0 && i < kBisections && !stopped(); ++i) {
        const double middle = (good + bad) / 2;
        // Whole-microsecond intervals: stop once the middle offers what a step already did.
        const double offered = offered_per_s(at_load(s, middle));
        const bool seen = std::any_of(search.steps.begin(), search.steps.end(),
                                      [&](const SaturationStep& step) { return step.offered_per_s == offered; });
        if (seen) break;
        if (run(middle)) {
            good = middle;
        } else {
            bad = middle;
        }
    }
    search.interrupted = stopped();
    return search;
}

}  // namespace eosim::explore
