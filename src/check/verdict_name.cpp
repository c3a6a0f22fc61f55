#include "check/verdict_name.hpp"

#include "base/assert.hpp"

namespace eosim::check {

std::string_view verdict_name(VerdictName verdict) {
    switch (verdict) {
        case VerdictName::at_most_once: return "at_most_once";
        case VerdictName::at_least_once: return "at_least_once";
        case VerdictName::exactly_once: return "exactly_once";
        case VerdictName::ordering: return "ordering";
        case VerdictName::aborted_read: return "aborted_read";
        case VerdictName::uncommitted_read: return "uncommitted_read";
        case VerdictName::atomicity: return "atomicity";
        case VerdictName::exactly_once_processing: return "exactly_once_processing";
        case VerdictName::processing_order: return "processing_order";
        case VerdictName::external_exactly_once: return "external_exactly_once";
        case VerdictName::no_hanging_transactions: return "no_hanging_transactions";
        case VerdictName::transactions_completed: return "transactions_completed";
        case VerdictName::quiesced: return "quiesced";
    }
    EOSIM_UNREACHABLE("unknown verdict");
}

const std::vector<VerdictName>& all_verdicts() {
    static const std::vector<VerdictName> verdicts = [] {
        std::vector<VerdictName> all;
        for (auto v = static_cast<std::uint8_t>(VerdictName::at_most_once);
             v <= static_cast<std::uint8_t>(VerdictName::quiesced); ++v) {
            all.push_back(static_cast<VerdictName>(v));
        }
        return all;
    }();
    return verdicts;
}

std::optional<VerdictName> verdict_named(std::string_view name) {
    for (const VerdictName verdict : all_verdicts()) {
        if (verdict_name(verdict) == name) return verdict;
    }
    return std::nullopt;
}

}  // namespace eosim::check
