// The producer's connections, after Kafka's NetworkClient and ClusterConnectionStates: a new
// connection sends ApiVersions and is ready once it is answered; the Sender drains produce data
// only to ready nodes (NetworkClient.ready), so while a connection is being set up or refused,
// batches wait in the accumulator (up to delivery.timeout.ms) instead of being written into a
// dead socket. After a disconnect the node is blacked out for the reconnect backoff.
#include "base/assert.hpp"
#include "kafka/client/producer_client.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

// NetworkClient.ready: true when the connection is ready; otherwise starts connecting unless the
// node is still in its reconnect backoff (ClusterConnectionStates.canConnect).
bool ProducerClient::node_ready(std::int32_t broker, sim::TimeUs now) {
    Channel& ch = channel(broker);
    if (ch.open) return ch.state.ready;
    if (now >= ch.state.reconnect_after_us) open_connection(broker, now);
    return false;
}

void ProducerClient::open_connection(std::int32_t broker, sim::TimeUs now) {
    network_.connect(broker, layout_->broker_nodes.at(broker));
    channel(broker).state.ready = false;
    InFlightRequest request{broker, now + sim::ms(config_.request_timeout_ms), RequestKind::api_versions, {}};
    send_request(broker, std::move(request), ApiVersionsRequest{});
}

void ProducerClient::handle_api_versions_response(std::int32_t broker) {
    ConnectionState& connection = channel(broker).state;
    connection.ready = true;
    connection.failed_attempts = 0;  // ClusterConnectionStates.ready resets the reconnect backoff
    sim_.record_state(host_, sim::StateChange("producer.connection_ready").with("broker", broker));
    std::vector<std::pair<std::int32_t, MessageBody>> unsent = std::move(connection.unsent);
    connection.unsent.clear();
    for (auto& [correlation, body] : unsent) network_.send(broker, correlation, std::move(body));
}

// ClusterConnectionStates.disconnected / updateReconnectBackoff: the next attempt waits
// reconnect.backoff.ms * 2^failures (capped, jittered); a ready connection resets the count.
void ProducerClient::note_disconnect(ConnectionState& connection) {
    connection.ready = false;
    connection.unsent.clear();
    connection.reconnect_after_us = sim_.now() + reconnect_backoff_.backoff_us(connection.failed_attempts, backoff_prng_);
    ++connection.failed_attempts;
}

void ProducerClient::expire_requests(sim::TimeUs now) {
    network_.for_each_timed_out(now, [&](std::int32_t broker) {
        // NetworkClient: a request timeout disconnects the node, failing all its requests.
        sim_.record_state(host_, sim::StateChange("producer.request_timeout").with("broker", broker));
        network_.close(broker);
        fail_channel(broker, ErrorCode::REQUEST_TIMED_OUT);
    });
}

void ProducerClient::send_request(std::int32_t broker, InFlightRequest request, MessageBody body) {
    if (!channel(broker).open) open_connection(broker, sim_.now());
    ConnectionState& connection = channel(broker).state;
    const std::int32_t correlation = next_correlation_++;
    const bool expects_response = request.kind != RequestKind::produce || !request.batches.empty();
    if (!connection.ready && request.kind != RequestKind::api_versions) {
        // A coordinator or metadata request waits for the connection (produce data never
        // gets here before it is ready: it stays in the accumulator).
        EOSIM_ASSERT(expects_response);
        connection.unsent.emplace_back(correlation, std::move(body));
    } else {
        network_.send(broker, correlation, std::move(body));
    }
    if (expects_response) network_.track(broker, correlation, std::move(request));
}

void ProducerClient::fail_channel(std::int32_t broker, ErrorCode error) {
    note_disconnect(channel(broker).state);
    leaders_.mark_stale();  // the broker may be gone: where do its partitions live now?
    for (auto& [correlation, request] : network_.disconnect(broker)) fail_request(request, error);
}

void ProducerClient::on_connection_closed(sim::ConnectionId connection) {
    if (const std::optional<std::int32_t> broker = network_.key_of(connection)) {
        fail_channel(*broker, ErrorCode::NETWORK_EXCEPTION);
    }
    poll();
}

void ProducerClient::on_message(const sim::Envelope& envelope) {
    const auto& message = static_cast<const KafkaMessage&>(*envelope.payload);
    std::optional<Network::Answer> answer = network_.take_answer(envelope.connection, message.correlation_id);
    if (answer && !answer->request) return;  // its request failed meanwhile
    if (answer) dispatch(answer->key, *answer->request, message);
    poll();
}

ProducerClient::Channel& ProducerClient::channel(std::int32_t broker) { return network_.channel(broker); }

}  // namespace eosim::kafka
