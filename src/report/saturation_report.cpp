#include "report/saturation_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>
#include <nlohmann/json.hpp>

namespace eosim::report {
namespace {

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

void write_json(std::ostream& out, const explore::SaturationSearch& search) {
    nlohmann::json steps = nlohmann::json::array();
    for (const explore::SaturationStep& s : search.steps) {
        steps.push_back({{"load_factor", s.load_factor}, {"offered_per_s", s.offered_per_s},
                         {"acked_per_s", s.acked_per_s}, {"latency_ms", {{"p50", ms(s.p50_us)}, {"p99", ms(s.p99_us)}}},
                         {"kept_up", s.kept_up}, {"halted", s.halted}});
    }
    const nlohmann::json j{{"scenario", search.scenario}, {"seed", search.seed},
                           {"latency_factor", search.latency_factor}, {"saturation_per_s", search.saturation_per_s},
                           {"offer_capped", search.offer_capped}, {"interrupted", search.interrupted}, {"steps", steps}};
    out << j.dump(2) << '\n';
}

}  // namespace

void write_saturation(std::ostream& out, const explore::SaturationSearch& search, const std::string& format) {
    if (format == "json") return write_json(out, search);
    fmt::print(out, "saturate   {}  (seed {}; a step keeps up when acked >= 90% of offered and p99 <= {}x the first step's)\n\n",
               search.scenario, search.seed, search.latency_factor);
    fmt::print(out, "{:>8}  {:>12}  {:>12}  {:>10}  {:>10}  {}\n", "load", "offered/s", "acked/s", "p50 ms", "p99 ms", "kept up");
    for (const explore::SaturationStep& s : search.steps) {
        fmt::print(out, "{:>7.2f}x  {:>12.0f}  {:>12.0f}  {:>10.2f}  {:>10.2f}  {}\n", s.load_factor, s.offered_per_s,
                   s.acked_per_s, ms(s.p50_us), ms(s.p99_us), s.halted ? "halted" : (s.kept_up ? "yes" : "no"));
    }
    if (search.saturation_per_s > 0) {
        fmt::print(out, "\nsaturation throughput: {:.0f} values/s acknowledged (simulated time)\n", search.saturation_per_s);
    } else {
        fmt::print(out, "\nsaturation throughput: none: the scenario's own rate is already not kept up\n");
    }
    if (search.offer_capped) {
        fmt::print(out, "the producers could offer no more (1 us intervals or their send() time, cluster.cost.producer_send_ns) "
                        "and the cluster still kept up: this is the producers' limit, not the cluster's\n");
    }
    if (search.interrupted) fmt::print(out, "interrupted: the search stopped early\n");
}

}  // namespace eosim::report
