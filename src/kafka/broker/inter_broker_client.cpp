#include "kafka/broker/inter_broker_client.hpp"

namespace eosim::kafka {

InterBrokerClient::InterBrokerClient(InterBrokerTransport& transport, PurgatoryTimers& timers,
                                     std::shared_ptr<const ClusterLayout> layout, std::int32_t request_timeout_ms,
                                     std::int32_t& next_correlation)
    : transport_(&transport),
      timers_(&timers),
      layout_(std::move(layout)),
      request_timeout_ms_(request_timeout_ms),
      next_correlation_(&next_correlation) {}

sim::NodeId InterBrokerClient::peer_node(std::int32_t peer) const {
    return peer == kControllerPeer ? layout_->controller_node : layout_->broker_nodes.at(static_cast<std::size_t>(peer));
}

void InterBrokerClient::send(std::int32_t peer, MessageBody request, Callback on_response) {
    Purpose purpose = Purpose::controller;
    if (std::holds_alternative<ReplicaFetchRequest>(request)) purpose = Purpose::replica_fetch;
    if (std::holds_alternative<WriteTxnMarkersRequest>(request)) purpose = Purpose::markers;
    if (std::holds_alternative<AddPartitionsToTxnRequest>(request)) purpose = Purpose::verification;
    const std::int32_t key = channel_key(peer, purpose);
    Channel& channel = channels_[key];
    if (!channel.open) {
        channel.connection = transport_->connect_to(peer_node(peer));
        channel.open = true;
    }
    const std::int32_t correlation = (*next_correlation_)++;
    const PurgatoryTimers::Handle timeout = timers_->schedule(sim::ms(request_timeout_ms_), [this, key] {
        transport_->close_connection(channels_[key].connection);
        fail_channel(key);
    });
    channel.in_flight.emplace(correlation, InFlightRequest{std::move(on_response), timeout});
    transport_->send_on(channel.connection, correlation, std::move(request));
}

bool InterBrokerClient::on_response(sim::ConnectionId connection, const KafkaMessage& message) {
    for (auto& [key, channel] : channels_) {
        if (!channel.open || channel.connection != connection) continue;
        const auto found = channel.in_flight.find(message.correlation_id);
        if (found == channel.in_flight.end()) return true;
        InFlightRequest request = std::move(found->second);
        channel.in_flight.erase(found);
        timers_->cancel(request.timeout);
        request.on_response(&message.body);
        return true;
    }
    return false;
}

void InterBrokerClient::fail_channel(std::int32_t key) {
    Channel& channel = channels_[key];
    channel.open = false;
    std::map<std::int32_t, InFlightRequest> failed = std::move(channel.in_flight);
    channel.in_flight.clear();
    for (auto& [correlation, request] : failed) {
        timers_->cancel(request.timeout);
        request.on_response(nullptr);
    }
}

bool InterBrokerClient::on_connection_closed(sim::ConnectionId connection) {
    for (auto& [key, channel] : channels_) {
        if (channel.open && channel.connection == connection) {
            fail_channel(key);
            return true;
        }
    }
    return false;
}

}  // namespace eosim::kafka
