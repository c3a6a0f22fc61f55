#include "kafka/broker/inter_broker_client.hpp"

namespace eosim::kafka {

InterBrokerClient::InterBrokerClient(ClientTransport& transport, PurgatoryTimers& timers,
                                     std::shared_ptr<const ClusterLayout> layout, std::int32_t request_timeout_ms,
                                     std::int32_t& next_correlation)
    : timers_(&timers),
      layout_(std::move(layout)),
      request_timeout_ms_(request_timeout_ms),
      next_correlation_(&next_correlation),
      network_(transport) {}

sim::NodeId InterBrokerClient::peer_node(std::int32_t peer) const {
    return peer == kControllerPeer ? layout_->controller_node : layout_->broker_nodes.at(static_cast<std::size_t>(peer));
}

void InterBrokerClient::send(std::int32_t peer, MessageBody request, Callback on_response) {
    Purpose purpose = Purpose::controller;
    if (std::holds_alternative<ReplicaFetchRequest>(request)) purpose = Purpose::replica_fetch;
    if (std::holds_alternative<WriteTxnMarkersRequest>(request)) purpose = Purpose::markers;
    if (std::holds_alternative<AddPartitionsToTxnRequest>(request)) purpose = Purpose::verification;
    const std::int32_t key = channel_key(peer, purpose);
    if (!network_.channel(key).open) network_.connect(key, peer_node(peer));
    const std::int32_t correlation = (*next_correlation_)++;
    const PurgatoryTimers::Handle timeout = timers_->schedule(sim::ms(request_timeout_ms_), [this, key] {
        network_.close(key);
        fail_channel(key);
    });
    network_.track(key, correlation, InFlightRequest{std::move(on_response), timeout});
    network_.send(key, correlation, std::move(request));
}

bool InterBrokerClient::on_response(sim::ConnectionId connection, const KafkaMessage& message) {
    std::optional<NetworkClient<InFlightRequest>::Answer> answer = network_.take_answer(connection, message.correlation_id);
    if (!answer) return false;
    if (!answer->request) return true;
    timers_->cancel(answer->request->timeout);
    answer->request->on_response(&message.body);
    return true;
}

void InterBrokerClient::fail_channel(std::int32_t key) {
    for (auto& [correlation, request] : network_.disconnect(key)) {
        timers_->cancel(request.timeout);
        request.on_response(nullptr);
    }
}

bool InterBrokerClient::on_connection_closed(sim::ConnectionId connection) {
    const std::optional<std::int32_t> key = network_.key_of(connection);
    if (key) fail_channel(*key);
    return key.has_value();
}

}  // namespace eosim::kafka
