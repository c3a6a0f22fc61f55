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
    if (ch.open) return ch.ready;
    if (now >= ch.reconnect_after_us) open_connection(broker, now);
    return false;
}

void ProducerClient::open_connection(std::int32_t broker, sim::TimeUs now) {
    Channel& ch = channel(broker);
    EOSIM_ASSERT(!ch.open);
    ch.connection = sim_.connect(host_, layout_->broker_nodes.at(broker));
    ch.open = true;
    ch.ready = false;
    InFlightRequest request{broker, now + sim::ms(config_.request_timeout_ms), RequestKind::api_versions, {}};
    send_request(broker, std::move(request), ApiVersionsRequest{});
}

void ProducerClient::handle_api_versions_response(std::int32_t broker) {
    Channel& ch = channel(broker);
    ch.ready = true;
    ch.failed_attempts = 0;  // ClusterConnectionStates.ready resets the reconnect backoff
    sim_.record_state(host_, sim::StateChange("producer.connection_ready").with("broker", broker));
    std::vector<std::pair<std::int32_t, MessageBody>> unsent = std::move(ch.unsent);
    ch.unsent.clear();
    for (auto& [correlation, body] : unsent) {
        sim_.send(host_, ch.connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
    }
}

// ClusterConnectionStates.disconnected / updateReconnectBackoff: the next attempt waits
// reconnect.backoff.ms * 2^failures (capped, jittered); a ready connection resets the count.
void ProducerClient::note_disconnect(Channel& ch) {
    ch.open = false;
    ch.ready = false;
    ch.unsent.clear();
    ch.reconnect_after_us = sim_.now() + reconnect_backoff_.backoff_us(ch.failed_attempts, backoff_prng_);
    ++ch.failed_attempts;
}

}  // namespace eosim::kafka
