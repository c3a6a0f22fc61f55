#include "sim/trace_match.hpp"

#include <fmt/format.h>

namespace eosim::sim {
namespace {

// Marks which of the wanted fields the record carries with the wanted value.
class FieldMatcher final : public FieldWriter {
public:
    explicit FieldMatcher(const std::vector<TraceFieldPattern>& wanted)
        : wanted_(wanted), found_(wanted.size(), false) {}
    void field(std::string_view name, std::int64_t value) override { field(name, std::to_string(value)); }
    void field(std::string_view name, std::string_view value) override {
        for (std::size_t i = 0; i < wanted_.size(); ++i) {
            if (wanted_[i].name == name && wanted_[i].value == value) found_[i] = true;
        }
    }
    bool all_found() const {
        for (const bool found : found_) {
            if (!found) return false;
        }
        return true;
    }

private:
    const std::vector<TraceFieldPattern>& wanted_;
    std::vector<bool> found_;
};

}  // namespace

bool TracePattern::matches(TraceKind record_kind, std::string_view subject, std::string_view record_peer,
                           const Describable& what) const {
    if (!type.empty() && what.type_name() != type) return false;
    if (kind && *kind != record_kind) return false;
    if (!node.empty() && node != subject) return false;
    if (!peer.empty() && peer != record_peer) return false;
    if (fields.empty()) return true;
    FieldMatcher matcher(fields);
    what.describe(matcher);
    return matcher.all_found();
}

std::string TracePattern::text() const {
    std::string out = fmt::format("{} {}", kind ? trace_kind_name(*kind) : "*", node.empty() ? "*" : node);
    if (!peer.empty()) fmt::format_to(std::back_inserter(out), " <- {}", peer);
    fmt::format_to(std::back_inserter(out), " {}", type.empty() ? "*" : type);
    for (const TraceFieldPattern& f : fields) fmt::format_to(std::back_inserter(out), " {}={}", f.name, f.value);
    return out;
}

void TraceCounter::observe(TimeUs, TraceKind kind, std::string_view subject, std::string_view peer,
                           const Describable& what) {
    for (std::size_t i = 0; i < patterns_.size(); ++i) {
        if (patterns_[i].matches(kind, subject, peer, what)) ++counts_[i];
    }
}

std::optional<TraceKind> trace_kind_from_name(std::string_view name) {
    for (const TraceKind kind : {TraceKind::deliver, TraceKind::drop, TraceKind::state, TraceKind::fault, TraceKind::node}) {
        if (trace_kind_name(kind) == name) return kind;
    }
    return std::nullopt;
}

}  // namespace eosim::sim
