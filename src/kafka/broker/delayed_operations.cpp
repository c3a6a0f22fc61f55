#include "kafka/broker/delayed_operations.hpp"

#include "sim/simulation.hpp"

namespace eosim::kafka {

bool Broker::DelayedFetch::watches(const TopicPartition& key) const {
    for (const auto& p : request_.partitions) {
        if (p.partition == key) return true;
    }
    return false;
}

bool Broker::DelayedFetch::try_complete() {
    const FetchResponse response = broker_.read_fetch(request_);
    for (const auto& p : response.partitions) {
        if (!p.batches.empty()) return true;
    }
    return false;
}

void Broker::DelayedFetch::on_complete() { broker_.reply(connection_, correlation_, broker_.read_fetch(request_)); }

bool Broker::DelayedReplicaFetch::watches(const TopicPartition& key) const {
    for (const auto& p : request_.partitions) {
        if (p.partition == key) return true;
    }
    return false;
}

void Broker::DelayedReplicaFetch::on_complete() {
    broker_.reply(connection_, correlation_, broker_.read_replica_fetch(request_));
}

bool Broker::DelayedProduce::watches(const TopicPartition& key) const {
    for (const auto& status : statuses_) {
        if (status.partition == key) return true;
    }
    return false;
}

bool Broker::DelayedProduce::try_complete() {
    bool all_done = true;
    for (auto& status : statuses_) all_done = broker_.settle_waiting(status) && all_done;
    return all_done;
}

void Broker::wait_for_replication(std::vector<ProducePartitionStatus> waiting, std::int32_t timeout_ms,
                                  ProduceCallback done) {
    memory_.produce_purgatory.try_complete_else_watch(
        std::make_unique<DelayedProduce>(*this, std::move(waiting), std::move(done)), sim::ms(timeout_ms));
}

// Partition.checkEnoughReplicasReachOffset, per waiting partition. True once decided.
bool Broker::settle_waiting(ProducePartitionStatus& w) const {
    if (w.done) return true;
    const auto partition = memory_.partitions.find(w.partition);
    if (!leads(w.partition) || partition == memory_.partitions.end() || memory_.leader_states.count(w.partition) == 0) {
        w.result = ErrorCode::NOT_LEADER_OR_FOLLOWER;
    } else if (!enough_replicas(w.partition)) {
        // The record is in the leader's log but the ISR shrank under min.insync.replicas.
        w.result = ErrorCode::NOT_ENOUGH_REPLICAS_AFTER_APPEND;
    } else if (partition->second.high_watermark() >= w.required_offset) {
        w.result = ErrorCode::NONE;
    } else {
        return false;
    }
    w.done = true;
    return true;
}

// Followers first: what they fetch may move the high watermark, which consumers then see.
void Broker::complete_delayed_fetches(const TopicPartition& changed) {
    memory_.replica_fetch_purgatory.check_and_complete(changed);
    memory_.fetch_purgatory.check_and_complete(changed);
}

}  // namespace eosim::kafka
