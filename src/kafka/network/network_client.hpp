#pragma once
// A node's connections to its peers, after Kafka's NetworkClient: channels by a key the owner
// chooses (a broker id, or a peer and a purpose), each holding at most one connection and the
// requests in flight on it by correlation id. The producer, the consumer and the broker's
// inter-broker client all keep their connections here. What a request carries (a deadline,
// batches, a callback) and the connection policy (ApiVersions, reconnect backoff, how a request
// times out) stay with the owner, because there Kafka's clients differ too.
#include <cstdint>
#include <map>
#include <optional>
#include <utility>
#include <variant>

#include "base/assert.hpp"
#include "kafka/protocol/messages.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::sim {
class Simulation;
}

namespace eosim::kafka {

// What a network client needs of its node's network.
class ClientTransport {
public:
    virtual sim::ConnectionId connect_to(sim::NodeId peer) = 0;
    virtual void send_on(sim::ConnectionId connection, std::int32_t correlation, MessageBody request) = 0;
    virtual void close_connection(sim::ConnectionId connection) = 0;

protected:
    ~ClientTransport() = default;
};

// The transport of a client process: its host node's connections in the simulation.
class NodeTransport final : public ClientTransport {
public:
    NodeTransport(sim::Simulation& sim, sim::NodeId host) : sim_(&sim), host_(host) {}
    sim::ConnectionId connect_to(sim::NodeId peer) override;
    void send_on(sim::ConnectionId connection, std::int32_t correlation, MessageBody request) override;
    void close_connection(sim::ConnectionId connection) override;

private:
    sim::Simulation* sim_;
    sim::NodeId host_;
};

// Request: what the owner keeps per request in flight. ChannelState: what it keeps per channel
// beyond the connection (e.g. the producer's connection-ready state and reconnect backoff).
template <typename Request, typename ChannelState = std::monostate>
class NetworkClient {
public:
    struct Channel {
        sim::ConnectionId connection = 0;
        bool open = false;
        std::map<std::int32_t, Request> in_flight;  // by correlation id
        ChannelState state{};
    };
    // An answer on one of the client's connections: the channel, and the request it answers
    // (none if the correlation id is not in flight, e.g. a request failed meanwhile).
    struct Answer {
        std::int32_t key = 0;
        std::optional<Request> request;
    };

    explicit NetworkClient(ClientTransport& transport) : transport_(&transport) {}

    Channel& channel(std::int32_t key) { return channels_[key]; }
    std::map<std::int32_t, Channel>& channels() { return channels_; }
    const std::map<std::int32_t, Channel>& channels() const { return channels_; }

    // The channel whose open connection this is.
    std::optional<std::int32_t> key_of(sim::ConnectionId connection) const {
        for (const auto& [key, ch] : channels_) {
            if (ch.open && ch.connection == connection) return key;
        }
        return std::nullopt;
    }
    bool owns_connection(sim::ConnectionId connection) const { return key_of(connection).has_value(); }

    void connect(std::int32_t key, sim::NodeId peer) {
        Channel& ch = channels_[key];
        EOSIM_ASSERT(!ch.open);
        ch.connection = transport_->connect_to(peer);
        ch.open = true;
    }
    void send(std::int32_t key, std::int32_t correlation, MessageBody body) {
        Channel& ch = channels_[key];
        EOSIM_ASSERT(ch.open);
        transport_->send_on(ch.connection, correlation, std::move(body));
    }
    void track(std::int32_t key, std::int32_t correlation, Request request) {
        channels_[key].in_flight.emplace(correlation, std::move(request));
    }
    // Closes the channel's connection (the requests on it stay until disconnected).
    void close(std::int32_t key) { transport_->close_connection(channels_[key].connection); }

    // Matches an answer to its request and removes it; nullopt if the connection is not ours.
    std::optional<Answer> take_answer(sim::ConnectionId connection, std::int32_t correlation) {
        const std::optional<std::int32_t> key = key_of(connection);
        if (!key) return std::nullopt;
        Answer answer{*key, std::nullopt};
        auto& in_flight = channels_[*key].in_flight;
        const auto found = in_flight.find(correlation);
        if (found == in_flight.end()) return answer;
        answer.request = std::move(found->second);
        in_flight.erase(found);
        return answer;
    }
    // The channel is down: its requests, in correlation order, for the owner to fail.
    std::map<std::int32_t, Request> disconnect(std::int32_t key) {
        Channel& ch = channels_[key];
        ch.open = false;
        std::map<std::int32_t, Request> failed = std::move(ch.in_flight);
        ch.in_flight.clear();
        return failed;
    }
    // NetworkClient.handleTimedOutRequests: the channels with a request past its deadline
    // (for owners whose requests carry deadline_us).
    template <typename Visit>
    void for_each_timed_out(sim::TimeUs now, Visit visit) {
        for (auto& [key, ch] : channels_) {
            bool timed_out = false;
            for (const auto& [correlation, request] : ch.in_flight) {
                timed_out = timed_out || request.deadline_us <= now;
            }
            if (timed_out) visit(key);
        }
    }

private:
    ClientTransport* transport_;  // a pointer: owners are reassigned (a broker's memory on crash)
    std::map<std::int32_t, Channel> channels_;
};

}  // namespace eosim::kafka
