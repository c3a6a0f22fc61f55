#include "report/determinism_check.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

#include <sstream>

#include "report/run_report.hpp"

namespace eosim::report {

DeterminismCheck check_determinism(const scenario::Scenario& scenario, const scenario::RunOptions& options) {
    // Each run's full text trace is kept to find the first differing record; the requested
    // trace file, if any, gets the first run's copy afterwards.
    std::ostringstream first_text;
    std::ostringstream second_text;
    scenario::RunOptions first_options = options;
    first_options.trace_text = &first_text;
    scenario::RunOptions second_options{options.seed, &second_text, nullptr, options.interrupt};
    DeterminismCheck out;
    out.first = scenario::run_scenario(scenario, first_options);
    out.second_trace_hash = scenario::run_scenario(scenario, second_options).trace_hash;
    out.records = out.first.trace_records;
    const std::string first_trace = first_text.str();
    out.difference = sim::first_trace_difference(first_trace, second_text.str());
    if (options.trace_text != nullptr) *options.trace_text << first_trace;
    return out;
}

void write_determinism(std::ostream& out, const DeterminismCheck& check) {
    if (check.deterministic()) {
        fmt::print(out, "determinism: {} trace records identical in both runs (trace_hash {})\n",
                   check.records, hex64(check.first.trace_hash));
        return;
    }
    fmt::print(out, "determinism: FAILED, seed {} gave two different traces (trace_hash {} and {})\n",
               check.first.seed, hex64(check.first.trace_hash), hex64(check.second_trace_hash));
    if (!check.difference) {
        fmt::print(out, "  the text traces are identical: a field is hashed but not written\n");
        return;
    }
    const sim::TraceDifference& d = *check.difference;
    fmt::print(out, "  first difference at record {} (simulated time {} ms):\n", d.index, d.time_ms);
    fmt::print(out, "    run 1: {}\n", d.first.empty() ? "(trace ended)" : d.first);
    fmt::print(out, "    run 2: {}\n", d.second.empty() ? "(trace ended)" : d.second);
}

nlohmann::ordered_json determinism_json(const DeterminismCheck& check) {
    nlohmann::ordered_json j;
    j["deterministic"] = check.deterministic();
    j["records"] = check.records;
    j["trace_hashes"] = {hex64(check.first.trace_hash), hex64(check.second_trace_hash)};
    if (check.difference) {
        const sim::TraceDifference& d = *check.difference;
        j["first_difference"] = {{"index", d.index}, {"time_ms", d.time_ms}, {"run_1", d.first},
                                 {"run_2", d.second}};
    }
    return j;
}

}  // namespace eosim::report
