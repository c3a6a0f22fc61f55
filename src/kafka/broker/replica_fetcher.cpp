// The replica manager as a follower: the controller's image says whom to follow
// (ReplicaManager.applyDelta), and one fetch at a time goes to each leader, truncating where this
// replica's history and the leader's part (KIP-320), as Kafka's ReplicaFetcherThread does.
#include <algorithm>
#include <set>
#include <string>

#include "base/assert.hpp"
#include "kafka/broker/replica_manager.hpp"

namespace eosim::kafka {

bool ReplicaManager::apply_image(const MetadataImage& image) {
    if (image.version <= image_version_) return false;  // an older image arrived late
    std::map<TopicPartition, PartitionRegistration> previous = std::move(image_);
    image_.clear();
    image_version_ = image.version;
    ineligible_brokers_ = image.ineligible_brokers;
    for (const PartitionRegistration& p : image.partitions) image_.emplace(p.partition, p);
    for (const auto& [tp, p] : image_) {
        if (partitions_.count(tp) == 0) continue;  // not a replica here
        const auto old = previous.find(tp);
        const bool was_leader = leader_states_.count(tp) > 0;
        if (p.leader == broker_id_) {
            if (!was_leader || old == previous.end() || old->second.leader_epoch != p.leader_epoch) {
                become_leader(p);
            } else {
                maybe_advance_high_watermark(tp);  // a smaller ISR may let it move
            }
        } else if (was_leader) {
            resign_leadership(tp);
        }
    }
    std::set<std::int32_t> leaders;
    for (const auto& [tp, p] : image_) {
        if (partitions_.count(tp) > 0 && p.leader != broker_id_ && p.leader != kNoLeader) leaders.insert(p.leader);
    }
    for (std::int32_t leader : leaders) fetch_from_leader(leader);
    return true;
}

void ReplicaManager::fetch_from_leader(std::int32_t leader) {
    EOSIM_ASSERT(leader != broker_id_);
    EOSIM_ASSERT(leader != kNoLeader);
    if (fetching_from_[leader]) return;
    ReplicaFetchRequest request{broker_id_, layout_->replication.replica_fetch_wait_max_ms, {}};
    for (const auto& [tp, p] : image_) {
        const auto local = partitions_.find(tp);
        if (p.leader != leader || local == partitions_.end()) continue;
        const PartitionLog& log = local->second.log();
        request.partitions.push_back({tp, log.log_end_offset(), log.latest_epoch(), p.leader_epoch});
    }
    if (request.partitions.empty()) return;
    fetching_from_[leader] = true;
    host_->send_to_broker(leader, std::move(request), [this, leader](const MessageBody* body) {
        if (body == nullptr) {
            fetching_from_[leader] = false;
            host_->after(sim::ms(layout_->replication.replica_fetch_backoff_ms), [this, leader] { fetch_from_leader(leader); });
            return;
        }
        const auto& response = std::get<ReplicaFetchResponse>(*body);
        const sim::TimeUs append_us = follower_append_us(response);
        if (append_us == 0) return on_replica_fetched(leader, response);
        // The fetcher thread appends what it fetched before it asks again (appendAsFollower).
        host_->after(append_us, [this, leader, response] { on_replica_fetched(leader, response); });
    });
}

// A follower's append costs what a leader's does per batch (cluster.cost.append_us); without a
// cost block it is free and the response is applied in the event that delivered it.
sim::TimeUs ReplicaManager::follower_append_us(const ReplicaFetchResponse& response) const {
    std::int64_t batches = 0;
    for (const auto& data : response.partitions) batches += static_cast<std::int64_t>(data.batches.size());
    return config_->cost.append_us * batches;
}

void ReplicaManager::on_replica_fetched(std::int32_t leader, const ReplicaFetchResponse& response) {
    fetching_from_[leader] = false;
    bool failed = false;
    for (const auto& data : response.partitions) {
        const PartitionRegistration* p = registration(data.partition);
        if (p == nullptr || p->leader != leader || partitions_.count(data.partition) == 0) continue;
        if (data.error != ErrorCode::NONE) {
            failed = true;  // e.g. the leader has not seen the new epoch yet
            continue;
        }
        follower_apply(data);
    }
    if (failed) {
        host_->after(sim::ms(layout_->replication.replica_fetch_backoff_ms), [this, leader] { fetch_from_leader(leader); });
        return;
    }
    fetch_from_leader(leader);
}

void ReplicaManager::follower_apply(const ReplicaFetchResponse::PartitionData& data) {
    Partition& partition = partitions_.at(data.partition);
    const std::int32_t leader_epoch = registration(data.partition)->leader_epoch;
    if (data.diverging_epoch >= 0 || data.diverging_end_offset >= 0) {
        // Truncate to where this replica's history and the leader's agree.
        const auto [epoch, own_end] = partition.log().end_offset_for_epoch(data.diverging_epoch);
        const std::int64_t target = epoch < 0 ? 0 : std::min(own_end, data.diverging_end_offset);
        const std::string name = data.partition.str();
        host_->trace(sim::StateChange("replica.truncate")
                                     .with("partition", name)
                                     .with("from_offset", partition.log().log_end_offset())
                                     .with("to_offset", target));
        // The high watermark goes back only across a leader change: a divergence below it shows
        // in a newer epoch than the one it was last set in (records below it can be lost when an
        // unclean election, or replicas that lost unflushed data, left them on the old leader).
        if (target < partition.high_watermark()) {
            EOSIM_ASSERT_LT(partition.log().high_watermark_epoch(), leader_epoch);
        }
        partition.truncate_to(target);
        return;
    }
    for (const LogBatch& batch : data.batches) {
        if (batch.base_offset != partition.log().log_end_offset()) continue;  // already have it
        // The answer to a fetch sent before this replica led in a newer epoch: its divergence
        // was not checked against that epoch, so drop it; the next fetch carries the new epoch.
        if (batch.leader_epoch < partition.log().latest_epoch()) return;
        partition.append_replica(batch);
    }
    maybe_flush(data.partition);
    partition.set_high_watermark(std::min(data.high_watermark, partition.log().log_end_offset()), leader_epoch);
}

}  // namespace eosim::kafka
