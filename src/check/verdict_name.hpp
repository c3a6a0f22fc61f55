#pragma once
// The verdicts a run reports: the checker's, then the liveness ones the runner adds. One list, in
// report order; their names are what scenario files and reports spell.
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

namespace eosim::check {

enum class VerdictName : std::uint8_t {
    at_most_once,
    at_least_once,
    exactly_once,
    ordering,
    aborted_read,
    uncommitted_read,
    atomicity,
    exactly_once_processing,
    processing_order,
    external_exactly_once,
    // Judged by the runner from the simulation's end state, not from the history.
    no_hanging_transactions,
    transactions_completed,
    quiesced,
};

std::string_view verdict_name(VerdictName verdict);
// Every verdict, in report order.
const std::vector<VerdictName>& all_verdicts();
std::optional<VerdictName> verdict_named(std::string_view name);
// How an expectation or a report says a verdict came out.
constexpr std::string_view holds_text(bool holds) { return holds ? "holds" : "violated"; }

}  // namespace eosim::check
