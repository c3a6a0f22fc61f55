// Group requests at a broker. Without replication: the static coordinator's durable state.
// With replication: the coordinator of a group is the leader of its __consumer_offsets partition,
// and moves with it. Simplification: each record of that partition is a snapshot of the
// partition's whole group state (offsets, pending transactional offsets, producer epochs,
// members), where Kafka writes one compacted record per key; the newest snapshot is what a new
// leader loads. A change is applied to a copy, kept only if the partition can take an acks=all
// write, and answered once its snapshot is replicated.
#include "base/assert.hpp"
#include "kafka/broker/broker.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

std::map<TopicPartition, std::int64_t> Broker::committed_offsets(const std::string& group_id) const {
    const GroupStorage* state = memory_.coordinators.loaded_group_state(group_id);
    if (state == nullptr) return {};
    const auto group = state->committed.find(group_id);
    return group == state->committed.end() ? std::map<TopicPartition, std::int64_t>{} : group->second;
}

void Broker::append_group_snapshot(const TopicPartition& offsets_partition) {
    RecordBatch batch;
    batch.records.push_back(Record{0, 0, kNoSource});
    const GroupStorage* state = memory_.coordinators.offsets_partition_state(offsets_partition.partition);
    EOSIM_ASSERT(state != nullptr);
    batch.group_state = std::make_shared<const GroupStorage>(*state);
    replicas().append_to_leader(offsets_partition, batch);
}

// GroupCoordinatorService.fetchOffsets: without require_stable a read operation, which
// CoordinatorRuntime.scheduleReadOperation runs against the last committed offset, so a commit
// not yet replicated (or one whose write failed after the append) is not returned; with
// require_stable a write operation without records, which reads the latest state but is answered
// only once everything written before it is committed.
void Broker::handle_offset_fetch(const sim::Envelope& env, std::int32_t correlation, const OffsetFetchRequest& request) {
    OffsetFetchResponse refused;
    refused.error = ErrorCode::NOT_COORDINATOR;
    GroupStorage* state = memory_.coordinators.group_state(request.group_id);
    if (state == nullptr) return reply(env.connection, correlation, std::move(refused));
    if (!replicated()) {
        GroupStorage copy = *state;  // reading needs no write
        return reply(env.connection, correlation, GroupCoordinator(copy).handle_offset_fetch(request));
    }
    const TopicPartition tp = layout_->offsets_partition_of_group(request.group_id);
    if (!request.require_stable) {
        const PartitionLog& log = replicas().local_partition(tp).log();
        GroupStorage committed = committed_group_state(log.batches(), log.high_watermark());
        return reply(env.connection, correlation, GroupCoordinator(committed).handle_offset_fetch(request));
    }
    GroupStorage copy = *state;
    OffsetFetchResponse response = GroupCoordinator(copy).handle_offset_fetch(request);
    const sim::ConnectionId connection = env.connection;
    replicas().wait_for_replication({{tp, replicas().local_partition(tp).log().log_end_offset()}}, config_.request_timeout_ms,
                         [this, connection, correlation, response](const std::vector<ProducePartitionStatus>& results) {
                             const ErrorCode error = results.front().result;
                             if (error == ErrorCode::NONE) return reply(connection, correlation, response);
                             OffsetFetchResponse failed;
                             failed.error = error == ErrorCode::NOT_LEADER_OR_FOLLOWER ? ErrorCode::NOT_COORDINATOR
                                                                                      : ErrorCode::COORDINATOR_NOT_AVAILABLE;
                             reply(connection, correlation, std::move(failed));
                         });
}

template <typename Response>
void Broker::write_group_change(const sim::Envelope& env, std::int32_t correlation, const std::string& group_id,
                                const std::function<Response(GroupCoordinator&)>& change,
                                const std::function<Response(ErrorCode)>& refuse) {
    GroupStorage* state = memory_.coordinators.group_state(group_id);
    if (state == nullptr) return reply(env.connection, correlation, refuse(ErrorCode::NOT_COORDINATOR));
    if (!replicated()) {
        GroupCoordinator coordinator(*state);
        return reply(env.connection, correlation, change(coordinator));
    }
    const TopicPartition tp = layout_->offsets_partition_of_group(group_id);
    if (!replicas().enough_replicas(tp)) return reply(env.connection, correlation, refuse(ErrorCode::COORDINATOR_NOT_AVAILABLE));
    GroupStorage updated = *state;
    GroupCoordinator coordinator(updated);
    Response response = change(coordinator);
    *state = std::move(updated);
    append_group_snapshot(tp);
    const sim::ConnectionId connection = env.connection;
    replicas().wait_for_replication({{tp, replicas().local_partition(tp).log().log_end_offset()}}, config_.request_timeout_ms,
                         [this, connection, correlation, response, refuse](const std::vector<ProducePartitionStatus>& results) {
                             const ErrorCode error = results.front().result;
                             if (error == ErrorCode::NONE) return reply(connection, correlation, response);
                             reply(connection, correlation,
                                   refuse(error == ErrorCode::NOT_LEADER_OR_FOLLOWER ? ErrorCode::NOT_COORDINATOR
                                                                                     : ErrorCode::COORDINATOR_NOT_AVAILABLE));
                         });
}

void Broker::handle_offset_commit(const sim::Envelope& env, std::int32_t correlation, const OffsetCommitRequest& r) {
    const OffsetCommitRequest request = r;
    write_group_change<OffsetCommitResponse>(
        env, correlation, r.group_id, [request](GroupCoordinator& g) { return g.handle_offset_commit(request); },
        [request](ErrorCode e) {
            OffsetCommitResponse refused;
            for (const auto& p : request.partitions) refused.partitions.push_back({p.partition, e});
            return refused;
        });
}

void Broker::handle_txn_offset_commit(const sim::Envelope& env, std::int32_t correlation,
                                      const TxnOffsetCommitRequest& r) {
    const TxnOffsetCommitRequest request = r;
    const bool fencing = !config_.knockouts.disable_txn_offset_commit_fencing;
    write_group_change<TxnOffsetCommitResponse>(
        env, correlation, r.group_id,
        [request, fencing](GroupCoordinator& g) {
            if (!fencing) g.disable_txn_offset_commit_fencing();
            return g.handle_txn_offset_commit(request);
        },
        [request](ErrorCode e) {
            TxnOffsetCommitResponse refused;
            for (const auto& p : request.partitions) refused.partitions.push_back({p.partition, e});
            return refused;
        });
}

// A transaction marker for an offsets partition: pending transactional offsets of that producer
// are materialised (commit) or dropped (abort); with replication the new state is appended and
// the marker answered once it is replicated (write_txn_markers_then waits).
ErrorCode Broker::write_group_marker(const TopicPartition& offsets_partition, std::int64_t producer_id,
                                     std::int16_t epoch, bool committed) {
    const auto partition_of = [this](const std::string& g) { return layout_->offsets_partition_of_group(g); };
    if (!replicated()) {
        return GroupCoordinator(storage_.groups).write_marker(offsets_partition, producer_id, epoch, committed, partition_of);
    }
    GroupStorage* state = memory_.coordinators.offsets_partition_state(offsets_partition.partition);
    if (state == nullptr) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
    if (!replicas().enough_replicas(offsets_partition)) return ErrorCode::NOT_ENOUGH_REPLICAS;
    const ErrorCode error = GroupCoordinator(*state).write_marker(offsets_partition, producer_id, epoch, committed, partition_of);
    if (error == ErrorCode::NONE) append_group_snapshot(offsets_partition);
    return error;
}

}  // namespace eosim::kafka
