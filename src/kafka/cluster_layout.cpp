#include "kafka/cluster_layout.hpp"

#include <cassert>

#include "sim/prng.hpp"

namespace eosim::kafka {

const TopicSpec* ClusterLayout::find_topic(const std::string& name) const {
    for (const TopicSpec& topic : topics) {
        if (topic.name == name) return &topic;
    }
    return nullptr;
}

std::int32_t ClusterLayout::leader_of(const TopicPartition& partition) const {
    assert(!broker_nodes.empty());
    for (std::size_t i = 0; i < topics.size(); ++i) {
        if (topics[i].name != partition.topic) continue;
        assert(partition.partition >= 0 && partition.partition < topics[i].partitions);
        return static_cast<std::int32_t>((i + static_cast<std::size_t>(partition.partition)) %
                                         broker_nodes.size());
    }
    assert(false && "unknown topic");
    return 0;
}

std::int32_t ClusterLayout::coordinator_of_group(const std::string& group_id) const {
    assert(!broker_nodes.empty());
    return static_cast<std::int32_t>(sim::stable_hash(group_id) % broker_nodes.size());
}

std::vector<TopicPartition> ClusterLayout::partitions_of(const std::string& topic) const {
    std::vector<TopicPartition> result;
    const TopicSpec* spec = find_topic(topic);
    assert(spec != nullptr);
    for (std::int32_t p = 0; p < spec->partitions; ++p) result.push_back({topic, p});
    return result;
}

}  // namespace eosim::kafka
