#pragma once
// The cluster as configured: brokers, topics and where each partition's replicas are placed.
// Without replication this is also the static leadership every node uses. With replication it
// is only the initial assignment: the controller owns leadership from then on and clients learn
// it through Metadata requests.
#include <cstdint>
#include <string>
#include <vector>

#include "kafka/protocol/partition_registration.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "sim/node.hpp"

namespace eosim::kafka {

struct TopicSpec {
    std::string name;
    std::int32_t partitions = 1;
    std::int32_t replication_factor = 1;
};

// Replication and the controller (absent: single replicas with static leaders).
struct ReplicationConfig {
    bool enabled = false;
    std::int32_t min_insync_replicas = 1;           // min.insync.replicas
    bool unclean_leader_election = false;           // unclean.leader.election.enable
    std::int32_t replica_lag_time_max_ms = 30000;   // replica.lag.time.max.ms
    std::int32_t replica_fetch_wait_max_ms = 500;   // replica.fetch.wait.max.ms
    std::int32_t replica_fetch_backoff_ms = 1000;   // replica.fetch.backoff.ms
    std::int32_t broker_heartbeat_interval_ms = 2000;  // broker.heartbeat.interval.ms
    std::int32_t broker_session_timeout_ms = 9000;     // broker.session.timeout.ms
    // What a power loss cannot take: log.flush.interval.messages (0: not by count, Kafka's
    // default) and an interval standing for the OS writing dirty pages back (Kafka's own
    // log.flush.interval.ms is unset by default; Linux writes back within ~30 s).
    std::int64_t flush_interval_messages = 0;
    std::int32_t flush_interval_ms = 30000;
    // Records per log segment, standing in for log.segment.bytes: a roll takes a producer-state
    // snapshot, which is what a restart starts from (0: one segment, the whole log replays).
    std::int64_t segment_records = 0;
    // transaction.state.log.replication.factor (Kafka's default 3, capped at the broker count).
    std::int32_t transaction_log_replication_factor = 3;
    std::int32_t offsets_topic_replication_factor = 3;  // offsets.topic.replication.factor
};

struct ClusterLayout {
    std::vector<sim::NodeId> broker_nodes;  // index = broker id
    std::vector<TopicSpec> topics;
    ReplicationConfig replication;
    sim::NodeId controller_node = 0;  // with replication only

    std::int32_t broker_count() const { return static_cast<std::int32_t>(broker_nodes.size()); }
    const TopicSpec* find_topic(const std::string& name) const;
    // Leaders are spread round-robin: partition p of the i-th topic is led by (i + p) % brokers.
    std::int32_t leader_of(const TopicPartition& partition) const;
    // The group coordinator: the leader of the group's __consumer_offsets partition
    // (partitionFor(group) = a stable hash of the group id modulo the partitions).
    std::int32_t coordinator_of_group(const std::string& group_id) const;
    std::vector<TopicPartition> partitions_of(const std::string& topic) const;
    // Replicas in preferred order: the initial leader, then the next brokers round the ring.
    std::vector<std::int32_t> replicas_of(const TopicPartition& partition) const;
    // Version 0 of the metadata: every topic partition led by its first replica, full ISR.
    MetadataImage initial_image() const;

    // Internal topics have one partition per broker; partition p is led by broker p.
    static constexpr const char* kConsumerOffsets = "__consumer_offsets";
    static constexpr const char* kTransactionState = "__transaction_state";
    static bool is_internal(const std::string& topic);
    TopicPartition offsets_partition_of_group(const std::string& group_id) const;
    TopicPartition transaction_partition_of(const std::string& transactional_id) const;
    std::int32_t coordinator_of_transaction(const std::string& transactional_id) const;
};

}  // namespace eosim::kafka
