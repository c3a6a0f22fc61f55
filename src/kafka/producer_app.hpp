#pragma once
// A producer application: sends a fixed workload of uniquely numbered values through a
// ProducerClient and records each send in the history. Its position in the workload is
// persisted (like a source file offset), so a restarted producer continues where it was and does
// not resend the values that were in flight when it died (those end indeterminate).
#include <cstdint>
#include <memory>
#include <string>

#include "history/recorder.hpp"
#include "kafka/cluster_layout.hpp"
#include "kafka/producer_client.hpp"
#include "sim/node.hpp"

namespace eosim::kafka {

struct ProducerWorkload {
    std::string topic;
    std::uint64_t first_value = 0;
    std::int64_t messages = 100;
    sim::TimeUs start_us = 0;
    sim::TimeUs interval_us = 1000;
    std::int64_t keys = 16;
    std::int32_t value_bytes = 100;
};

class ProducerApp final : public sim::Node, private SendListener {
public:
    ProducerApp(std::string name, std::shared_ptr<const ClusterLayout> layout,
                ProducerConfig config, ProducerWorkload workload, history::Recorder& recorder);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_connection_closed(sim::ConnectionId connection) override;
    void on_crash() override;

    // Every value has been handed to the client and has completed.
    bool done() const;
    const ProducerClient* client() const { return client_.get(); }

private:
    void on_send_complete(std::uint64_t value, const TopicPartition& partition,
                          const SendOutcome& outcome) override;
    void send_next();
    TopicPartition partition_for(std::int64_t key) const;

    std::shared_ptr<const ClusterLayout> layout_;
    ProducerConfig config_;
    ProducerWorkload workload_;
    history::Recorder& recorder_;
    std::int64_t sent_ = 0;  // persisted
    std::uint32_t incarnation_ = 0;
    std::uint32_t process_ = 0;
    std::unique_ptr<ProducerClient> client_;
    std::vector<std::uint32_t> history_keys_;  // by partition number (the topic is fixed)
    std::uint32_t history_key(const TopicPartition& partition);
};

}  // namespace eosim::kafka
