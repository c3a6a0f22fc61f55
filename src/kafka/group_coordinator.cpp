#include "kafka/group_coordinator.hpp"

#include <cassert>

namespace eosim::kafka {

OffsetCommitResponse GroupCoordinator::handle_offset_commit(const OffsetCommitRequest& request) {
    OffsetCommitResponse response;
    for (const auto& p : request.partitions) {
        storage_.committed[request.group_id][p.partition] = p.committed_offset;
        response.partitions.push_back({p.partition, ErrorCode::NONE});
    }
    return response;
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

JoinGroupResponse GroupCoordinator::handle_join_group(const JoinGroupRequest& request) {
    GroupMembers& group = storage_.members[request.group_id];
    ++group.generation_id;
    const std::string member = request.group_instance_id + "-" + std::to_string(storage_.next_member++);
    group.member_of_instance[request.group_instance_id] = member;  // fences the previous one
    return JoinGroupResponse{ErrorCode::NONE, member, group.generation_id};
}

ErrorCode GroupCoordinator::validate_member(const TxnOffsetCommitRequest& request) const {
    if (request.generation_id < 0) return ErrorCode::NONE;  // a simple, unfenced commit
    const auto group = storage_.members.find(request.group_id);
    if (group == storage_.members.end()) return ErrorCode::UNKNOWN_MEMBER_ID;
    const auto instance = group->second.member_of_instance.find(request.group_instance_id);
    if (instance == group->second.member_of_instance.end()) return ErrorCode::UNKNOWN_MEMBER_ID;
    if (instance->second != request.member_id) return ErrorCode::FENCED_INSTANCE_ID;
    if (request.generation_id != group->second.generation_id) return ErrorCode::ILLEGAL_GENERATION;
    return ErrorCode::NONE;
}

TxnOffsetCommitResponse GroupCoordinator::handle_txn_offset_commit(const TxnOffsetCommitRequest& request) {
    ErrorCode error = validate_member(request);
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
