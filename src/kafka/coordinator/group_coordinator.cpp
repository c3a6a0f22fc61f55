#include "kafka/coordinator/group_coordinator.hpp"

namespace eosim::kafka {

OffsetCommitResponse GroupCoordinator::handle_offset_commit(const OffsetCommitRequest& request) {
    OffsetCommitResponse response;
    const ErrorCode error = validate_commit(request.group_id, request.member_id, request.group_instance_id,
                                            request.generation_id, false);
    for (const auto& p : request.partitions) {
        if (error == ErrorCode::NONE) storage_.committed[request.group_id][p.partition] = p.committed_offset;
        response.partitions.push_back({p.partition, error});
    }
    return response;
}

GroupStorage committed_group_state(const std::vector<LogBatch>& batches, std::int64_t high_watermark) {
    GroupStorage state;
    for (const LogBatch& stored : batches) {
        if (stored.last_offset() >= high_watermark) break;
        if (stored.batch.group_state != nullptr) state = *stored.batch.group_state;
    }
    return state;
}

OffsetFetchResponse GroupCoordinator::handle_offset_fetch(const OffsetFetchRequest& request) const {
    OffsetFetchResponse response;
    const auto committed = storage_.committed.find(request.group_id);
    const auto pending = storage_.pending.find(request.group_id);
    for (const TopicPartition& tp : request.partitions) {
        OffsetFetchResponse::PartitionResponse p{tp, -1, ErrorCode::NONE};
        if (committed != storage_.committed.end() && committed->second.count(tp) > 0) {
            p.committed_offset = committed->second.at(tp);
        }
        if (request.require_stable && pending != storage_.pending.end()) {
            for (const auto& [pid, offsets] : pending->second) {
                if (offsets.count(tp) > 0) p.error = ErrorCode::UNSTABLE_OFFSET_COMMIT;
            }
        }
        response.partitions.push_back(p);
    }
    return response;
}

ErrorCode GroupCoordinator::validate_commit(const std::string& group_id, const std::string& member_id,
                                           const std::string& group_instance_id, std::int32_t generation_id,
                                           bool transactional) const {
    const auto found = storage_.classic_groups.find(group_id);
    if (found == storage_.classic_groups.end()) {
        // OffsetMetadataManager.validateTransactionalOffsetCommit / validateOffsetCommit: an
        // unknown group accepts generation -1 (it becomes a simple group), else ILLEGAL_GENERATION.
        return generation_id < 0 ? ErrorCode::NONE : ErrorCode::ILLEGAL_GENERATION;
    }
    ClassicGroup copy = found->second;  // validation changes nothing
    const GroupCoordinatorConfig config;
    return ClassicGroupCoordinator(copy, config, 0).validate_offset_commit(member_id, group_instance_id,
                                                                           generation_id, transactional);
}

TxnOffsetCommitResponse GroupCoordinator::handle_txn_offset_commit(const TxnOffsetCommitRequest& request) {
    ErrorCode error = txn_offset_commit_fencing_
                          ? validate_commit(request.group_id, request.member_id, request.group_instance_id,
                                            request.generation_id, true)
                          : ErrorCode::NONE;
    const auto known = storage_.producer_epochs.find(request.producer_id);
    if (error == ErrorCode::NONE && known != storage_.producer_epochs.end() &&
        request.producer_epoch < known->second) {
        error = ErrorCode::INVALID_PRODUCER_EPOCH;  // the offsets partition saw a newer epoch
    }
    TxnOffsetCommitResponse response;
    for (const auto& p : request.partitions) {
        if (error == ErrorCode::NONE) {
            storage_.pending[request.group_id][request.producer_id][p.partition] = p.committed_offset;
        }
        response.partitions.push_back({p.partition, error});
    }
    if (error == ErrorCode::NONE) storage_.producer_epochs[request.producer_id] = request.producer_epoch;
    return response;
}

ErrorCode GroupCoordinator::write_marker(
    const TopicPartition& offsets_partition, std::int64_t producer_id, std::int16_t epoch,
    bool committed, const std::function<TopicPartition(const std::string&)>& partition_of_group) {
    auto& known_epoch = storage_.producer_epochs[producer_id];
    if (epoch < known_epoch) return ErrorCode::INVALID_PRODUCER_EPOCH;
    known_epoch = epoch;  // a marker raises the epoch (lazy fencing)
    for (auto& [group, by_producer] : storage_.pending) {
        if (partition_of_group(group) != offsets_partition) continue;
        const auto found = by_producer.find(producer_id);
        if (found == by_producer.end()) continue;
        if (committed) {
            for (const auto& [tp, offset] : found->second) storage_.committed[group][tp] = offset;
        }
        by_producer.erase(found);
    }
    return ErrorCode::NONE;
}

}  // namespace eosim::kafka
