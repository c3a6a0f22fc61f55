#pragma once
// The group coordinator's offset handling: committed offsets, transactional offsets that stay
// pending until the transaction's marker (commit materialises, abort discards), OffsetFetch with
// require_stable, and member/generation checks of both commits (ClassicGroup.validateOffsetCommit,
// KIP-447 for TxnOffsetCommit). Membership itself is classic_group.*.
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "kafka/coordinator/classic_group.hpp"
#include "kafka/protocol/messages.hpp"

namespace eosim::kafka {

// Durable group state. Simplification: Kafka keeps all of it in the __consumer_offsets log.
struct GroupStorage {
    std::map<std::string, std::map<TopicPartition, std::int64_t>> committed;
    // group -> producer id -> offsets of its open transaction
    std::map<std::string, std::map<std::int64_t, std::map<TopicPartition, std::int64_t>>> pending;
    std::map<std::int64_t, std::int16_t> producer_epochs;  // fencing of TxnOffsetCommit
    std::map<std::string, ClassicGroup> classic_groups;  // membership, the coordinator's memory
    // The last round each group wrote (Kafka's GroupMetadata record: storeGroup after the
    // leader's SyncGroup, a static member replaced in a Stable group, a group left Empty). This,
    // not the memory above, is what a coordinator loads (ClassicGroup.fromRecords).
    std::map<std::string, ClassicGroup> stored_classic_groups;

    void store_classic_group(const std::string& group_id) { stored_classic_groups[group_id] = classic_groups.at(group_id); }
    void load_stored_classic_groups() { classic_groups = stored_classic_groups; }
};

// The group state as of a __consumer_offsets replica's high watermark: the last snapshot record
// wholly below it, or an empty state. CoordinatorRuntime.scheduleReadOperation runs reads
// (OffsetFetch without require_stable) against the last committed offset of the coordinator's
// timeline, so a commit that is not replicated yet, or whose write failed after the append, is
// not visible to them.
GroupStorage committed_group_state(const std::vector<LogBatch>& batches, std::int64_t high_watermark);

class GroupCoordinator {
public:
    explicit GroupCoordinator(GroupStorage& storage) : storage_(storage) {}
    // Knock-out: TxnOffsetCommit without KIP-447's generation, member and instance checks.
    void disable_txn_offset_commit_fencing() { txn_offset_commit_fencing_ = false; }

    OffsetCommitResponse handle_offset_commit(const OffsetCommitRequest& request);
    OffsetFetchResponse handle_offset_fetch(const OffsetFetchRequest& request) const;
    TxnOffsetCommitResponse handle_txn_offset_commit(const TxnOffsetCommitRequest& request);
    // A transaction marker for one __consumer_offsets partition: applies to the groups it holds.
    ErrorCode write_marker(const TopicPartition& offsets_partition, std::int64_t producer_id,
                           std::int16_t epoch, bool committed,
                           const std::function<TopicPartition(const std::string&)>& partition_of_group);

private:
    // ClassicGroup.validateOffsetCommit; a group never joined is an Empty one (a "simple group").
    ErrorCode validate_commit(const std::string& group_id, const std::string& member_id,
                              const std::string& group_instance_id, std::int32_t generation_id,
                              bool transactional) const;

    GroupStorage& storage_;
    bool txn_offset_commit_fencing_ = true;
};

}  // namespace eosim::kafka
