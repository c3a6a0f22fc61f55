#include "kafka/client/leader_cache.hpp"

#include <algorithm>
#include <string>

namespace eosim::kafka {

std::int32_t LeaderCache::leader_of(const TopicPartition& partition) const {
    const auto found = known_.find(partition);
    if (found != known_.end()) return found->second.leader;
    if (!refreshable()) return layout_->leader_of(partition);
    stale_ = true;
    return kNoLeader;
}

bool LeaderCache::update(const MetadataResponse& response) {
    bool changed = false;
    for (const auto& p : response.partitions) {
        Known& known = known_[p.partition];
        // An error, or an answer from a broker that lags behind what we know (KIP-320).
        if (p.error == ErrorCode::NONE && p.leader_epoch >= known.leader_epoch) {
            changed = changed || known.leader != p.leader;
            known = Known{p.leader, p.leader_epoch};
        }
    }
    // Keep asking (another broker, after a backoff) while some partition known to this client has
    // no leader, not only one this answer covered: an answer about the coordinator alone must not
    // leave an offline partition unrefreshed for good (swarm seed 70995).
    stale_ = std::any_of(known_.begin(), known_.end(), [](const auto& entry) { return entry.second.leader == kNoLeader; });
    return changed;
}

std::int32_t first_metadata_broker(const sim::Simulation& sim, sim::NodeId host, const ClusterLayout& layout) {
    sim::Prng prng = sim.stream("bootstrap/" + sim.node_name(host) + "@" + std::to_string(sim.now()));
    return static_cast<std::int32_t>(prng.below(static_cast<std::uint64_t>(layout.broker_count())));
}

}  // namespace eosim::kafka
