#pragma once
// A client's metadata: which broker leads each partition. Starts from the configured assignment
// (the bootstrap); with replication, a client that meets NOT_LEADER_OR_FOLLOWER, a fenced epoch
// or a dead connection marks it stale and refreshes it with a Metadata request to some broker.
// Answers carrying an older leader epoch than the one known are ignored (KIP-320).
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/protocol/messages.hpp"

namespace eosim::kafka {

class LeaderCache {
public:
    explicit LeaderCache(std::shared_ptr<const ClusterLayout> layout) : layout_(std::move(layout)) {}

    // kNoLeader while the partition is offline.
    std::int32_t leader_of(const TopicPartition& partition) const;
    bool refreshable() const { return layout_->replication.enabled; }
    void mark_stale() { stale_ = refreshable(); }
    bool stale() const { return stale_; }
    // The broker to ask next: round the ring, so that a dead broker is not asked forever.
    std::int32_t next_broker() { return next_broker_++ % layout_->broker_count(); }
    MetadataRequest request(const std::vector<TopicPartition>& partitions) const {
        return MetadataRequest{partitions};
    }
    // Returns true if some leader changed.
    bool update(const MetadataResponse& response);

private:
    struct Known {
        std::int32_t leader = kNoLeader;
        std::int32_t leader_epoch = -1;
    };
    std::shared_ptr<const ClusterLayout> layout_;
    std::map<TopicPartition, Known> known_;
    bool stale_ = false;
    std::int32_t next_broker_ = 0;
};

}  // namespace eosim::kafka
