#pragma once
// Static cluster metadata shared by brokers and clients: which broker leads which partition and
// coordinates which group. (Simplification: no Metadata RPC and no leader changes yet; the
// replication issue replaces this with a controller.)
#include <cstdint>
#include <string>
#include <vector>

#include "kafka/record_batch.hpp"
#include "sim/node.hpp"

namespace eosim::kafka {

struct TopicSpec {
    std::string name;
    std::int32_t partitions = 1;
};

struct ClusterLayout {
    std::vector<sim::NodeId> broker_nodes;  // index = broker id
    std::vector<TopicSpec> topics;

    std::int32_t broker_count() const { return static_cast<std::int32_t>(broker_nodes.size()); }
    const TopicSpec* find_topic(const std::string& name) const;
    // Leaders are spread round-robin: partition p of the i-th topic is led by (i + p) % brokers.
    std::int32_t leader_of(const TopicPartition& partition) const;
    // The group coordinator: the leader of the group's __consumer_offsets partition
    // (partitionFor(group) = a stable hash of the group id modulo the partitions).
    std::int32_t coordinator_of_group(const std::string& group_id) const;
    std::vector<TopicPartition> partitions_of(const std::string& topic) const;

    // Internal topics have one partition per broker; partition p is led by broker p.
    static constexpr const char* kConsumerOffsets = "__consumer_offsets";
    static constexpr const char* kTransactionState = "__transaction_state";
    static bool is_internal(const std::string& topic);
    TopicPartition offsets_partition_of_group(const std::string& group_id) const;
    TopicPartition transaction_partition_of(const std::string& transactional_id) const;
    std::int32_t coordinator_of_transaction(const std::string& transactional_id) const;
};

}  // namespace eosim::kafka
