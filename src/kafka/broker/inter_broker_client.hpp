#pragma once
// The broker as a client of other brokers and of the controller: Kafka's NetworkClient as the
// broker's senders use it (the replica fetcher, TransactionMarkerChannelManager,
// AddPartitionsToTxnManager, the controller channel). One connection per peer and purpose, so a
// long poll on one never holds another's requests behind it; each request is in flight until its
// answer (matched by correlation id) or until request.timeout.ms, when, as
// NetworkClient.handleTimedOutRequests does, the connection is closed and every request on it
// fails.
#include <cstdint>
#include <functional>
#include <memory>

#include "kafka/broker/purgatory.hpp"
#include "kafka/network/network_client.hpp"
#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/protocol/messages.hpp"
#include "sim/node.hpp"

namespace eosim::kafka {

class InterBrokerClient {
public:
    static constexpr std::int32_t kControllerPeer = -1;
    using Callback = std::function<void(const MessageBody*)>;  // nullptr: the request failed

    // next_correlation: the node's counter, which runs on across restarts (see Broker).
    InterBrokerClient(ClientTransport& transport, PurgatoryTimers& timers,
                      std::shared_ptr<const ClusterLayout> layout, std::int32_t request_timeout_ms,
                      std::int32_t& next_correlation);

    // To a broker by id, or to the controller (kControllerPeer).
    void send(std::int32_t peer, MessageBody request, Callback on_response);
    // An answer to one of its requests: completes it. False if the connection is not one of its.
    bool on_response(sim::ConnectionId connection, const KafkaMessage& message);
    // The peer closed a connection: its requests fail. False if it is not one of its.
    bool on_connection_closed(sim::ConnectionId connection);

private:
    enum class Purpose : std::int32_t { controller = 0, replica_fetch = 1, markers = 2, verification = 3 };
    struct InFlightRequest {
        Callback on_response;
        PurgatoryTimers::Handle timeout = 0;
    };
    static std::int32_t channel_key(std::int32_t peer, Purpose purpose) {
        return (peer + 1) * 4 + static_cast<std::int32_t>(purpose);
    }
    sim::NodeId peer_node(std::int32_t peer) const;
    void fail_channel(std::int32_t key);

    PurgatoryTimers* timers_;  // a pointer: the broker's memory, this included, is reassigned on crash
    std::shared_ptr<const ClusterLayout> layout_;
    std::int32_t request_timeout_ms_;
    std::int32_t* next_correlation_;
    NetworkClient<InFlightRequest> network_;  // channels by channel_key(peer, purpose)
};

}  // namespace eosim::kafka
