#include "kafka/broker/delayed_operations.hpp"


namespace eosim::kafka {

bool ReplicaManager::DelayedFetch::watches(const TopicPartition& key) const {
    for (const auto& p : request_.partitions) {
        if (p.partition == key) return true;
    }
    return false;
}

bool ReplicaManager::DelayedFetch::try_complete() {
    const FetchResponse response = replicas_.read_fetch(request_);
    for (const auto& p : response.partitions) {
        if (!p.batches.empty()) return true;
    }
    return false;
}

void ReplicaManager::DelayedFetch::on_complete() { replicas_.host_->reply(connection_, correlation_, replicas_.read_fetch(request_)); }

bool ReplicaManager::DelayedReplicaFetch::watches(const TopicPartition& key) const {
    for (const auto& p : request_.partitions) {
        if (p.partition == key) return true;
    }
    return false;
}

void ReplicaManager::DelayedReplicaFetch::on_complete() {
    replicas_.host_->reply(connection_, correlation_, replicas_.read_replica_fetch(request_));
}

bool ReplicaManager::DelayedProduce::watches(const TopicPartition& key) const {
    for (const auto& status : statuses_) {
        if (status.partition == key) return true;
    }
    return false;
}

bool ReplicaManager::DelayedProduce::try_complete() {
    bool all_done = true;
    for (auto& status : statuses_) all_done = replicas_.settle_waiting(status) && all_done;
    return all_done;
}

}  // namespace eosim::kafka
