#include "kafka/leader_cache.hpp"

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
        if (p.error != ErrorCode::NONE) {
            complete = false;
            continue;
        }
        Known& known = known_[p.partition];
        if (p.leader_epoch < known.leader_epoch) continue;  // stale answer from a lagging broker
        changed = changed || known.leader != p.leader;
        known = Known{p.leader, p.leader_epoch};
        complete = complete && p.leader != kNoLeader;
    }
    // Keep asking while some partition has no leader.
    stale_ = !complete;
    return changed;
}

}  // namespace eosim::kafka
