#include "report/figures_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace eosim::report {
namespace {

double ms_of(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

// Producers: send→ack and send→committed; groups: send→visible and end to end.
nlohmann::ordered_json flow_json(const check::FlowFigures& f, bool group) {
    nlohmann::ordered_json j;
    j["name"] = f.name;
    j["values"] = f.values;
    j["values_per_s"] = f.values_per_s;
    j["latency_ms"] = latency_json(f.latency);
    if (group) j["end_to_end_ms"] = latency_json(f.end_to_end);
    if (!group) j["committed_ms"] = latency_json(f.committed);
    return j;
}

bool same_summary(const check::LatencySummary& a, const check::LatencySummary& b) {
    return a.p50_us == b.p50_us && a.p99_us == b.p99_us && a.p999_us == b.p999_us && a.max_us == b.max_us;
}

void write_flow(std::ostream& out, std::string_view kind, const check::FlowFigures& f,
                const check::LatencySummary& latency) {
    fmt::print(out, "{:<9} {:<22} {:>8} {:>11.0f} {:>9.2f} {:>9.2f} {:>9.2f} {:>9.2f}\n", kind, f.name,
               f.values, f.values_per_s, ms_of(latency.p50_us), ms_of(latency.p99_us),
               ms_of(latency.p999_us), ms_of(latency.max_us));
}

}  // namespace

nlohmann::ordered_json latency_json(const check::LatencySummary& l) {
    return {{"samples", l.samples}, {"p50", ms_of(l.p50_us)}, {"p99", ms_of(l.p99_us)},
            {"p999", ms_of(l.p999_us)}, {"max", ms_of(l.max_us)}};
}

nlohmann::ordered_json figures_json(const check::Figures& figures) {
    nlohmann::ordered_json j;
    j["acknowledged"] = flow_json(figures.acknowledged, false);
    nlohmann::ordered_json producers = nlohmann::ordered_json::array();
    for (const auto& f : figures.producers) producers.push_back(flow_json(f, false));
    j["producers"] = producers;
    nlohmann::ordered_json groups = nlohmann::ordered_json::array();
    for (const auto& f : figures.groups) groups.push_back(flow_json(f, true));
    j["groups"] = groups;
    return j;
}

// One line per flow: send→ack (then send→committed where transactions make it later) for
// producers, send→visible then end to end for groups. Rates are per simulated second, from the
// history's first send.
void write_figures(std::ostream& out, const check::Figures& figures) {
    if (figures.acknowledged.values == 0 && figures.groups.empty()) return;
    fmt::print(out, "\n{:<9} {:<22} {:>8} {:>11} {:>9} {:>9} {:>9} {:>9}\n", "figures", "(ms, simulated)",
               "values", "values/s", "p50", "p99", "p999", "max");
    write_flow(out, "ack", figures.acknowledged, figures.acknowledged.latency);
    if (!same_summary(figures.acknowledged.committed, figures.acknowledged.latency)) {
        write_flow(out, "commit", figures.acknowledged, figures.acknowledged.committed);
    }
    if (figures.producers.size() > 1) {
        for (const auto& f : figures.producers) {
            write_flow(out, "  ack", f, f.latency);
            if (!same_summary(f.committed, f.latency)) write_flow(out, "  commit", f, f.committed);
        }
    }
    for (const auto& f : figures.groups) {
        write_flow(out, "visible", f, f.latency);
        if (f.end_to_end.p999_us != f.latency.p999_us || f.end_to_end.p50_us != f.latency.p50_us) {
            write_flow(out, "  e2e", f, f.end_to_end);
        }
    }
}

}  // namespace eosim::report
