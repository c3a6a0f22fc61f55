// The replica manager's partitions, appends, consumer fetches, writes held until replicated and
// flushing. The leader's side of replication is in replica_leader.cpp, the follower's in
// replica_fetcher.cpp.
#include "kafka/broker/replica_manager.hpp"

#include <algorithm>

#include "base/assert.hpp"
#include "kafka/broker/delayed_operations.hpp"

namespace eosim::kafka {

ReplicaManager::ReplicaManager(ReplicaManagerHost& host, std::int32_t broker_id,
                               std::shared_ptr<const ClusterLayout> layout, const BrokerConfig& config,
                               std::map<TopicPartition, PartitionLog>& logs)
    : host_(&host),
      broker_id_(broker_id),
      layout_(std::move(layout)),
      config_(&config),
      logs_(&logs),
      fetch_purgatory_(host),
      replica_fetch_purgatory_(host),
      produce_purgatory_(host) {}

// A restart loads producer state from the latest snapshot (one batch per producer): the one a
// clean shutdown wrote at the log end, or else the one of the last segment roll, and replays the
// log after it.
void ReplicaManager::load_partitions() {
    EOSIM_ASSERT(partitions_.empty());
    for (auto& [tp, log] : *logs_) {
        auto [it, inserted] = partitions_.emplace(tp, Partition(log, !replicated()));
        const std::int64_t snapshot = std::max(it->second.last_roll_offset(layout_->replication.segment_records),
                                               log.producer_snapshot_offset());
        if (snapshot > 0) it->second.rebuild(snapshot);
    }
}

void ReplicaManager::startup() {
    schedule_flush();
    host_->after(sim::ms(layout_->replication.replica_lag_time_max_ms) / 2, [this] { shrink_isrs(); });
}

const Partition* ReplicaManager::partition(const TopicPartition& tp) const {
    const auto found = partitions_.find(tp);
    return found == partitions_.end() ? nullptr : &found->second;
}

Partition* ReplicaManager::partition(const TopicPartition& tp) {
    const auto found = partitions_.find(tp);
    return found == partitions_.end() ? nullptr : &found->second;
}

Partition& ReplicaManager::local_partition(const TopicPartition& tp) {
    Partition* found = partition(tp);
    EOSIM_ASSERT(found != nullptr);
    return *found;
}

bool ReplicaManager::leads(const TopicPartition& tp) const {
    if (ClusterLayout::is_internal(tp.topic) && replicated()) {
        return leader_of(tp) == broker_id_ && partitions_.count(tp) > 0;
    }
    if (ClusterLayout::is_internal(tp.topic)) {
        return tp.partition >= 0 && tp.partition < layout_->broker_count() && layout_->leader_of(tp) == broker_id_;
    }
    const TopicSpec* topic = layout_->find_topic(tp.topic);
    if (topic == nullptr || tp.partition < 0 || tp.partition >= topic->partitions) return false;
    return leader_of(tp) == broker_id_ && partitions_.count(tp) > 0;
}

std::int32_t ReplicaManager::leader_of(const TopicPartition& tp) const {
    if (!replicated()) return layout_->leader_of(tp);
    const PartitionRegistration* known = registration(tp);
    return known == nullptr ? kNoLeader : known->leader;
}

const PartitionRegistration* ReplicaManager::registration(const TopicPartition& tp) const {
    const auto found = image_.find(tp);
    return found == image_.end() ? nullptr : &found->second;
}

bool ReplicaManager::enough_replicas(const TopicPartition& tp) const {
    if (!replicated()) return true;
    const PartitionRegistration* p = registration(tp);
    if (p == nullptr) return false;
    const auto required = std::min<std::size_t>(static_cast<std::size_t>(layout_->replication.min_insync_replicas),
                                                p->replicas.size());
    return p->isr.size() >= required;
}

PartitionRules ReplicaManager::rules() const {
    PartitionRules r;
    r.dedup = !config_->knockouts.disable_idempotent_dedup;
    r.epoch_fencing = !config_->knockouts.disable_epoch_fencing;
    r.strict_marker_epoch = config_->transactions.transaction_version_2;
    r.idempotent_marker_retry = !config_->knockouts.disable_idempotent_marker_retry;
    return r;
}

// --- appends ---

void ReplicaManager::append_records(const ProduceRequest& request, const std::vector<TopicPartition>& rejected,
                                    ErrorCode rejection, ProduceResponseCallback done) {
    ProduceResponse response;
    std::vector<ProducePartitionStatus> waiting;
    for (const auto& data : request.partitions) {
        const bool refused = rejection != ErrorCode::NONE &&
                             std::find(rejected.begin(), rejected.end(), data.partition) != rejected.end();
        if (refused) {
            response.partitions.push_back({data.partition, rejection, -1, 0});
            continue;
        }
        response.partitions.push_back(append_to_partition(data.partition, data.batch, request.acks));
        if (response.partitions.back().error == ErrorCode::NONE) {
            // A duplicate waits for its original's offsets, as Kafka's delayed produce does.
            waiting.push_back({data.partition, response.partitions.back().base_offset + data.batch.record_count()});
        }
        complete_delayed_fetches(data.partition);
    }
    if (request.acks == 0 || request.acks == 1 || !replicated() || waiting.empty()) return done(std::move(response));
    // acks=all: answer once the high watermark passed every appended batch (DelayedProduce).
    wait_for_replication(std::move(waiting), request.timeout_ms,
                         [response, done](const std::vector<ProducePartitionStatus>& results) mutable {
                             for (auto& p : response.partitions) {
                                 for (const auto& w : results) {
                                     if (w.partition == p.partition && w.result != ErrorCode::NONE) p.error = w.result;
                                 }
                             }
                             done(std::move(response));
                         });
}

ProduceResponse::PartitionResponse ReplicaManager::append_to_partition(const TopicPartition& tp,
                                                                       const RecordBatch& batch, std::int16_t acks) {
    ProduceResponse::PartitionResponse result{tp, ErrorCode::NONE, -1, 0};
    if (!leads(tp) || ClusterLayout::is_internal(tp.topic)) {
        result.error = layout_->find_topic(tp.topic) == nullptr ? ErrorCode::UNKNOWN_TOPIC_OR_PARTITION
                                                                : ErrorCode::NOT_LEADER_OR_FOLLOWER;
        return result;
    }
    // Partition.appendRecordsToLeader: acks=all below min.insync.replicas writes nothing.
    if (acks == -1 && !enough_replicas(tp)) {
        result.error = ErrorCode::NOT_ENOUGH_REPLICAS;
        return result;
    }
    const AppendResult appended = partitions_.at(tp).append_data(batch, rules());
    if (replicated()) {
        maybe_flush(tp);
        maybe_advance_high_watermark(tp);  // e.g. the leader is the whole ISR
    }
    if (appended.duplicate) {
        host_->trace(sim::StateChange("broker.duplicate_batch")
                         .with("partition", tp.str())
                         .with("pid", batch.producer_id)
                         .with("seq", batch.base_sequence)
                         .with("original_offset", appended.base_offset));
    }
    result.error = appended.error;
    result.base_offset = appended.base_offset;
    return result;
}

std::int64_t ReplicaManager::append_to_leader(const TopicPartition& tp, const RecordBatch& batch) {
    const std::int64_t offset = partitions_.at(tp).append_data(batch, rules()).base_offset;
    maybe_flush(tp);
    maybe_advance_high_watermark(tp);
    complete_delayed_fetches(tp);
    return offset;
}

void ReplicaManager::appended_marker(const TopicPartition& tp) {
    if (replicated() && !ClusterLayout::is_internal(tp.topic)) maybe_advance_high_watermark(tp);
    complete_delayed_fetches(tp);
}

void ReplicaManager::wait_for_replication(std::vector<ProducePartitionStatus> waiting, std::int32_t timeout_ms,
                                          ProduceCallback done) {
    produce_purgatory_.try_complete_else_watch(
        std::make_unique<DelayedProduce>(*this, std::move(waiting), std::move(done)), sim::ms(timeout_ms));
}

// Partition.checkEnoughReplicasReachOffset, per waiting partition. True once decided.
bool ReplicaManager::settle_waiting(ProducePartitionStatus& w) const {
    if (w.done) return true;
    const auto partition = partitions_.find(w.partition);
    if (!leads(w.partition) || partition == partitions_.end() || leader_states_.count(w.partition) == 0) {
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

// --- consumer fetches ---

FetchResponse ReplicaManager::read_fetch(const FetchRequest& request) const {
    FetchResponse response;
    std::int32_t budget = request.max_records;
    for (const auto& wanted : request.partitions) {
        FetchResponse::PartitionData data{wanted.partition, ErrorCode::NONE, 0, 0, {}, {}};
        const auto found = partitions_.find(wanted.partition);
        if (found == partitions_.end() || !leads(wanted.partition)) {
            data.error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
        } else if (wanted.fetch_offset > found->second.log().log_end_offset()) {
            data.error = ErrorCode::OFFSET_OUT_OF_RANGE;  // e.g. the log was truncated under it
        } else {
            ReadResult read = found->second.read(wanted.fetch_offset, request.isolation, std::max(budget, 0));
            if (budget <= 0) read.batches.clear();
            data.high_watermark = read.high_watermark;
            data.last_stable_offset = read.last_stable_offset;
            data.aborted = std::move(read.aborted);
            data.batches = std::move(read.batches);
            for (const LogBatch& b : data.batches) budget -= b.batch.record_count();
        }
        response.partitions.push_back(std::move(data));
    }
    return response;
}

void ReplicaManager::fetch_messages(sim::ConnectionId connection, std::int32_t correlation,
                                    const FetchRequest& request) {
    FetchResponse response = read_fetch(request);
    bool has_data = false;
    for (const auto& p : response.partitions) {
        has_data = has_data || !p.batches.empty() || p.error != ErrorCode::NONE;
    }
    if (has_data || request.max_wait_ms <= 0) return host_->reply(connection, correlation, std::move(response));
    // DelayedFetch: wait for data up to max_wait_ms (fetch.min.bytes = 1).
    fetch_purgatory_.watch(std::make_unique<DelayedFetch>(*this, connection, correlation, request),
                           sim::ms(request.max_wait_ms));
}

// Followers first: what they fetch may move the high watermark, which consumers then see.
void ReplicaManager::complete_delayed_fetches(const TopicPartition& changed) {
    replica_fetch_purgatory_.check_and_complete(changed);
    fetch_purgatory_.check_and_complete(changed);
}

// --- durability ---

void ReplicaManager::schedule_flush() {
    if (layout_->replication.flush_interval_ms <= 0) return;
    host_->after(sim::ms(layout_->replication.flush_interval_ms), [this] {
        flush_logs();
        schedule_flush();
    });
}

void ReplicaManager::flush_logs() {
    for (auto& [tp, log] : *logs_) log.flush();
}

void ReplicaManager::maybe_flush(const TopicPartition& tp) {
    const std::int64_t every = layout_->replication.flush_interval_messages;
    PartitionLog& log = logs_->at(tp);
    if (every > 0 && log.log_end_offset() - log.flushed_offset() >= every) log.flush();
}

}  // namespace eosim::kafka
