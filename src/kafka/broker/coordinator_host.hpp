#pragma once
// The coordinators a broker runs, loaded and unloaded as leadership of the internal partitions
// moves (Kafka's metadata publisher calls the coordinators' onElection / onResignation).
// Without replication: one transaction coordinator for the transactional ids whose
// __transaction_state partition is statically here, writing to a durable record list, and the
// static group state on disk. With replication: one transaction coordinator per
// __transaction_state partition this broker leads (coordinator epoch = the partition's leader
// epoch), whose records are batches appended as leader and acknowledged once replicated; and the
// group state of each __consumer_offsets partition it leads, loaded from the newest snapshot
// record in its replica. Either loads only once the leader's whole log is committed.
//
// The group protocol's requests are the broker's (broker_groups.cpp, broker_membership.cpp);
// this is where their state is found.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/broker/broker_config.hpp"
#include "kafka/broker/replica_manager.hpp"
#include "kafka/coordinator/group_coordinator.hpp"
#include "kafka/coordinator/transaction_coordinator.hpp"
#include "kafka/log/partition_log.hpp"
#include "kafka/protocol/cluster_layout.hpp"

namespace eosim::kafka {

// What the coordinator host needs of its broker besides a TxnCoordinatorHost.
class CoordinatorHostListener {
public:
    virtual ReplicaManager& replicas() = 0;
    // A group state was loaded (restart its sessions), or is about to be unloaded (answer its
    // parked requests NOT_COORDINATOR).
    virtual void groups_loaded(GroupStorage& state) = 0;
    virtual void unload_groups(std::int32_t offsets_partition) = 0;

protected:
    ~CoordinatorHostListener() = default;
};

class CoordinatorHost {
public:
    // The durable part, on the broker's disk.
    struct Disk {
        GroupStorage* groups = nullptr;          // without replication
        std::int32_t* coordinator_loads = nullptr;  // without replication: the coordinator epoch
        const std::map<TopicPartition, PartitionLog>* logs = nullptr;
    };
    CoordinatorHost(TxnCoordinatorHost& broker, CoordinatorHostListener& listener, std::int32_t broker_id,
                    std::shared_ptr<const ClusterLayout> layout, const BrokerConfig& config, Disk disk);

    // Without replication, at every start: the static coordinator and groups.
    void load_static();
    // With replication: load, reload or unload the coordinator of an internal partition to match
    // this broker's role and the partition's leader epoch.
    void sync(const TopicPartition& internal_partition);

    TransactionCoordinator* transaction_coordinator(const std::string& transactional_id);
    std::vector<const TransactionCoordinator*> transaction_coordinators() const;
    void abort_timed_out_transactions();
    // The state of a group this broker coordinates now (nullptr: NOT_COORDINATOR).
    GroupStorage* group_state(const std::string& group_id);
    // As loaded, whether or not this broker still leads its partition.
    const GroupStorage* loaded_group_state(const std::string& group_id) const;
    // The loaded state of an offsets partition (replication only).
    GroupStorage* offsets_partition_state(std::int32_t offsets_partition);

private:
    class PartitionTxnHost;
    struct CoordinatorSlot {
        std::shared_ptr<PartitionTxnHost> host;  // shared: complete only in coordinator_host.cpp
        std::unique_ptr<TransactionCoordinator> coordinator;
    };
    bool replicated() const { return layout_->replication.enabled; }
    void sync_groups(const TopicPartition& offsets_partition, const PartitionRegistration& p, bool leading,
                     bool committed);
    void load_group_state(const TopicPartition& offsets_partition);
    void load_transaction_coordinator(const PartitionRegistration& registration);
    void retire_transaction_coordinator(std::int32_t partition);

    TxnCoordinatorHost* broker_;  // pointers: the broker's memory, this included, is reassigned on crash
    CoordinatorHostListener* listener_;
    std::int32_t broker_id_;
    std::shared_ptr<const ClusterLayout> layout_;
    const BrokerConfig* config_;
    Disk disk_;
    std::unique_ptr<TransactionCoordinator> transactions_;  // without replication
    // With replication: by __transaction_state partition. A retired host silences the callbacks
    // its coordinator left behind.
    std::map<std::int32_t, CoordinatorSlot> partition_coordinators_;
    // With replication: by __consumer_offsets partition, with the leader epoch each was loaded in.
    std::map<std::int32_t, GroupStorage> group_states_;
    std::map<std::int32_t, std::int32_t> group_state_epochs_;
};

}  // namespace eosim::kafka
