#include "report/sweep_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "report/run_report.hpp"

namespace eosim::report {

nlohmann::ordered_json to_json(const explore::SweepSummary& s) {
    nlohmann::ordered_json j;
    j["scenario"] = s.scenario;
    j["seeds"] = {{"first", s.first_seed}, {"last", s.last_seed}};
    j["verdict_held"] = s.verdict_held;
    j["failing_seeds"] = s.failing_seeds;
    j["distinct_trace_hashes"] = s.distinct_trace_hashes;
    nlohmann::ordered_json runs = nlohmann::ordered_json::array();
    for (const auto& r : s.seeds) {
        runs.push_back({{"seed", r.seed},
                        {"trace_hash", hex64(r.trace_hash)},
                        {"expectations_met", r.expectations_met},
                        {"verdicts", r.verdicts},
                        {"duplicates", r.counts.duplicates},
                        {"lost", r.counts.lost},
                        {"events", r.events}});
    }
    j["runs"] = runs;
    return j;
}

void write_table(std::ostream& out, const explore::SweepSummary& s) {
    const std::uint64_t total = s.last_seed - s.first_seed + 1;
    fmt::print(out, "scenario {}  seeds {}..{}  ({} runs, {} distinct trace hashes)\n", s.scenario,
               s.first_seed, s.last_seed, total, s.distinct_trace_hashes);
    std::uint64_t duplicates = 0;
    std::uint64_t lost = 0;
    for (const auto& r : s.seeds) {
        duplicates += r.counts.duplicates;
        lost += r.counts.lost;
    }
    for (const auto& [name, held] : s.verdict_held) {
        fmt::print(out, "  {:<14} held in {:>5} / {} seeds\n", name, held, total);
    }
    fmt::print(out, "  duplicates total {}, lost total {}\n", duplicates, lost);
    if (s.failing_seeds.empty()) {
        fmt::print(out, "expectations met for every seed\n");
        return;
    }
    fmt::print(out, "expectations NOT met for {} seed(s):\n", s.failing_seeds.size());
    for (const auto& r : s.seeds) {
        if (r.expectations_met) continue;
        fmt::print(out, "  seed {}: {}\n", r.seed, fmt::join(r.expectation_failures, "; "));
    }
}

}  // namespace eosim::report
