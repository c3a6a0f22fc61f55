#pragma once
// The controller's record of one partition (KRaft's PartitionRegistration) and the rules that
// change it: leader election from the ISR (or, unclean, from any live replica), fencing and
// unfencing of brokers, and AlterPartition requests from leaders. Pure functions over values so
// that each rule is tested on its own.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "kafka/errors.hpp"
#include "kafka/record_batch.hpp"

namespace eosim::kafka {

constexpr std::int32_t kNoLeader = -1;

struct PartitionRegistration {
    TopicPartition partition;
    std::vector<std::int32_t> replicas;  // preferred order
    std::vector<std::int32_t> isr;
    std::int32_t leader = kNoLeader;  // kNoLeader: offline
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;  // bumped by every change

    bool in_isr(std::int32_t broker) const;
    bool has_replica(std::int32_t broker) const;
};

// The controller's view of every replicated partition, versioned; brokers keep a copy.
struct MetadataImage {
    std::int64_t version = -1;
    std::vector<PartitionRegistration> partitions;
};

using IsLive = std::function<bool(std::int32_t broker)>;

// What an election decided; unclean: the new leader was not in the ISR (data may be lost).
struct Election {
    std::int32_t leader = kNoLeader;
    bool unclean = false;
};

// PartitionChangeBuilder's choice: the first live ISR member in replica order; else, if unclean
// election is enabled, the first live replica; else no leader.
Election elect_leader(const PartitionRegistration& partition, const IsLive& live,
                      bool unclean_enabled);

// A broker was fenced (session timeout): it leaves every ISR (except as the last member, which
// KRaft keeps so a clean election stays possible) and loses leadership. Returns true if changed.
bool fence_broker(PartitionRegistration& partition, std::int32_t broker, const IsLive& live,
                  bool unclean_enabled, bool* unclean_election = nullptr);
// A broker came back: an offline partition it can lead gets it as leader.
bool unfence_broker(PartitionRegistration& partition, std::int32_t broker, const IsLive& live,
                    bool unclean_enabled, bool* unclean_election = nullptr);

struct AlterPartitionChange {
    std::int32_t broker_id = -1;  // the leader asking
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;
    std::vector<std::int32_t> new_isr;
};

// The controller's AlterPartition checks: only the current leader in its current epoch, against
// the current partition epoch, with live replicas. Applies the change on NONE.
ErrorCode alter_partition(PartitionRegistration& partition, const AlterPartitionChange& change,
                          const IsLive& live);

}  // namespace eosim::kafka
