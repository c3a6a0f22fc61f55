#include "kafka/protocol/cluster_layout.hpp"

#include <algorithm>

#include "base/assert.hpp"
#include "sim/prng.hpp"

namespace eosim::kafka {

const TopicSpec* ClusterLayout::find_topic(const std::string& name) const {
    for (const TopicSpec& topic : topics) {
        if (topic.name == name) return &topic;
    }
    return nullptr;
}

bool ClusterLayout::is_internal(const std::string& topic) {
    return topic == kConsumerOffsets || topic == kTransactionState;
}

TopicPartition ClusterLayout::offsets_partition_of_group(const std::string& group_id) const {
    EOSIM_ASSERT(!broker_nodes.empty());
    return {kConsumerOffsets, static_cast<std::int32_t>(sim::stable_hash(group_id) % broker_nodes.size())};
}

TopicPartition ClusterLayout::transaction_partition_of(const std::string& transactional_id) const {
    EOSIM_ASSERT(!broker_nodes.empty());
    return {kTransactionState, static_cast<std::int32_t>(sim::stable_hash(transactional_id) % broker_nodes.size())};
}

std::int32_t ClusterLayout::coordinator_of_transaction(const std::string& transactional_id) const {
    return leader_of(transaction_partition_of(transactional_id));
}

std::int32_t ClusterLayout::leader_of(const TopicPartition& partition) const {
    EOSIM_ASSERT(!broker_nodes.empty());
    if (is_internal(partition.topic)) {
        EOSIM_ASSERT(partition.partition >= 0);
        EOSIM_ASSERT(partition.partition < broker_count());
        return partition.partition;
    }
    for (std::size_t i = 0; i < topics.size(); ++i) {
        if (topics[i].name != partition.topic) continue;
        EOSIM_ASSERT(partition.partition >= 0);
        EOSIM_ASSERT(partition.partition < topics[i].partitions);
        return static_cast<std::int32_t>((i + static_cast<std::size_t>(partition.partition)) %
                                         broker_nodes.size());
    }
    EOSIM_UNREACHABLE("unknown topic");
    return 0;
}

std::int32_t ClusterLayout::coordinator_of_group(const std::string& group_id) const {
    return leader_of(offsets_partition_of_group(group_id));
}

std::vector<TopicPartition> ClusterLayout::partitions_of(const std::string& topic) const {
    std::vector<TopicPartition> result;
    const TopicSpec* spec = find_topic(topic);
    EOSIM_ASSERT(spec != nullptr);
    for (std::int32_t p = 0; p < spec->partitions; ++p) result.push_back({topic, p});
    return result;
}

std::vector<std::int32_t> ClusterLayout::replicas_of(const TopicPartition& partition) const {
    const std::int32_t first = leader_of(partition);
    std::int32_t factor = 1;
    if (const TopicSpec* topic = find_topic(partition.topic)) factor = topic->replication_factor;
    if (partition.topic == kTransactionState && replication.enabled) {
        factor = std::min(replication.transaction_log_replication_factor, broker_count());
    }
    if (partition.topic == kConsumerOffsets && replication.enabled) {
        factor = std::min(replication.offsets_topic_replication_factor, broker_count());
    }
    EOSIM_ASSERT(factor >= 1);
    EOSIM_ASSERT(factor <= broker_count());
    std::vector<std::int32_t> replicas;
    for (std::int32_t i = 0; i < factor; ++i) replicas.push_back((first + i) % broker_count());
    return replicas;
}

MetadataImage ClusterLayout::initial_image() const {
    MetadataImage image{0, {}, {}};
    std::vector<TopicPartition> all;
    for (const TopicSpec& topic : topics) {
        for (const TopicPartition& tp : partitions_of(topic.name)) all.push_back(tp);
    }
    // With replication the internal topics are replicated too.
    if (replication.enabled) {
        for (std::int32_t p = 0; p < broker_count(); ++p) all.push_back({kTransactionState, p});
        for (std::int32_t p = 0; p < broker_count(); ++p) all.push_back({kConsumerOffsets, p});
    }
    for (const TopicPartition& tp : all) {
        PartitionRegistration p;
        p.partition = tp;
        p.replicas = replicas_of(tp);
        p.isr = p.replicas;
        p.leader = p.replicas.front();
        image.partitions.push_back(std::move(p));
    }
    return image;
}

}  // namespace eosim::kafka
