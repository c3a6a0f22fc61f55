#include "report/compare_report.hpp"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ostream.h>

#include "base/assert.hpp"
#include "report/run_report.hpp"

namespace eosim::report {
namespace {

// The counts a comparison is about, in column order.
const std::vector<std::string>& compared_counts() {
    static const std::vector<std::string> names = {"failed",        "indeterminate",         "lost",
                                                   "duplicates",    "aborted_reads",         "processing_duplicates",
                                                   "processing_missing", "external_duplicates"};
    return names;
}

// Their column headers in the text formats (JSON uses the count names).
const std::vector<std::string>& count_headers() {
    static const std::vector<std::string> headers = {"failed", "indet.", "lost", "dup", "aborted", "proc dup", "proc miss",
                                                     "ext dup"};
    return headers;
}

struct Spread {
    double median = 0;
    double min = 0;
    double max = 0;
};

Spread spread_of(std::vector<double> values) {
    if (values.empty()) return {};
    std::sort(values.begin(), values.end());
    return {values[(values.size() - 1) / 2], values.front(), values.back()};
}

// One row summarised over its seeds (halted runs left out and counted).
struct RowSummary {
    std::map<std::string, std::uint64_t> counts;
    std::map<std::string, std::uint64_t> violated;  // verdict -> seeds where it was violated
    std::uint64_t runs = 0;
    std::uint64_t halted = 0;
    std::uint64_t unquiet = 0;  // runs that never went quiet before max_simulated_ms
    Spread throughput_per_s, p50_ms, p99_ms, p999_ms, committed_p99_ms, visible_p99_ms;
};

double ms(std::int64_t us) { return static_cast<double>(us) / 1000.0; }

// The slowest reader group's p99 send→visible of one run (0 without readers): the groups that
// read a pipeline's results, not its processors' input groups, unless there are only those.
double visible_p99_ms(const check::Figures& f) {
    std::int64_t worst = 0;
    std::int64_t worst_processor = 0;
    for (const auto& g : f.groups) {
        std::int64_t& slowest = g.processor ? worst_processor : worst;
        slowest = std::max(slowest, g.latency.p99_us);
    }
    return ms(worst > 0 ? worst : worst_processor);
}

RowSummary summarise(const explore::CompareRow& row) {
    RowSummary s;
    for (const std::string& name : compared_counts()) s.counts[name] = 0;
    std::vector<double> throughput, p50, p99, p999, committed, visible;
    for (const explore::CompareRun& run : row.runs) {
        if (!run.halt.empty()) {
            ++s.halted;
            continue;
        }
        ++s.runs;
        if (!run.quiesced) ++s.unquiet;
        for (const std::string& name : compared_counts()) s.counts[name] += run.counts.at(name);
        for (const auto& [name, holds] : run.verdicts) s.violated[name] += holds ? 0 : 1;
        throughput.push_back(run.figures.acknowledged.values_per_s);
        p50.push_back(ms(run.figures.acknowledged.latency.p50_us));
        p99.push_back(ms(run.figures.acknowledged.latency.p99_us));
        p999.push_back(ms(run.figures.acknowledged.latency.p999_us));
        committed.push_back(ms(run.figures.acknowledged.committed.p99_us));
        visible.push_back(visible_p99_ms(run.figures));
    }
    s.throughput_per_s = spread_of(throughput);
    s.p50_ms = spread_of(p50);
    s.p99_ms = spread_of(p99);
    s.p999_ms = spread_of(p999);
    s.committed_p99_ms = spread_of(committed);
    s.visible_p99_ms = spread_of(visible);
    return s;
}

double ratio(double value, double base) { return base > 0 ? value / base : 0; }

// In the tables: "-" where the first row has no figure to compare with (nothing acknowledged,
// no reader).
std::string ratio_text(double value, double base) { return base > 0 ? fmt::format("{:.2f}", value / base) : "-"; }

std::string violated_text(const RowSummary& s) {
    std::vector<std::string> parts;
    for (const auto& [name, seeds] : s.violated) {
        if (seeds > 0) parts.push_back(s.runs == 1 ? name : fmt::format("{} {}/{}", name, seeds, s.runs));
    }
    if (s.unquiet > 0) parts.push_back(fmt::format("not quiet {}/{}", s.unquiet, s.runs));
    if (s.halted > 0) parts.push_back(fmt::format("{} halted", s.halted));
    return parts.empty() ? "none" : fmt::format("{}", fmt::join(parts, ", "));
}

nlohmann::ordered_json spread_json(const Spread& s) { return {{"median", s.median}, {"min", s.min}, {"max", s.max}}; }

struct Cells {
    std::vector<std::string> header;
    std::vector<std::vector<std::string>> rows;
};

// The table every text format shows: counts, violated verdicts, figures and ratios to row one.
Cells cells_of(const explore::Comparison& c) {
    Cells cells;
    cells.header = {"preset"};
    for (const std::string& header : count_headers()) cells.header.push_back(header);
    for (const char* h : {"acked/s", "x", "ack p50 ms", "x", "ack p99 ms", "x", "commit p99 ms", "x", "visible p99 ms", "x", "violated"}) {
        cells.header.push_back(h);
    }
    const RowSummary base = c.rows.empty() ? RowSummary{} : summarise(c.rows.front());
    for (const explore::CompareRow& row : c.rows) {
        const RowSummary s = summarise(row);
        std::vector<std::string> line = {row.preset};
        for (const std::string& name : compared_counts()) line.push_back(std::to_string(s.counts.at(name)));
        line.push_back(fmt::format("{:.0f}", s.throughput_per_s.median));
        line.push_back(ratio_text(s.throughput_per_s.median, base.throughput_per_s.median));
        line.push_back(fmt::format("{:.2f}", s.p50_ms.median));
        line.push_back(ratio_text(s.p50_ms.median, base.p50_ms.median));
        line.push_back(fmt::format("{:.2f}", s.p99_ms.median));
        line.push_back(ratio_text(s.p99_ms.median, base.p99_ms.median));
        line.push_back(fmt::format("{:.2f}", s.committed_p99_ms.median));
        line.push_back(ratio_text(s.committed_p99_ms.median, base.committed_p99_ms.median));
        line.push_back(fmt::format("{:.2f}", s.visible_p99_ms.median));
        line.push_back(ratio_text(s.visible_p99_ms.median, base.visible_p99_ms.median));
        line.push_back(violated_text(s));
        cells.rows.push_back(std::move(line));
    }
    return cells;
}

void write_text(std::ostream& out, const explore::Comparison& c) {
    const Cells cells = cells_of(c);
    std::vector<std::size_t> width(cells.header.size());
    for (std::size_t i = 0; i < width.size(); ++i) {
        width[i] = cells.header[i].size();
        for (const auto& row : cells.rows) width[i] = std::max(width[i], row[i].size());
    }
    fmt::print(out, "compare    {}  (seeds {}..{}; counts summed over the seeds, violated = seeds where a verdict "
                    "failed, figures = medians over the seeds in simulated time, x = ratio to the first row)\n\n",
               c.scenario, c.first_seed, c.last_seed);
    const auto print_line = [&](const std::vector<std::string>& line) {
        for (std::size_t i = 0; i < line.size(); ++i) {
            if (i == 0 || i + 1 == line.size()) fmt::print(out, "{}{:<{}}", i == 0 ? "" : "  ", line[i], i + 1 == line.size() ? 0 : width[i]);
            else fmt::print(out, "  {:>{}}", line[i], width[i]);
        }
        fmt::print(out, "\n");
    };
    print_line(cells.header);
    for (const auto& row : cells.rows) print_line(row);
    fmt::print(out, "\n");
    for (const explore::CompareRow& row : c.rows) fmt::print(out, "{:<30} {}\n", row.preset, row.description);
    fmt::print(out, "\nacked/s: values acknowledged per simulated second (transactional ones once committed); ack: "
                    "send -> the produce request's acknowledgement (the send callback); commit: send -> committed "
                    "(its transaction's commit; the ack without transactions); visible p99: send -> first "
                    "delivery, slowest reader group (processors' input groups only without other readers).\n");
    std::vector<std::string> charged;
    if (c.request_costs) charged.push_back("request handling (cluster.cost: handler queues, time per request, byte and batch)");
    if (c.bandwidth_limited) charged.push_back("link bandwidth (transmission)");
    if (c.send_costs) charged.push_back("the producer applications' send() time (cost.producer_send_ns)");
    if (c.request_costs) {
        fmt::print(out, "Charged: {}; fsync, compression and consumer CPU cost nothing.\n", fmt::join(charged, "; "));
    } else {
        fmt::print(out, "The scenario sets no cluster.cost: brokers handle requests in zero time, so the cost "
                        "shown comes from network round trips, timeouts and waits{}.\n",
                   charged.empty() ? std::string() : fmt::format(", and {}", fmt::join(charged, "; ")));
    }
    fmt::print(out, "failed / indet.: sends that definitely failed / whose outcome is unknown. not quiet N/M: N of the "
                    "runs stopped at run.max_simulated_ms before going quiet; their lost values may still be on "
                    "the way.\n");
}

std::string csv_field(const std::string& text) {
    if (text.find_first_of(",\"\n") == std::string::npos) return text;
    std::string quoted = "\"";
    for (const char ch : text) quoted += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return quoted + "\"";
}

// A '|' would end the cell early: GitHub's tables take it escaped.
std::string markdown_cell(const std::string& text) {
    std::string out;
    for (const char ch : text) out += ch == '|' ? std::string("\\|") : std::string(1, ch);
    return out;
}

void write_delimited(std::ostream& out, const explore::Comparison& c, bool markdown) {
    const Cells cells = cells_of(c);
    const auto print_line = [&](const std::vector<std::string>& line) {
        std::vector<std::string> fields;
        for (const std::string& f : line) fields.push_back(markdown ? markdown_cell(f) : csv_field(f));
        if (markdown) fmt::print(out, "| {} |\n", fmt::join(fields, " | "));
        else fmt::print(out, "{}\n", fmt::join(fields, ","));
    };
    print_line(cells.header);
    if (markdown) print_line(std::vector<std::string>(cells.header.size(), "---"));
    for (const auto& row : cells.rows) print_line(row);
}

}  // namespace

nlohmann::ordered_json comparison_json(const explore::Comparison& c) {
    nlohmann::ordered_json j;
    j["scenario"] = c.scenario;
    j["seeds"] = {{"first", c.first_seed}, {"last", c.last_seed}};
    j["interrupted"] = c.interrupted;
    j["costs_modelled"] = c.costs_modelled;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    const RowSummary base = c.rows.empty() ? RowSummary{} : summarise(c.rows.front());
    for (const explore::CompareRow& row : c.rows) {
        const RowSummary s = summarise(row);
        nlohmann::ordered_json r;
        r["preset"] = row.preset;
        r["description"] = row.description;
        r["counts"] = s.counts;
        nlohmann::ordered_json verdicts;
        for (const auto& [name, seeds] : s.violated) verdicts[name] = {{"holds", seeds == 0}, {"violated_seeds", seeds}};
        r["verdicts"] = verdicts;
        r["runs"] = s.runs;
        r["halted_runs"] = s.halted;
        r["unquiesced_runs"] = s.unquiet;
        r["throughput_per_s"] = s.throughput_per_s.median;
        r["latency_ms"] = {{"p50", s.p50_ms.median}, {"p99", s.p99_ms.median}, {"p999", s.p999_ms.median}};
        r["committed_latency_ms"] = {{"p99", s.committed_p99_ms.median}};
        r["visible_latency_ms"] = {{"p99", s.visible_p99_ms.median}};
        r["spread"] = {{"throughput_per_s", spread_json(s.throughput_per_s)}, {"latency_p99_ms", spread_json(s.p99_ms)},
                       {"committed_latency_p99_ms", spread_json(s.committed_p99_ms)},
                       {"visible_latency_p99_ms", spread_json(s.visible_p99_ms)}};
        r["ratio_to_first"] = {{"throughput", ratio(s.throughput_per_s.median, base.throughput_per_s.median)},
                               {"latency_p50", ratio(s.p50_ms.median, base.p50_ms.median)},
                               {"latency_p99", ratio(s.p99_ms.median, base.p99_ms.median)}};
        nlohmann::ordered_json seeds = nlohmann::ordered_json::array();
        for (const explore::CompareRun& run : row.runs) {
            nlohmann::ordered_json one = {{"seed", run.seed}, {"trace_hash", hex64(run.trace_hash)}};
            if (!run.halt.empty()) one["halt"] = run.halt;
            else one["counts"] = run.counts;
            seeds.push_back(one);
        }
        r["seeds"] = seeds;
        rows.push_back(r);
    }
    j["rows"] = rows;
    return j;
}

void write_comparison(std::ostream& out, const explore::Comparison& c, const std::string& format) {
    if (format == "json") {
        out << comparison_json(c).dump(2) << '\n';
    } else if (format == "csv" || format == "markdown") {
        write_delimited(out, c, format == "markdown");
    } else {
        EOSIM_ASSERT(format == "table");
        write_text(out, c);
    }
}

namespace {

// A gnuplot single-quoted string: a quote inside is doubled.
std::string gnuplot_quoted(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("''") : std::string(1, c);
    return out + "'";
}

}  // namespace

void write_comparison_plot_script(std::ostream& data, std::ostream& script, const explore::Comparison& c,
                                  const std::string& dir) {
    fmt::print(data, "# row preset acked_per_s ack_p50_ms ack_p99_ms ack_p999_ms commit_p99_ms visible_p99_ms "
                     "(medians over seeds {}..{})\n",
               c.first_seed, c.last_seed);
    for (std::size_t i = 0; i < c.rows.size(); ++i) {
        const RowSummary s = summarise(c.rows[i]);
        std::string label = c.rows[i].preset;  // a data file's quoted string cannot hold a '"'
        std::replace(label.begin(), label.end(), '"', '\'');
        fmt::print(data, "{} \"{}\" {:.1f} {:.3f} {:.3f} {:.3f} {:.3f} {:.3f}\n", i, label, s.throughput_per_s.median,
                   s.p50_ms.median, s.p99_ms.median, s.p999_ms.median, s.committed_p99_ms.median,
                   s.visible_p99_ms.median);
    }
    const std::string data_path = gnuplot_quoted(dir + "/compare.dat");
    const std::string seeds = "medians over seeds " + std::to_string(c.first_seed) + ".." + std::to_string(c.last_seed);
    fmt::print(script,
               "set terminal svg size 900,480 dynamic\n"
               "set style data histograms\nset style fill solid 0.8 border -1\nset boxwidth 0.8\n"
               "set xtics rotate by -25 noenhanced\nset grid ytics\nset key noenhanced top right\n"
               "set output {}\nset title {} noenhanced\nset ylabel 'values acknowledged / simulated s'\n"
               "set yrange [0:*]\nplot {} using 3:xtic(2) title 'acked/s'\n"
               "set output {}\nset title {} noenhanced\nset ylabel 'latency, simulated ms'\n"
               "set yrange [*:*]\nset logscale y\n"
               "plot {} using 4:xtic(2) title 'ack p50', '' using 5 title 'ack p99', '' using 6 title 'ack p999', "
               "'' using 7 title 'commit p99', '' using 8 title 'visible p99'\n",
               gnuplot_quoted(dir + "/throughput.svg"),
               gnuplot_quoted(c.scenario + ": throughput per preset (" + seeds + ")"), data_path,
               gnuplot_quoted(dir + "/latency.svg"), gnuplot_quoted(c.scenario + ": latency per preset (" + seeds + ")"),
               data_path);
}

}  // namespace eosim::report
