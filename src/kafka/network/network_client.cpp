#include "kafka/network/network_client.hpp"

#include <memory>

#include "sim/simulation.hpp"

namespace eosim::kafka {

sim::ConnectionId NodeTransport::connect_to(sim::NodeId peer) { return sim_->connect(host_, peer); }

void NodeTransport::send_on(sim::ConnectionId connection, std::int32_t correlation, MessageBody request) {
    sim_->send(host_, connection, std::make_unique<KafkaMessage>(correlation, std::move(request)));
}

void NodeTransport::close_connection(sim::ConnectionId connection) { sim_->close(host_, connection); }

}  // namespace eosim::kafka
