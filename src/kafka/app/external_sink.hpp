#pragma once
// An external sink: a database or HTTP service outside Kafka. Each write is a side effect that
// Kafka's transactions do not cover. Optionally idempotent through a deduplication key store
// (the "idempotent consumer" pattern): a key seen before is acknowledged without a new effect.
#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "history/recorder.hpp"
#include "kafka/app/app_config.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

struct SinkWrite final : sim::Payload {
    SinkWrite(std::uint64_t key, std::int32_t id, std::string group)
        : key(key), request_id(id), group(std::move(group)) {}
    std::string_view type_name() const override { return "SinkWrite"; }
    void describe(sim::FieldWriter& out) const override {
        out.field("key", static_cast<std::int64_t>(key));
        out.field("request", request_id);
        out.field("group", group);
    }
    std::uint64_t key;  // the input value the effect is derived from
    std::int32_t request_id;
    std::string group;  // the caller's consumer group, recorded with the effect
};

struct SinkAck final : sim::Payload {
    SinkAck(std::int32_t id, bool duplicate) : request_id(id), duplicate(duplicate) {}
    std::string_view type_name() const override { return "SinkAck"; }
    void describe(sim::FieldWriter& out) const override {
        out.field("request", request_id);
        out.field("duplicate", duplicate ? 1 : 0);
    }
    std::int32_t request_id;
    bool duplicate;
};

class ExternalSink final : public sim::Node {
public:
    ExternalSink(std::string name, SinkConfig config, history::Recorder& recorder)
        : sim::Node(std::move(name)), config_(config), recorder_(recorder) {}

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_crash() override {}

private:
    struct Pending {
        sim::ConnectionId connection = 0;
        std::uint64_t key = 0;
        std::int32_t request_id = 0;
        std::string group;
    };
    SinkConfig config_;
    history::Recorder& recorder_;
    std::uint32_t process_ = 0;
    // Persisted deduplication store: (caller's group, key), as an idempotent consumer keeps the
    // ids it processed.
    std::set<std::pair<std::string, std::uint64_t>> applied_keys_;
    std::map<std::uint64_t, Pending> pending_;
    std::uint64_t next_tag_ = 0;
};

}  // namespace eosim::kafka
