// `eosim explain`'s two renderings: a narrative and a Mermaid sequence diagram.
#include <fmt/format.h>

#include "report/value_explanation.hpp"

namespace eosim::report {

void write_explanation_text(std::ostream& out, const ValueExplanation& x, const TraceHeader& header) {
    out << fmt::format("eosim explain {} seed {} (trace_hash {:016x}): value {}\n", header.scenario, header.seed,
                       header.trace_hash, x.value);
    out << fmt::format("sent by {} to {}", x.producer, x.partition);
    if (x.source) out << fmt::format("; derived from input value {} (explain it with --value {})", *x.source, *x.source);
    if (!x.outputs.empty()) {
        std::string list;
        for (const std::uint64_t v : x.outputs) list += (list.empty() ? "" : ", ") + std::to_string(v);
        out << fmt::format("; outputs derived from it: {}", list);
    }
    out << "\n\n";
    for (const ExplainStep& step : x.steps) {
        out << fmt::format("  {:>12} ms  {}\n", sim::format_time_ms(step.time_us), step.text);
    }
    out << "\nwhat it shows\n";
    for (const std::string& line : x.conclusions) out << "  - " << line << '\n';
    if (!x.verdict_lines.empty()) {
        out << "\nthe checker's witnesses naming it\n";
        for (const std::string& line : x.verdict_lines) out << "  - " << line << '\n';
    }
    if (x.faults_elsewhere > 0) {
        out << fmt::format("\n({} {} of the run touched none of its nodes, or came before or after it: left out)\n",
                           x.faults_elsewhere, x.faults_elsewhere == 1 ? "fault" : "faults");
    }
}

void write_explanation_mermaid(std::ostream& out, const ValueExplanation& x, const TraceHeader& header) {
    out << fmt::format("%% eosim explain: value {} sent by {} to {}\n", x.value, x.producer, x.partition);
    write_trace_mermaid(out, x.diagram, header);
}

}  // namespace eosim::report
