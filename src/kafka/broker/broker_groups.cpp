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

GroupStorage* Broker::group_state_for(const std::string& group_id) {
    const TopicPartition tp = layout_->offsets_partition_of_group(group_id);
    if (!replicated()) return layout_->coordinator_of_group(group_id) == broker_id_ ? &storage_.groups : nullptr;
    const auto found = memory_.group_states.find(tp.partition);
    return found == memory_.group_states.end() || !replicas().leads(tp) ? nullptr : &found->second;
}

std::map<TopicPartition, std::int64_t> Broker::committed_offsets(const std::string& group_id) const {
    const GroupStorage* state = nullptr;
    if (!replicated()) {
        if (layout_->coordinator_of_group(group_id) == broker_id_) state = &storage_.groups;
    } else if (const auto found = memory_.group_states.find(layout_->offsets_partition_of_group(group_id).partition);
               found != memory_.group_states.end()) {
        state = &found->second;
    }
    if (state == nullptr) return {};
    const auto group = state->committed.find(group_id);
    return group == state->committed.end() ? std::map<TopicPartition, std::int64_t>{} : group->second;
}

void Broker::load_group_state(const TopicPartition& offsets_partition) {
    // sync_coordinator loads only a committed log (see there).
    const PartitionLog& log = storage_.logs.at(offsets_partition);
    EOSIM_ASSERT_EQ(log.high_watermark(), log.log_end_offset());
    GroupStorage state;
    for (const LogBatch& stored : log.batches()) {
        if (stored.batch.group_state != nullptr) state = *stored.batch.group_state;
    }
    memory_.group_states[offsets_partition.partition] = std::move(state);
    groups_loaded(memory_.group_states.at(offsets_partition.partition));
    sim().record_state(id(), sim::StateChange("group.coordinator_load").with("partition", offsets_partition.partition));
}

void Broker::append_group_snapshot(const TopicPartition& offsets_partition) {
    RecordBatch batch;
    batch.records.push_back(Record{0, 0, kNoSource});
    batch.group_state = std::make_shared<const GroupStorage>(memory_.group_states.at(offsets_partition.partition));
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
    GroupStorage* state = group_state_for(request.group_id);
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
    GroupStorage* state = group_state_for(group_id);
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
    write_group_change<TxnOffsetCommitResponse>(
        env, correlation, r.group_id, [request](GroupCoordinator& g) { return g.handle_txn_offset_commit(request); },
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
    const auto found = memory_.group_states.find(offsets_partition.partition);
    if (found == memory_.group_states.end()) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
    if (!replicas().enough_replicas(offsets_partition)) return ErrorCode::NOT_ENOUGH_REPLICAS;
    const ErrorCode error = GroupCoordinator(found->second).write_marker(offsets_partition, producer_id, epoch, committed, partition_of);
    if (error == ErrorCode::NONE) append_group_snapshot(offsets_partition);
    return error;
}

}  // namespace eosim::kafka
