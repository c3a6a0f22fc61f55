#include "report/run_report.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "report/figures_report.hpp"

namespace eosim::report {
namespace {

constexpr std::size_t kWitnessesInTable = 3;

nlohmann::ordered_json counts_json(const check::Counts& c) {
    nlohmann::ordered_json j;
    for (const std::string& name : scenario::count_names()) j[name] = scenario::count_by_name(c, name);
    return j;
}

}  // namespace

std::string hex64(std::uint64_t value) { return fmt::format("{:016x}", value); }

nlohmann::ordered_json to_json(const scenario::RunOutcome& o) {
    nlohmann::ordered_json j;
    j["scenario"] = o.scenario;
    j["file"] = o.file;
    j["seed"] = o.seed;
    j["trace_hash"] = hex64(o.trace_hash);
    j["verdicts"] = verdicts_json(o.check);
    j["anomalies"] = anomalies_json(o.anomalies);
    j["counts"] = counts_json(o.check.counts);
    j["figures"] = figures_json(o.figures);
    j["metrics"] = {{"events", o.metrics.events},
                    {"simulated_ms", o.simulated_us / 1000},
                    {"messages_sent", o.metrics.messages_sent},
                    {"messages_delivered", o.metrics.messages_delivered},
                    {"messages_dropped", o.metrics.messages_dropped},
                    {"trace_records", o.trace_records},
                    {"history_operations", o.history_operations},
                    {"quiesced", o.quiesced}};
    nlohmann::ordered_json faults = nlohmann::ordered_json::array();
    for (const auto& f : o.faults) {
        faults.push_back({{"description", f.description}, {"at_ms", f.at_us / 1000},
                          {"started", f.started}, {"ended", f.ended}});
    }
    j["faults"] = faults;
    j["knockouts"] = o.knockouts;
    j["config_notes"] = o.config_notes;
    j["swarm"] = o.swarm;
    nlohmann::ordered_json drawn = nlohmann::ordered_json::object();
    for (const auto& d : o.swarm_drawn) drawn[d.path] = d.value;
    j["swarm_drawn"] = drawn;
    if (o.replication.enabled) {
        j["replication"] = {{"elections", o.replication.elections},
                            {"unclean_elections", o.replication.unclean_elections},
                            {"offline", o.replication.offline}};
    }
    nlohmann::ordered_json events = nlohmann::ordered_json::array();
    for (const auto& e : o.events) events.push_back({{"match", e.match}, {"count", e.count}});
    j["events"] = events;
    j["expectations"] = {{"present", o.has_expectations},
                         {"met", o.expectations_met()},
                         {"failures", o.expectation_failures}};
    return j;
}

nlohmann::ordered_json verdicts_json(const check::CheckResult& result) {
    nlohmann::ordered_json verdicts;
    for (const check::VerdictName verdict : check::all_verdicts()) {
        const auto found = result.verdicts.find(verdict);
        if (found == result.verdicts.end()) continue;  // e.g. liveness, for recorded histories
        const check::Verdict& v = found->second;
        verdicts[std::string(check::verdict_name(verdict))] = {
            {"holds", v.holds}, {"violations", v.violations}, {"witnesses", v.witnesses}};
    }
    return verdicts;
}

nlohmann::ordered_json anomalies_json(const check::Anomalies& anomalies) {
    nlohmann::ordered_json j;
    for (const auto& [name, v] : anomalies.found) {
        j[name] = {{"found", !v.holds}, {"allowed", anomalies.allowed.count(name) > 0},
                   {"count", v.violations}, {"witnesses", v.witnesses}};
    }
    return j;
}

void write_checks(std::ostream& out, const check::CheckResult& result, const check::Anomalies& anomalies) {
    const check::Counts& c = result.counts;
    fmt::print(out, "\n{:>8} {:>8} {:>8} {:>8} {:>9} {:>10} {:>8} {:>10}\n", "sent", "acked",
               "failed", "indet.", "delivered", "duplicates", "lost", "unexpected");
    fmt::print(out, "{:>8} {:>8} {:>8} {:>8} {:>9} {:>10} {:>8} {:>10}\n", c.sent, c.acknowledged,
               c.failed, c.indeterminate, c.delivered, c.duplicates, c.lost, c.unexpected);
    if (c.transactions_committed + c.transactions_aborted > 0 || c.processed_inputs > 0 || c.aborted_reads > 0) {
        fmt::print(out, "transactions {} committed, {} aborted; {} aborted reads, {} torn\n",
                   c.transactions_committed, c.transactions_aborted, c.aborted_reads, c.torn_transactions);
    }
    if (c.processed_inputs > 0) {
        fmt::print(out, "pipeline     {} inputs: {} duplicated, {} missing; external effects {} ({} duplicated, "
                        "{} missing)\n",
                   c.processed_inputs, c.processing_duplicates, c.processing_missing, c.external_effects,
                   c.external_duplicates, c.external_missing);
    }
    fmt::print(out, "\n");
    for (const auto& [verdict, v] : result.verdicts) {  // in report order
        fmt::print(out, "{:<24} {}", check::verdict_name(verdict), v.holds ? "HOLDS" : "VIOLATED");
        if (!v.holds) fmt::print(out, "  ({} violations)", v.violations);
        fmt::print(out, "\n");
        const std::size_t shown = std::min(v.witnesses.size(), kWitnessesInTable);
        for (std::size_t i = 0; i < shown; ++i) fmt::print(out, "    - {}\n", v.witnesses[i]);
        if (v.witnesses.size() > shown) {
            fmt::print(out, "    ... {} more (see --format json)\n", v.violations - shown);
        }
    }
    std::vector<std::string> found;
    for (const auto& [name, v] : anomalies.found) {
        if (!v.holds) found.push_back(fmt::format("{} ({}{})", name, v.violations, anomalies.allowed.count(name) ? ", allowed" : ""));
    }
    fmt::print(out, "{:<24} {}\n", "jepsen anomalies", found.empty() ? "none" : fmt::format("{}", fmt::join(found, ", ")));
    for (const auto& [name, v] : anomalies.found) {
        if (v.holds || v.witnesses.empty()) continue;
        fmt::print(out, "    - {}: {}\n", name, v.witnesses.front());
    }
}

void write_table(std::ostream& out, const scenario::RunOutcome& o) {
    fmt::print(out, "scenario   {}  (seed {}, trace_hash {})\n", o.scenario, o.seed, hex64(o.trace_hash));
    fmt::print(out, "simulated  {} ms, {} events{}\n", o.simulated_us / 1000, o.metrics.events,
               o.quiesced ? "" : "  [stopped at max_simulated_ms before quiescence]");
    for (const auto& f : o.faults) {
        fmt::print(out, "fault      {}{}\n", f.description, f.started ? "" : "  [never fired]");
    }
    if (o.faults.empty()) fmt::print(out, "fault      none\n");
    for (const auto& k : o.knockouts) fmt::print(out, "knockout   {} disabled\n", k);
    for (const auto& n : o.config_notes) fmt::print(out, "config     {}\n", n);
    for (const auto& drawn : o.swarm) fmt::print(out, "swarm      {}\n", drawn);
    if (o.replication.enabled) {
        fmt::print(out, "replicas   {} leader election(s), {} unclean\n", o.replication.elections,
                   o.replication.unclean_elections);
        for (const auto& w : o.replication.offline) fmt::print(out, "unavail.   {}\n", w);
    }
    write_checks(out, o.check, o.anomalies);
    write_figures(out, o.figures);
    if (!o.events.empty()) fmt::print(out, "\ntrace events\n");
    for (const auto& e : o.events) fmt::print(out, "    {:>6}  {}\n", e.count, e.match);
    if (!o.has_expectations) {
        fmt::print(out, "\nexpectations: none\n");
    } else if (o.expectations_met()) {
        fmt::print(out, "\nexpectations: met\n");
    } else {
        fmt::print(out, "\nexpectations: NOT MET\n");
        for (const auto& f : o.expectation_failures) fmt::print(out, "    - {}\n", f);
    }
}

}  // namespace eosim::report
