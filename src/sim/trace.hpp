#pragma once
// The trace: every delivered message, state change and fault. Always hashed into trace_hash;
// written as text only when asked, so a plain run pays for hashing, not formatting.
#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "sim/time.hpp"

namespace eosim::sim {

// Anything that appears in the trace describes itself field by field to a FieldWriter.
class FieldWriter {
public:
    virtual ~FieldWriter() = default;
    virtual void field(std::string_view name, std::int64_t value) = 0;
    virtual void field(std::string_view name, std::string_view value) = 0;
};

// Canonical 64-bit hash of trace records: FNV-1a style over typed, length-prefixed fields,
// finalised with a splitmix mix. Independent of platform endianness and of text formatting.
class TraceHasher final : public FieldWriter {
public:
    void field(std::string_view name, std::int64_t value) override;
    void field(std::string_view name, std::string_view value) override;
    void mix_u64(std::uint64_t value);
    void mix_bytes(std::string_view bytes);
    std::uint64_t digest() const;

private:
    std::uint64_t state_ = 0xcbf29ce484222325ULL;
};

// Formats fields as " name=value" onto a line.
class TextFieldWriter final : public FieldWriter {
public:
    explicit TextFieldWriter(std::string& line) : line_(line) {}
    void field(std::string_view name, std::int64_t value) override;
    void field(std::string_view name, std::string_view value) override;

private:
    std::string& line_;
};

enum class TraceKind : std::uint8_t { deliver, drop, state, fault, node };

std::string_view trace_kind_name(TraceKind kind);

class TraceObserver;

class Describable {
public:
    virtual ~Describable() = default;
    // The record's type name, e.g. "ProduceRequest" or "producer.epoch_bump".
    virtual std::string_view type_name() const = 0;
    virtual void describe(FieldWriter& out) const = 0;
};

class Trace {
public:
    // text may be null: then records are only hashed.
    explicit Trace(std::ostream* text) : text_(text) {}

    void record(TimeUs time_us, TraceKind kind, std::string_view subject, std::string_view peer,
                const Describable& what);
    std::uint64_t hash() const { return hasher_.digest(); }
    std::uint64_t records() const { return records_; }
    // Observers see every record after it is hashed (they cannot change the hash).
    void add_observer(TraceObserver* observer) { observers_.push_back(observer); }
    // A message handed to the network: only observers see it (not hashed, not in the text).
    void sent(TimeUs time_us, std::string_view from, std::string_view to, const Describable& what) {
        if (!observers_.empty()) notify_sent(time_us, from, to, what);
    }

private:
    void notify_sent(TimeUs time_us, std::string_view from, std::string_view to, const Describable& what);

    TraceHasher hasher_;
    std::vector<TraceObserver*> observers_;
    std::ostream* text_;
    std::uint64_t records_ = 0;
    std::string line_;
};

// A trace record built from a name and up to a few integer fields, for state changes.
class StateChange final : public Describable {
public:
    explicit StateChange(std::string_view name) : name_(name) {}
    StateChange& with(std::string_view key, std::int64_t value);
    StateChange& with(std::string_view key, std::string_view value);
    std::string_view type_name() const override { return name_; }
    void describe(FieldWriter& out) const override;

private:
    struct Field {
        std::string_view key;
        std::int64_t number = 0;
        std::string_view text;
        bool is_text = false;
    };
    static constexpr int kMaxFields = 6;
    std::string_view name_;
    Field fields_[kMaxFields];
    int count_ = 0;
};

std::string format_time_ms(TimeUs time_us);

}  // namespace eosim::sim
