#pragma once
// A client's metadata: which broker leads each partition. Without replication leaders never
// move, and the configured assignment stands in for the bootstrap. With replication a client
// starts knowing nothing, as a KafkaProducer or KafkaConsumer does (Metadata.bootstrap: nodes
// only, no leaders), so a restarted client asks a broker instead of trusting where leaders were
// when the run began (swarm seed 64492: a restarted processor went straight to a deposed
// coordinator). It marks the cache stale again on NOT_LEADER_OR_FOLLOWER, a fenced epoch or a
// dead connection. Answers carrying an older leader epoch than the one known are ignored (KIP-320).
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/protocol/messages.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

class LeaderCache {
public:
    // first_broker: where the first Metadata request goes (NetworkClient.leastLoadedNode starts
    // at a random node).
    LeaderCache(std::shared_ptr<const ClusterLayout> layout, std::int32_t first_broker)
        : layout_(std::move(layout)), stale_(refreshable()), next_broker_(first_broker) {}

    // kNoLeader while the partition is offline or not known yet; asking for an unknown one marks
    // the cache stale, so the next Metadata request asks for it (Metadata.add for a new topic).
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
    mutable bool stale_ = false;  // a lookup of an unknown partition sets it
    std::int32_t next_broker_ = 0;
};

// A drawn broker, different per client and per incarnation (the start time is in the stream name).
std::int32_t first_metadata_broker(const sim::Simulation& sim, sim::NodeId host, const ClusterLayout& layout);

}  // namespace eosim::kafka
