#include "explore/shrink.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>

#include "base/assert.hpp"
#include "explore/shrink_attempts.hpp"
#include "scenario/freeze.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/runner.hpp"

namespace eosim::explore {
namespace {

using shrink_detail::Attempts;
using shrink_detail::Json;
using shrink_detail::subject_of;

Json with_faults(const Json& base, const std::vector<std::size_t>& keep) {
    Json candidate = base;
    Json list = Json::array();
    for (const std::size_t i : keep) list.push_back(base["faults"][i]);
    candidate["faults"] = list;
    return candidate;
}

// Halves a fault's window and delay while the failure stays (at most 6 times each).
void weaken_faults(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result) {
    for (std::size_t i = 0; i < current["faults"].size(); ++i) {
        for (const char* key : {"duration_ms", "extra_ms", "restart_after_ms"}) {
            for (int step = 0; step < 6 && current["faults"][i].contains(key); ++step) {
                const double ms = current["faults"][i][key].get<double>();
                const std::int64_t half_us = static_cast<std::int64_t>(ms * 1000.0) / 2;
                if (half_us < 1000) break;  // the loader's minimum is 1 ms
                Json candidate = current;
                candidate["faults"][i][key] = half_us % 1000 == 0 ? Json(half_us / 1000) : Json(static_cast<double>(half_us) / 1000.0);
                if (!attempts.fails_with(candidate, subject)) break;
                current = std::move(candidate);
                result.steps.push_back(fmt::format("faults[{}].{} halved to {}", i, key, current["faults"][i][key].dump()));
            }
        }
    }
}

// Halves each producer's message count while the failure stays.
void shrink_workload(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result) {
    if (!current.contains("producers")) return;
    for (std::size_t i = 0; i < current["producers"].size(); ++i) {
        // Indexed anew each time: an accepted step replaces `current`, and a reference into it.
        const auto messages = [&current, i] { return current["producers"][i].value("messages", std::int64_t{0}); };
        for (int step = 0; step < 8 && messages() > 1; ++step) {
            Json candidate = current;
            candidate["producers"][i]["messages"] = messages() / 2;
            if (!attempts.fails_with(candidate, subject)) break;
            current = std::move(candidate);
            result.steps.push_back(fmt::format("producers[{}].messages halved to {}", i, current["producers"][i]["messages"].get<std::int64_t>()));
        }
    }
}

// The expect block of the shrunk scenario: the kept failure, asserted.
Json failure_expectation(const scenario::Scenario& s, const std::string& subject) {
    const std::string verdict_prefix = "verdict ";
    const std::string count_prefix = "count ";
    const std::string anomaly_prefix = "anomaly ";
    Json expect = Json::object();
    if (subject.rfind(verdict_prefix, 0) == 0) {
        const std::string name = subject.substr(verdict_prefix.size());
        expect["verdicts"][name] = !s.expect->verdicts.at(name);
    } else if (subject.rfind(count_prefix, 0) == 0) {
        const std::string name = subject.substr(count_prefix.size());
        const scenario::CountBound& bound = s.expect->counts.at(name);
        if (bound.max) {
            expect["counts"][name]["min"] = *bound.max + 1;
        } else if (bound.min && *bound.min > 0) {
            expect["counts"][name]["max"] = *bound.min - 1;
        }
    } else if (subject.rfind(anomaly_prefix, 0) == 0) {
        const std::string name = subject.substr(anomaly_prefix.size());
        expect["anomalies"][name] = !s.expect->anomalies.at(name);
    }
    return expect;
}

// An events[i] failure ("...: expected at least 1, got 0"): the same pattern, asserting the count
// the shrunk run makes (deterministic, so exact).
Json event_expectation(const Json& current, const std::string& failure) {
    const std::size_t index = static_cast<std::size_t>(std::atoll(failure.c_str() + std::string("events[").size()));
    const std::size_t got_at = failure.rfind("got ");
    if (!current.contains("expect") || !current["expect"].contains("events") || index >= current["expect"]["events"].size() ||
        got_at == std::string::npos) {
        return Json::object();
    }
    Json entry = current["expect"]["events"][index];
    for (const char* key : {"min", "max", "count"}) entry.erase(key);
    entry["count"] = std::atoll(failure.c_str() + got_at + 4);
    return Json{{"events", Json::array({entry})}};
}

}  // namespace

std::vector<std::size_t> ddmin(std::vector<std::size_t> items,
                               const std::function<bool(const std::vector<std::size_t>&)>& fails) {
    if (fails({})) return {};
    std::size_t n = 2;
    while (items.size() >= 2) {
        const std::size_t size = items.size();
        std::vector<std::vector<std::size_t>> chunks;
        for (std::size_t c = 0; c < n; ++c) {
            const std::size_t begin = c * size / n;
            const std::size_t end = (c + 1) * size / n;
            chunks.emplace_back(items.begin() + static_cast<std::ptrdiff_t>(begin), items.begin() + static_cast<std::ptrdiff_t>(end));
        }
        bool reduced = false;
        for (const auto& chunk : chunks) {
            if (!chunk.empty() && fails(chunk)) {
                items = chunk;
                n = 2;
                reduced = true;
                break;
            }
        }
        for (std::size_t c = 0; !reduced && n > 2 && c < chunks.size(); ++c) {
            std::vector<std::size_t> complement;
            for (std::size_t o = 0; o < chunks.size(); ++o) {
                if (o != c) complement.insert(complement.end(), chunks[o].begin(), chunks[o].end());
            }
            if (fails(complement)) {
                items = complement;
                n = std::max<std::size_t>(n - 1, 2);
                reduced = true;
            }
        }
        if (reduced) continue;
        if (n >= size) break;
        n = std::min(n * 2, size);
    }
    return items;
}

ShrinkResult shrink(const scenario::Scenario& scenario, std::uint64_t seed,
                    const std::function<void(const std::string&)>& progress,
                    const std::atomic<bool>* interrupt) {
    ShrinkResult result;
    if (!scenario.expect) {
        throw scenario::ScenarioError(scenario.file + ": no expect block: shrink keeps an unmet expectation failing, and there is none");
    }
    Attempts attempts(scenario.file, seed, interrupt);
    const std::vector<std::string> original = attempts.failures_of(scenario::scenario_for_seed(scenario, seed));
    result.interrupted = attempts.interrupted();
    if (result.interrupted) return result;
    if (original.empty()) {
        throw scenario::ScenarioError(fmt::format("{}: seed {} meets its expectations: nothing to shrink", scenario.file, seed));
    }
    result.failure = original.front();
    attempts.keep_kind(result.failure);
    result.subject = subject_of(result.failure);
    const scenario::FrozenScenario frozen = scenario::freeze_scenario(scenario, seed);
    if (!attempts.fails_with(frozen.json, result.subject) && !attempts.interrupted()) {
        // freeze promises the same run: this is an eosim bug, and shrinking it would mislead.
        throw scenario::ScenarioError(fmt::format(
            "{}: seed {}: the frozen replay does not fail as the run does (\"{}\"){}; this is an eosim freeze bug",
            scenario.file, seed, result.failure, attempts.load_error.empty() ? "" : ": it does not load: " + attempts.load_error));
    }
    const auto note = [&](const std::string& line) {
        result.steps.push_back(line);
        if (progress) progress(line);
    };
    Json current = frozen.json;
    result.faults_before = current.contains("faults") ? current["faults"].size() : 0;
    std::vector<std::size_t> all(result.faults_before);
    for (std::size_t i = 0; i < all.size(); ++i) all[i] = i;
    const std::vector<std::size_t> kept = ddmin(all, [&](const std::vector<std::size_t>& subset) {
        return attempts.fails_with(with_faults(current, subset), result.subject);
    });
    current = with_faults(current, kept);
    note(fmt::format("faults: {} -> {} (ddmin, {} runs so far)", result.faults_before, kept.size(), attempts.runs));
    using Pass = void (*)(Json&, const std::string&, Attempts&, ShrinkResult&);
    for (const Pass pass : {Pass{weaken_faults}, Pass{shrink_detail::shrink_fault_targets}, Pass{shrink_detail::shrink_clients},
                            Pass{shrink_detail::shrink_cluster}, Pass{shrink_workload}, Pass{shrink_detail::shrink_run_length}}) {
        const std::size_t steps_before = result.steps.size();
        pass(current, result.subject, attempts, result);
        for (std::size_t i = steps_before; progress && i < result.steps.size(); ++i) progress(result.steps[i]);
    }
    if (progress) progress(fmt::format("weakened and shrunk: {} runs in all", attempts.runs));
    result.interrupted = attempts.interrupted();
    if (result.interrupted) return result;
    result.faults_after = current["faults"].size();
    result.runs = attempts.runs;
    const scenario::Scenario final_scenario = scenario::parse_scenario_json(current, scenario.file);
    EOSIM_ASSERT(final_scenario.expect.has_value());
    Json asserted = failure_expectation(final_scenario, result.subject);
    if (result.subject.rfind("events[", 0) == 0 && attempts.fails_with(current, result.subject)) {
        asserted = event_expectation(current, attempts.last_failure);
    }
    const bool inverted = !asserted.empty();
    if (inverted) current["expect"] = asserted;  // else the original block, which the run fails
    current.erase("expect_sweep");
    current["description"] = fmt::format(
        "Shrunk by eosim shrink from {} seed {} (whose run failed \"{}\") to {} of {} faults. {}",
        scenario.file, seed, result.failure, result.faults_after, result.faults_before,
        inverted ? "The expect block asserts the failure: `eosim run` meets it while the failure is there."
                 : "The expect block is the original one: `eosim run` fails it while the failure is there.");
    if (current.contains("name")) current["name"] = current["name"].get<std::string>() + "-shrunk";
    result.scenario = std::move(current);
    return result;
}

}  // namespace eosim::explore
