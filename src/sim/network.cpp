#include "sim/network.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::sim {

Network::Network(std::uint64_t seed, LinkProfile default_profile)
    : seed_(seed), default_profile_(default_profile) {}

void Network::add_node(std::string name) { names_.push_back(std::move(name)); }

Network::Link& Network::link(NodeId from, NodeId to) {
    EOSIM_ASSERT(from < names_.size());
    EOSIM_ASSERT(to < names_.size());
    const auto key = std::make_pair(from, to);
    auto found = links_.find(key);
    if (found == links_.end()) {
        Prng prng = Prng::stream(seed_, "link/" + names_[from] + "/" + names_[to]);
        found = links_.emplace(key, Link{default_profile_, prng, LinkFaults{}}).first;
    }
    return found->second;
}

void Network::set_profile(NodeId from, NodeId to, LinkProfile profile) {
    EOSIM_ASSERT(profile.latency_us >= 0);
    EOSIM_ASSERT(profile.jitter_us >= 0);
    link(from, to).profile = profile;
}

LinkFaults& Network::faults(NodeId from, NodeId to) { return link(from, to).faults; }

TimeUs Network::transmit_done_us(NodeId from, NodeId to, TimeUs now_us, std::int64_t size_bytes) {
    Link& l = link(from, to);
    const std::int64_t bandwidth = l.profile.bandwidth_bytes_per_s;
    if (bandwidth == 0 || size_bytes == 0) return std::max(now_us, l.busy_until_us);
    EOSIM_ASSERT(size_bytes > 0 && bandwidth > 0);
    const TimeUs send_us = (size_bytes * 1'000'000 + bandwidth - 1) / bandwidth;  // rounded up
    l.busy_until_us = std::max(now_us, l.busy_until_us) + send_us;
    return l.busy_until_us;
}

TimeUs Network::draw_latency(NodeId from, NodeId to, std::string_view message_type) {
    Link& l = link(from, to);
    TimeUs latency_us = l.profile.latency_us + l.faults.extra_delay_us;
    for (const auto& [type, extra_us] : l.faults.type_delays) {
        if (type == message_type) latency_us += extra_us;
    }
    if (l.profile.jitter_us > 0) latency_us += l.prng.between(0, l.profile.jitter_us);
    EOSIM_ASSERT(latency_us >= 0);
    return latency_us;
}

ConnectionId Network::open(NodeId client, NodeId server, std::uint32_t client_incarnation,
                           std::uint32_t server_incarnation) {
    Connection c;
    c.client = client;
    c.server = server;
    c.client_incarnation = client_incarnation;
    c.server_incarnation = server_incarnation;
    connections_.push_back(c);
    return connections_.size() - 1;
}

Connection& Network::connection(ConnectionId id) {
    EOSIM_ASSERT(id < connections_.size());
    return connections_[id];
}

}  // namespace eosim::sim
