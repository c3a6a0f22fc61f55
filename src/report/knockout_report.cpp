#include "report/knockout_report.hpp"

#include <fmt/format.h>
#include <fmt/ostream.h>

namespace eosim::report {
namespace {

std::string caught_text(const explore::KnockoutRow& row) {
    if (!row.first_failing_seed) return fmt::format("not caught in {} seeds", row.seeds_tried);
    return fmt::format("seed {} (after {})", *row.first_failing_seed, row.seeds_tried);
}

std::string witness_text(const explore::KnockoutRow& row) {
    if (!row.shrink_error.empty()) return "shrink failed";
    if (!row.shrunk) return "-";
    return fmt::format("{} -> {} faults", row.faults_before, row.faults_after);
}

}  // namespace

void print_knockout_table(std::ostream& out, const explore::KnockoutMatrix& matrix) {
    fmt::print(out, "knock-out matrix: {} seeds {}..{}\n", matrix.scenario, matrix.first_seed, matrix.last_seed);
    if (!matrix.baseline_clean) {
        fmt::print(out, "warning: with every mechanism on, seed {} already fails: a row below may not be the "
                        "knock-out's doing\n", *matrix.baseline_failing_seed);
    }
    fmt::print(out, "\n{:<26} {:<24} {:<16} {}\n", "knocked out", "caught", "witness", "first failure");
    for (const explore::KnockoutRow& row : matrix.rows) {
        fmt::print(out, "{:<26} {:<24} {:<16} {}\n", row.mechanism.knockout, caught_text(row), witness_text(row),
                   row.first_failing_seed ? row.failure : "-");
    }
    for (const explore::KnockoutRow& row : matrix.rows) {
        if (!row.shrink_error.empty()) fmt::print(out, "{}: no witness: {}\n", row.mechanism.knockout, row.shrink_error);
    }
    std::size_t caught = 0;
    for (const explore::KnockoutRow& row : matrix.rows) caught += row.first_failing_seed ? 1 : 0;
    fmt::print(out, "\n{} of {} mechanisms caught{}\n", caught, matrix.rows.size(), matrix.interrupted ? " (interrupted)" : "");
}

nlohmann::ordered_json knockout_json(const explore::KnockoutMatrix& matrix) {
    nlohmann::ordered_json j;
    j["scenario"] = matrix.scenario;
    j["first_seed"] = matrix.first_seed;
    j["last_seed"] = matrix.last_seed;
    j["baseline_clean"] = matrix.baseline_clean;
    j["all_caught"] = matrix.all_caught();
    j["interrupted"] = matrix.interrupted;
    nlohmann::ordered_json rows = nlohmann::ordered_json::array();
    for (const explore::KnockoutRow& row : matrix.rows) {
        nlohmann::ordered_json r;
        r["knockout"] = row.mechanism.knockout;
        r["mechanism"] = row.mechanism.description;
        r["seeds_tried"] = row.seeds_tried;
        r["first_failing_seed"] = row.first_failing_seed ? nlohmann::ordered_json(*row.first_failing_seed) : nlohmann::ordered_json();
        r["failure"] = row.first_failing_seed ? nlohmann::ordered_json(row.failure) : nlohmann::ordered_json();
        if (!row.shrink_error.empty()) r["shrink_error"] = row.shrink_error;
        if (row.shrunk) {
            r["witness_faults_before"] = row.faults_before;
            r["witness_faults_after"] = row.faults_after;
            r["witness"] = row.witness;
        }
        rows.push_back(std::move(r));
    }
    j["rows"] = std::move(rows);
    return j;
}

}  // namespace eosim::report
