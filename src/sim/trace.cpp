#include "sim/trace.hpp"

#include <fmt/format.h>

#include "base/assert.hpp"
#include "sim/trace_match.hpp"

namespace eosim::sim {

void TraceHasher::mix_u64(std::uint64_t value) {
    for (int byte = 0; byte < 8; ++byte) {
        state_ ^= (value >> (8 * byte)) & 0xffU;
        state_ *= 0x100000001b3ULL;
    }
}

void TraceHasher::mix_bytes(std::string_view bytes) {
    mix_u64(bytes.size());
    for (const char c : bytes) {
        state_ ^= static_cast<unsigned char>(c);
        state_ *= 0x100000001b3ULL;
    }
}

void TraceHasher::field(std::string_view name, std::int64_t value) {
    mix_bytes(name);
    mix_u64(static_cast<std::uint64_t>(value));
}

void TraceHasher::field(std::string_view name, std::string_view value) {
    mix_bytes(name);
    mix_bytes(value);
}

std::uint64_t TraceHasher::digest() const {
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void TextFieldWriter::field(std::string_view name, std::int64_t value) {
    fmt::format_to(std::back_inserter(line_), " {}={}", name, value);
}

void TextFieldWriter::field(std::string_view name, std::string_view value) {
    fmt::format_to(std::back_inserter(line_), " {}={}", name, value);
}

std::string_view trace_kind_name(TraceKind kind) {
    switch (kind) {
        case TraceKind::deliver: return "deliver";
        case TraceKind::drop: return "drop";
        case TraceKind::state: return "state";
        case TraceKind::fault: return "fault";
        case TraceKind::node: return "node";
    }
    return "?";
}

void Trace::notify_sent(TimeUs time_us, std::string_view from, std::string_view to, const Describable& what) {
    for (TraceObserver* observer : observers_) observer->observe_send(time_us, from, to, what);
}

std::string format_time_ms(TimeUs time_us) {
    return fmt::format("{}.{:03}", time_us / kMicrosPerMilli, time_us % kMicrosPerMilli);
}

void Trace::record(TimeUs time_us, TraceKind kind, std::string_view subject,
                   std::string_view peer, const Describable& what) {
    ++records_;
    hasher_.mix_u64(static_cast<std::uint64_t>(time_us));
    hasher_.mix_u64(static_cast<std::uint64_t>(kind));
    hasher_.mix_bytes(subject);
    hasher_.mix_bytes(peer);
    hasher_.mix_bytes(what.type_name());
    what.describe(hasher_);
    for (TraceObserver* observer : observers_) observer->observe(time_us, kind, subject, peer, what);
    if (text_ == nullptr) return;
    line_.clear();
    fmt::format_to(std::back_inserter(line_), "{:>12}ms {:<7} {}", format_time_ms(time_us),
                   trace_kind_name(kind), subject);
    if (!peer.empty()) fmt::format_to(std::back_inserter(line_), " <- {}", peer);
    fmt::format_to(std::back_inserter(line_), " {}", what.type_name());
    TextFieldWriter writer(line_);
    what.describe(writer);
    line_.push_back('\n');
    *text_ << line_;
}

StateChange& StateChange::with(std::string_view key, std::int64_t value) {
    EOSIM_ASSERT(count_ < kMaxFields);
    fields_[count_++] = Field{key, value, {}, false};
    return *this;
}

StateChange& StateChange::with(std::string_view key, std::string_view value) {
    EOSIM_ASSERT(count_ < kMaxFields);
    fields_[count_++] = Field{key, 0, value, true};
    return *this;
}

void StateChange::describe(FieldWriter& out) const {
    for (int i = 0; i < count_; ++i) {
        if (fields_[i].is_text) {
            out.field(fields_[i].key, fields_[i].text);
        } else {
            out.field(fields_[i].key, fields_[i].number);
        }
    }
}

}  // namespace eosim::sim
