// A broker harness: real broker nodes (and, with replication, the controller) on the simulated
// network, driven by scripted client endpoints that send requests at chosen times and keep every
// answer. Tests send requests in and assert the responses out, in the spirit of TigerBeetle's
// replica tests: no producer or consumer client logic between the test and the broker.
#pragma once

#include <doctest/doctest.h>

#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "kafka/broker/broker.hpp"
#include "kafka/controller/controller.hpp"
#include "kafka/protocol/messages.hpp"
#include "sim/simulation.hpp"

namespace eosim::test {

// One client endpoint: a connection per broker it talks to, requests sent when their time comes,
// answers kept in arrival order with their correlation id.
class ScriptedClient final : public sim::Node {
public:
    struct Answer {
        std::int32_t correlation = 0;
        sim::TimeUs at_us = 0;
        kafka::MessageBody body;
    };

    explicit ScriptedClient(std::string name) : sim::Node(std::move(name)) {}

    // Queues a request to broker node `to` at simulated time at_us (after the harness started:
    // at_us must not be in the past). Returns its correlation id.
    std::int32_t send_at(sim::TimeUs at_us, sim::NodeId to, kafka::MessageBody request) {
        const auto correlation = static_cast<std::int32_t>(script_.size());
        script_.push_back({to, std::move(request), at_us});
        if (started_) arm(static_cast<std::size_t>(correlation));
        return correlation;
    }

    void on_start() override {
        started_ = true;
        for (std::size_t i = 0; i < script_.size(); ++i) arm(i);
    }
    void on_message(const sim::Envelope& e) override {
        const auto& m = static_cast<const kafka::KafkaMessage&>(*e.payload);
        answers.push_back({m.correlation_id, sim().now(), m.body});
    }
    void on_timer(std::uint64_t tag) override {
        Step& step = script_.at(tag);
        auto [connection, inserted] = connections_.try_emplace(step.to, 0);
        if (inserted) connection->second = sim().connect(id(), step.to);
        sim().send(id(), connection->second, std::make_unique<kafka::KafkaMessage>(static_cast<std::int32_t>(tag), step.request));
    }
    void on_connection_closed(sim::ConnectionId connection) override {
        for (auto it = connections_.begin(); it != connections_.end(); ++it) {
            if (it->second == connection) {
                connections_.erase(it);  // the next request to that broker reconnects
                return;
            }
        }
    }
    void on_crash() override {}

    // The answer to request `correlation`, which must have come and be of type R.
    template <typename R>
    const R& answer(std::int32_t correlation) const {
        for (const Answer& a : answers) {
            if (a.correlation != correlation) continue;
            const R* body = std::get_if<R>(&a.body);
            REQUIRE_MESSAGE(body != nullptr, "answer ", correlation, " has another type");
            return *body;
        }
        FAIL("no answer to request ", correlation);
        throw;  // unreachable: FAIL throws
    }
    bool answered(std::int32_t correlation) const {
        for (const Answer& a : answers) {
            if (a.correlation == correlation) return true;
        }
        return false;
    }

    std::vector<Answer> answers;

private:
    struct Step {
        sim::NodeId to = 0;
        kafka::MessageBody request;
        sim::TimeUs at_us = 0;
    };
    void arm(std::size_t index) {
        const sim::TimeUs delay = script_[index].at_us - sim().now();
        REQUIRE_MESSAGE(delay >= 0, "request ", index, " scheduled in the past");
        sim().set_timer(id(), delay, index);
    }

    std::vector<Step> script_;
    std::map<sim::NodeId, sim::ConnectionId> connections_;
    bool started_ = false;
};

struct HarnessOptions {
    std::int32_t brokers = 1;
    std::vector<kafka::TopicSpec> topics{kafka::TopicSpec{"t", 1}};
    kafka::BrokerConfig broker;
    kafka::ReplicationConfig replication;  // enabled: the controller node runs too
    sim::LinkProfile network{500, 0};      // 0.5 ms each way, no jitter: one run per test
};

// The cluster and its clients. Add clients, start, then run to chosen times and look at answers
// and at broker or controller state; more requests may be queued between runs.
class BrokerHarness {
public:
    explicit BrokerHarness(HarnessOptions options = {}) : sim_(1, options.network, nullptr) {
        layout_->topics = options.topics;
        layout_->replication = options.replication;
        for (std::int32_t b = 0; b < options.brokers; ++b) layout_->broker_nodes.push_back(static_cast<sim::NodeId>(b));
        for (std::int32_t b = 0; b < options.brokers; ++b) {
            auto broker = std::make_unique<kafka::Broker>("broker-" + std::to_string(b), b, layout_, options.broker);
            brokers_.push_back(broker.get());
            sim_.add_node(std::move(broker));
        }
        if (options.replication.enabled) {
            auto controller = std::make_unique<kafka::Controller>("controller", layout_);
            controller_ = controller.get();
            layout_->controller_node = sim_.add_node(std::move(controller));
        }
    }

    ScriptedClient& client(const std::string& name) {
        auto node = std::make_unique<ScriptedClient>(name);
        ScriptedClient* c = node.get();
        client_nodes_[c] = sim_.add_node(std::move(node));
        return *c;
    }
    void start() { sim_.start_all(); }
    void run_until(sim::TimeUs t_us) { sim_.run(t_us); }

    sim::Simulation& sim() { return sim_; }
    const kafka::Broker& broker(std::int32_t b) const { return *brokers_.at(static_cast<std::size_t>(b)); }
    sim::NodeId broker_node(std::int32_t b) const { return static_cast<sim::NodeId>(b); }
    const kafka::Controller& controller() const {
        REQUIRE(controller_ != nullptr);
        return *controller_;
    }
    const kafka::ClusterLayout& layout() const { return *layout_; }
    sim::NodeId node_of(const ScriptedClient& c) const { return client_nodes_.at(&c); }

private:
    sim::Simulation sim_;
    std::shared_ptr<kafka::ClusterLayout> layout_ = std::make_shared<kafka::ClusterLayout>();
    std::vector<kafka::Broker*> brokers_;
    kafka::Controller* controller_ = nullptr;
    std::map<const ScriptedClient*, sim::NodeId> client_nodes_;
};

}  // namespace eosim::test
