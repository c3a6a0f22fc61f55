#include "kafka/client/leader_cache.hpp"

namespace eosim::kafka {

std::int32_t LeaderCache::leader_of(const TopicPartition& partition) const {
    const auto found = known_.find(partition);
    if (found != known_.end()) return found->second.leader;
    return layout_->leader_of(partition);
}

bool LeaderCache::update(const MetadataResponse& response) {
    bool changed = false;
    bool complete = true;
    for (const auto& p : response.partitions) {
        Known& known = known_[p.partition];
        // An error, or an answer from a broker that lags behind what we know (KIP-320).
        if (p.error == ErrorCode::NONE && p.leader_epoch >= known.leader_epoch) {
            changed = changed || known.leader != p.leader;
            known = Known{p.leader, p.leader_epoch};
        }
        complete = complete && known.leader != kNoLeader;
    }
    // Keep asking (another broker, after a backoff) while some partition has no known leader.
    stale_ = !complete;
    return changed;
}

}  // namespace eosim::kafka
