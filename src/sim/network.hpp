#pragma once
// The simulated network: per-link latency with jitter from the link's own PRNG stream, and
// TCP-like connections (FIFO per direction). Faults change link state through the hooks here.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/node.hpp"
#include "sim/prng.hpp"
#include "sim/time.hpp"

namespace eosim::sim {

struct LinkProfile {
    TimeUs latency_us = 500;
    TimeUs jitter_us = 0;  // uniform extra delay in [0, jitter_us]
    // Bytes per second one direction carries; 0 is unlimited. A message waits for the ones
    // ahead of it on the link (any connection) to leave, then takes size / bandwidth to send.
    std::int64_t bandwidth_bytes_per_s = 0;
};

// Fault-controlled state of one direction of a link.
// Faults overlap (two partitions that both cut a link, two loss windows), so partitions and
// loss windows are counted: the link heals when the last one ends, not the first.
struct LinkFaults {
    TimeUs extra_delay_us = 0;  // delay spike
    int drop_windows = 0;       // while > 0, a message sent now is lost and the connection stalls
    // A network partition: nothing gets through, nothing is lost. Messages (and a FIN) wait, in
    // order, and travel when the last partition cutting the link heals, unless the connection
    // is closed first.
    int partitions = 0;
    bool drops_messages() const { return drop_windows > 0; }
    bool partitioned() const { return partitions > 0; }
    // Extra delay for messages of one type only (matched on Payload::type_name()).
    std::vector<std::pair<std::string, TimeUs>> type_delays;
};

struct Connection {
    NodeId client = 0;
    NodeId server = 0;
    std::uint32_t client_incarnation = 0;
    std::uint32_t server_incarnation = 0;
    bool open = true;  // false once either side closed it: nothing more can be sent
    // Index 0: client -> server, 1: server -> client.
    // A side that closed stops reading: messages toward it are lost. Messages it sent before
    // closing still arrive (they are ahead of its FIN), as with TCP.
    bool accepting[2] = {true, true};
    TimeUs last_arrival_us[2] = {0, 0};
    // A lost message leaves a hole in the byte stream: nothing after it arrives either, until
    // the connection is closed. (A real TCP stream cannot deliver past a gap.)
    bool stalled[2] = {false, false};
};

class Network {
public:
    Network(std::uint64_t seed, LinkProfile default_profile);

    // Nodes are registered in id order; a link's jitter stream is named after its endpoints,
    // so adding a node elsewhere does not change it.
    void add_node(std::string name);
    void set_profile(NodeId from, NodeId to, LinkProfile profile);
    LinkFaults& faults(NodeId from, NodeId to);
    // Latency for one message sent now on from->to, including jitter and spikes.
    TimeUs draw_latency(NodeId from, NodeId to, std::string_view message_type = {});
    // When a message of size_bytes, handed to from->to at now_us, has left the sender: at once on
    // an unlimited link, else after the queue ahead of it and its own transmission time.
    TimeUs transmit_done_us(NodeId from, NodeId to, TimeUs now_us, std::int64_t size_bytes);

    ConnectionId open(NodeId client, NodeId server, std::uint32_t client_incarnation,
                      std::uint32_t server_incarnation);
    Connection& connection(ConnectionId id);
    std::size_t connection_count() const { return connections_.size(); }

private:
    struct Link {
        LinkProfile profile;
        Prng prng;
        LinkFaults faults;
        TimeUs busy_until_us = 0;  // the last byte queued on the link leaves then
    };
    Link& link(NodeId from, NodeId to);

    std::uint64_t seed_;
    LinkProfile default_profile_;
    std::vector<std::string> names_;
    std::map<std::pair<NodeId, NodeId>, Link> links_;
    std::vector<Connection> connections_;
};

}  // namespace eosim::sim
