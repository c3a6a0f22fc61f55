#pragma once
// What a broker parks in its purgatories, as ReplicaManager does: DelayedFetch (a consumer's
// fetch waiting for data, fetch.min.bytes = 1, up to max.wait.ms), the same for a follower's fetch,
// and DelayedProduce (a write waiting until the ISR has it: acks=all produces, transaction
// markers, coordinator records). Private to the replica manager: each reads and answers through it.
#include <vector>

#include "kafka/broker/purgatory.hpp"
#include "kafka/broker/replica_manager.hpp"

namespace eosim::kafka {

// Kafka's DelayedFetch for a consumer: completes once a watched partition has data to return.
class ReplicaManager::DelayedFetch final : public DelayedOperation {
public:
    DelayedFetch(ReplicaManager& replicas, sim::ConnectionId connection, std::int32_t correlation, FetchRequest request)
        : replicas_(replicas), connection_(connection), correlation_(correlation), request_(std::move(request)) {}
    bool watches(const TopicPartition& key) const override;
    // Data only: e.g. read_committed behind an open transaction keeps waiting.
    bool try_complete() override;
    void on_complete() override;

private:
    ReplicaManager& replicas_;
    sim::ConnectionId connection_;
    std::int32_t correlation_;
    FetchRequest request_;
};

// DelayedFetch for a follower: any change to a partition it follows (new records, a higher high
// watermark) is news for it, so a check always completes it.
class ReplicaManager::DelayedReplicaFetch final : public DelayedOperation {
public:
    DelayedReplicaFetch(ReplicaManager& replicas, sim::ConnectionId connection, std::int32_t correlation,
                        ReplicaFetchRequest request)
        : replicas_(replicas), connection_(connection), correlation_(correlation), request_(std::move(request)) {}
    bool watches(const TopicPartition& key) const override;
    bool try_complete() override { return true; }
    // Reads anew: reading records the follower's position (which may move the high watermark).
    void on_complete() override;

private:
    ReplicaManager& replicas_;
    sim::ConnectionId connection_;
    std::int32_t correlation_;
    ReplicaFetchRequest request_;
};

// Kafka's DelayedProduce: completes once every partition is decided (Partition.
// checkEnoughReplicasReachOffset); at expiry the undecided ones answer REQUEST_TIMED_OUT.
class ReplicaManager::DelayedProduce final : public DelayedOperation {
public:
    DelayedProduce(ReplicaManager& replicas, std::vector<ProducePartitionStatus> statuses, ProduceCallback done)
        : replicas_(replicas), statuses_(std::move(statuses)), done_(std::move(done)) {}
    bool watches(const TopicPartition& key) const override;
    bool try_complete() override;
    void on_complete() override { done_(statuses_); }

private:
    ReplicaManager& replicas_;
    std::vector<ProducePartitionStatus> statuses_;
    ProduceCallback done_;
};

}  // namespace eosim::kafka
