#include "report/sweep_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <set>

#include "report/run_report.hpp"

namespace eosim::report {
namespace {

std::string tally_text(const explore::SweepTally& t, std::uint64_t total) {
    return fmt::format("{} on {} / {} seeds (required {}: at least {} seeds and {}%)", t.expectation.text(), t.seeds,
                       total, t.required, t.expectation.min_seeds, t.expectation.min_percent);
}

}  // namespace

nlohmann::ordered_json to_json(const explore::SweepSummary& s, bool all_runs) {
    nlohmann::ordered_json j;
    j["scenario"] = s.scenario;
    j["seeds"] = {{"first", s.first_seed}, {"last", s.last_seed}};
    j["all_met"] = s.all_met();
    j["has_expectations"] = s.has_expectations;
    j["verdict_held"] = s.verdict_held;
    j["count_positive"] = s.count_positive;
    j["anomaly_found"] = s.anomaly_found;
    j["failing_seeds"] = s.failing_seeds;
    j["halted_seeds"] = s.halted_seeds;
    j["distinct_trace_hashes"] = s.distinct_trace_hashes;
    j["duplicates_total"] = s.duplicates_total;
    j["lost_total"] = s.lost_total;
    nlohmann::ordered_json tallies = nlohmann::ordered_json::array();
    for (const auto& t : s.sweep_expectations) {
        tallies.push_back({{"expectation", t.expectation.text()}, {"seeds", t.seeds}, {"required", t.required},
                           {"min_seeds", t.expectation.min_seeds}, {"min_percent", t.expectation.min_percent},
                           {"met", t.met()}});
    }
    j["expect_sweep"] = tallies;
    j["swarm_tally"] = s.swarm_tally;
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto& r : s.seeds) {
        if (!all_runs && r.expectations_met) continue;
        nlohmann::ordered_json run{{"seed", r.seed},
                                   {"trace_hash", hex64(r.trace_hash)},
                                   {"expectations_met", r.expectations_met},
                                   {"verdicts", r.verdicts},
                                   {"duplicates", r.counts.duplicates},
                                   {"lost", r.counts.lost},
                                   {"events", r.events}};
        if (!r.expectations_met) {
            run["failures"] = r.expectation_failures;
            if (!r.halt.empty()) run["halt"] = r.halt;
            run["swarm_drawn"] = r.swarm;
        }
        runs.push_back(std::move(run));
    }
    j["runs"] = runs;
    return j;
}

nlohmann::ordered_json shard_json(const explore::SweepSummary& s, bool all_runs, const scenario::Shard& shard,
                                  const scenario::SeedRange& whole) {
    nlohmann::ordered_json j = to_json(s, all_runs);
    j["shard"] = {{"index", shard.index}, {"count", shard.count}, {"seeds", {{"first", whole.first}, {"last", whole.last}}}};
    std::set<std::uint64_t> hashes;
    for (const auto& r : s.seeds) hashes.insert(r.trace_hash);
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (const std::uint64_t hash : hashes) list.push_back(hex64(hash));
    j["trace_hashes"] = std::move(list);
    return j;
}

void write_table(std::ostream& out, const explore::SweepSummary& s) {
    const std::uint64_t total = s.last_seed - s.first_seed + 1;
    fmt::print(out, "scenario {}  seeds {}..{}  ({} runs, {} distinct trace hashes)\n", s.scenario,
               s.first_seed, s.last_seed, total, s.distinct_trace_hashes);
    for (const auto& [name, held] : s.verdict_held) {
        fmt::print(out, "  {:<14} held in {:>5} / {} seeds\n", name, held, total);
    }
    fmt::print(out, "  duplicates total {}, lost total {}\n", s.duplicates_total, s.lost_total);
    std::vector<std::string> positive;
    for (const auto& [name, seeds] : s.count_positive) {
        if (seeds > 0) positive.push_back(fmt::format("{} {}", name, seeds));
    }
    if (!positive.empty()) fmt::print(out, "  seeds with a count > 0: {}\n", fmt::join(positive, ", "));
    std::vector<std::string> anomalies;
    for (const auto& [name, seeds] : s.anomaly_found) anomalies.push_back(fmt::format("{} {}", name, seeds));
    if (!anomalies.empty()) fmt::print(out, "  seeds with a Jepsen anomaly: {}\n", fmt::join(anomalies, ", "));
    for (const auto& t : s.sweep_expectations) {
        fmt::print(out, "  sweep: {}: {}\n", tally_text(t, total), t.met() ? "met" : "NOT MET");
    }
    if (!s.has_expectations && s.halted_seeds.empty()) {
        fmt::print(out, "no expectations (the scenario has no expect block): every seed ran, nothing was judged\n");
    } else if (s.failing_seeds.empty()) {
        fmt::print(out, "expectations met for every seed\n");
    } else {
        fmt::print(out, "expectations NOT met for {} seed(s):\n", s.failing_seeds.size());
        for (const auto& r : s.seeds) {
            if (r.expectations_met) continue;
            fmt::print(out, "  seed {}: {}\n", r.seed, fmt::join(r.expectation_failures, "; "));
            if (!r.swarm.empty()) fmt::print(out, "    drawn: {}\n", fmt::join(r.swarm, ", "));
        }
    }
    if (!s.halted_seeds.empty()) {
        fmt::print(out, "{} seed(s) stopped at a run-time limit: {}\n", s.halted_seeds.size(), fmt::join(s.halted_seeds, ", "));
    }
    bool sweep_met = true;
    for (const auto& t : s.sweep_expectations) sweep_met = sweep_met && t.met();
    if (!sweep_met) fmt::print(out, "sweep expectations NOT met\n");
}

}  // namespace eosim::report
