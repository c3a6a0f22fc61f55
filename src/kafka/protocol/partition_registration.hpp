#pragma once
// The controller's record of one partition (KRaft's PartitionRegistration) and the rules that
// change it: leader election from the ISR (or, unclean, from any live replica), fencing and
// unfencing of brokers, and AlterPartition requests from leaders. Pure functions over values so
// that each rule is tested on its own.
#include <cstdint>
#include <functional>
#include <optional>
#include <vector>

#include "kafka/protocol/errors.hpp"
#include "kafka/protocol/record_batch.hpp"

namespace eosim::kafka {

constexpr std::int32_t kNoLeader = -1;

struct PartitionRegistration {
    TopicPartition partition;
    std::vector<std::int32_t> replicas;  // preferred order
    std::vector<std::int32_t> isr;
    // Eligible leader replicas (KIP-966): members that left the ISR while it was below
    // min.insync.replicas. They hold everything up to the high watermark, so electing one is clean.
    std::vector<std::int32_t> elr;
    std::int32_t leader = kNoLeader;  // kNoLeader: offline
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;  // bumped by every change

    bool in_isr(std::int32_t broker) const;
    bool in_elr(std::int32_t broker) const;
    bool has_replica(std::int32_t broker) const;
};

// The controller's view of every replicated partition, versioned; brokers keep a copy.
struct MetadataImage {
    std::int64_t version = -1;
    std::vector<PartitionRegistration> partitions;
    // Brokers registered as fenced or in controlled shutdown (BrokerRegistration's fenced and
    // inControlledShutdown), in id order: a leader does not propose them for its ISR.
    std::vector<std::int32_t> ineligible_brokers;
};

using IsLive = std::function<bool(std::int32_t broker)>;

struct ElectionRules {
    bool unclean_enabled = false;      // unclean.leader.election.enable
    std::int32_t min_insync_replicas = 1;
};

// What an election decided; unclean: the new leader was in neither ISR nor ELR (data may be lost).
struct Election {
    std::int32_t leader = kNoLeader;
    bool unclean = false;
};

// PartitionChangeBuilder's choice: the first live ISR member in replica order; else the first
// live ELR member; else, if unclean election is enabled, the first live replica; else none.
Election elect_leader(const PartitionRegistration& partition, const IsLive& live, const ElectionRules& rules);

// A broker was fenced (session timeout): it leaves the ISR, into the ELR if the ISR is now below
// min.insync.replicas (so even the last member stays electable), and loses leadership. Returns
// true if changed.
bool fence_broker(PartitionRegistration& partition, std::int32_t broker, const IsLive& live,
                  const ElectionRules& rules, bool* unclean_election = nullptr);
// A broker came back: an offline partition it can lead gets it as leader.
bool unfence_broker(PartitionRegistration& partition, std::int32_t broker, const IsLive& live,
                    const ElectionRules& rules, bool* unclean_election = nullptr);
// A broker registered after losing unflushed data (KIP-966's unclean shutdown): its log may be
// shorter than what it acknowledged, so it leaves ISR and ELR, even as their last member.
bool forget_unclean_replica(PartitionRegistration& partition, std::int32_t broker);

struct AlterPartitionChange {
    std::int32_t broker_id = -1;  // the leader asking
    std::int32_t leader_epoch = 0;
    std::int32_t partition_epoch = 0;
    std::vector<std::int32_t> new_isr;
};

// The controller's AlterPartition checks: only the current leader in its current epoch, against
// the current partition epoch, with live replicas. Applies the change on NONE.
ErrorCode alter_partition(PartitionRegistration& partition, const AlterPartitionChange& change,
                          const IsLive& live, const ElectionRules& rules);

}  // namespace eosim::kafka
