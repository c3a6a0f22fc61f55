#include "kafka/protocol/messages.hpp"

#include <utility>

#include "kafka/protocol/message_names.hpp"

#include <string>

namespace eosim::kafka {
namespace {

// Describes one message body for the trace, field by field.
struct Describer {
    sim::FieldWriter& out;

    void batch(const RecordBatch& b) {
        out.field("pid", b.producer_id);
        out.field("epoch", b.producer_epoch);
        out.field("seq", b.base_sequence);
        if (b.transactional) out.field("txn", 1);
        out.field("records", b.record_count());
        if (!b.records.empty()) {
            out.field("first_value", static_cast<std::int64_t>(b.records.front().value));
        }
    }
    void error(ErrorCode e) { out.field("error", error_name(e)); }

    void operator()(const InitProducerIdRequest& m) {
        if (m.transactional_id) out.field("transactional_id", *m.transactional_id);
        out.field("pid", m.producer_id);
        out.field("epoch", m.producer_epoch);
    }
    void operator()(const InitProducerIdResponse& m) {
        error(m.error);
        out.field("pid", m.producer_id);
        out.field("epoch", m.producer_epoch);
    }
    void operator()(const ProduceRequest& m) {
        out.field("acks", m.acks);
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            batch(p.batch);
        }
    }
    void operator()(const ProduceResponse& m) {
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            error(p.error);
            out.field("base_offset", p.base_offset);
        }
    }
    void operator()(const FetchRequest& m) {
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            out.field("offset", p.fetch_offset);
        }
    }
    void operator()(const FetchResponse& m) {
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            error(p.error);
            out.field("hw", p.high_watermark);
            out.field("lso", p.last_stable_offset);
            if (!p.aborted.empty()) out.field("aborted_txns", static_cast<std::int64_t>(p.aborted.size()));
            out.field("batches", static_cast<std::int64_t>(p.batches.size()));
            if (!p.batches.empty()) out.field("first_offset", p.batches.front().base_offset);
        }
    }
    void operator()(const ListOffsetsRequest& m) {
        for (const auto& p : m.partitions) out.field("partition", p.str());
        if (m.isolation == Isolation::read_committed) out.field("isolation", "read_committed");
    }
    void operator()(const ListOffsetsResponse& m) {
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            error(p.error);
            out.field("offset", p.offset);
        }
    }
    void operator()(const OffsetCommitRequest& m) {
        out.field("group", m.group_id);
        if (m.generation_id >= 0) {
            out.field("member", m.member_id);
            out.field("generation", m.generation_id);
        }
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            out.field("offset", p.committed_offset);
        }
    }
    void operator()(const OffsetCommitResponse& m) {
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            error(p.error);
        }
    }
    void operator()(const OffsetFetchRequest& m) {
        out.field("group", m.group_id);
        if (m.require_stable) out.field("require_stable", 1);
    }
    void producer(const std::string& txn, std::int64_t pid, std::int16_t epoch) {
        out.field("transactional_id", txn);
        out.field("pid", pid);
        out.field("epoch", epoch);
    }
    void partitions(const std::vector<TopicPartition>& list) {
        for (const auto& p : list) out.field("partition", p.str());
    }
    void errors(const std::vector<std::pair<TopicPartition, ErrorCode>>& list) {
        for (const auto& [p, e] : list) {
            out.field("partition", p.str());
            error(e);
        }
    }
    void operator()(const AddPartitionsToTxnRequest& m) {
        producer(m.transactional_id, m.producer_id, m.producer_epoch);
        if (m.verify_only) out.field("verify_only", 1);
        partitions(m.partitions);
    }
    void operator()(const AddPartitionsToTxnResponse& m) { error(m.error); }
    void operator()(const AddOffsetsToTxnRequest& m) {
        producer(m.transactional_id, m.producer_id, m.producer_epoch);
        out.field("group", m.group_id);
    }
    void operator()(const AddOffsetsToTxnResponse& m) { error(m.error); }
    void operator()(const EndTxnRequest& m) {
        producer(m.transactional_id, m.producer_id, m.producer_epoch);
        out.field("result", m.committed ? "COMMIT" : "ABORT");
    }
    void operator()(const EndTxnResponse& m) {
        error(m.error);
        out.field("pid", m.producer_id);
        out.field("epoch", m.producer_epoch);
    }
    void operator()(const WriteTxnMarkersRequest& m) {
        out.field("pid", m.producer_id);
        out.field("epoch", m.producer_epoch);
        out.field("coordinator_epoch", m.coordinator_epoch);
        out.field("result", m.committed ? "COMMIT" : "ABORT");
        partitions(m.partitions);
    }
    void operator()(const WriteTxnMarkersResponse& m) { errors(m.partitions); }
    void operator()(const TxnOffsetCommitRequest& m) {
        producer(m.transactional_id, m.producer_id, m.producer_epoch);
        out.field("group", m.group_id);
        out.field("member", m.member_id);
        out.field("generation", m.generation_id);
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            out.field("offset", p.committed_offset);
        }
    }
    void operator()(const TxnOffsetCommitResponse& m) { errors(m.partitions); }
    void operator()(const JoinGroupRequest& m) {
        out.field("group", m.group_id);
        out.field("member", m.member_id);
        out.field("instance", m.group_instance_id);
        out.field("protocol", m.protocol);
    }
    void operator()(const JoinGroupResponse& m) {
        error(m.error);
        out.field("member", m.member_id);
        out.field("generation", m.generation_id);
        out.field("leader", m.leader);
        out.field("members", static_cast<std::int64_t>(m.members.size()));
    }
    void operator()(const SyncGroupRequest& m) {
        out.field("group", m.group_id);
        out.field("member", m.member_id);
        out.field("generation", m.generation_id);
        out.field("assignments", static_cast<std::int64_t>(m.assignments.size()));
    }
    void operator()(const SyncGroupResponse& m) {
        error(m.error);
        for (const TopicPartition& tp : m.assignment) out.field("partition", tp.str());
    }
    void operator()(const HeartbeatRequest& m) {
        out.field("group", m.group_id);
        out.field("member", m.member_id);
        out.field("generation", m.generation_id);
    }
    void operator()(const HeartbeatResponse& m) { error(m.error); }
    void operator()(const LeaveGroupRequest& m) {
        out.field("group", m.group_id);
        out.field("member", m.member_id);
    }
    void operator()(const LeaveGroupResponse& m) { error(m.error); }
    void registration(const PartitionRegistration& p) {
        out.field("partition", p.partition.str());
        out.field("leader", p.leader);
        out.field("leader_epoch", p.leader_epoch);
        out.field("isr", static_cast<std::int64_t>(p.isr.size()));
        if (!p.elr.empty()) out.field("elr", static_cast<std::int64_t>(p.elr.size()));
        out.field("partition_epoch", p.partition_epoch);
    }
    void operator()(const BrokerHeartbeatRequest& m) {
        out.field("broker", m.broker_id);
        out.field("incarnation", m.incarnation);
        if (m.lost_unflushed_data) out.field("lost_unflushed_data", 1);
        out.field("metadata_version", m.metadata_version);
        if (m.want_shut_down) out.field("want_shut_down", 1);
    }
    void operator()(const BrokerHeartbeatResponse& m) {
        out.field("fenced", m.fenced ? 1 : 0);
        if (m.image) out.field("metadata_version", m.image->version);
        if (m.should_shut_down) out.field("should_shut_down", 1);
    }
    void operator()(const MetadataUpdate& m) { out.field("metadata_version", m.image.version); }
    void operator()(const AlterPartitionRequest& m) {
        out.field("partition", m.partition.str());
        out.field("leader_epoch", m.change.leader_epoch);
        out.field("partition_epoch", m.change.partition_epoch);
        for (std::int32_t b : m.change.new_isr) out.field("isr", b);
    }
    void operator()(const AlterPartitionResponse& m) {
        error(m.error);
        registration(m.partition);
    }
    void operator()(const ReplicaFetchRequest& m) {
        out.field("replica", m.replica_id);
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            out.field("offset", p.fetch_offset);
            out.field("last_epoch", p.last_fetched_epoch);
        }
    }
    void operator()(const ReplicaFetchResponse& m) {
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            error(p.error);
            out.field("hw", p.high_watermark);
            if (p.diverging_epoch >= 0) {
                out.field("diverging_epoch", p.diverging_epoch);
                out.field("diverging_end_offset", p.diverging_end_offset);
            }
            out.field("batches", static_cast<std::int64_t>(p.batches.size()));
        }
    }
    void operator()(const MetadataRequest& m) { partitions(m.partitions); }
    void operator()(const ApiVersionsRequest&) {}
    void operator()(const ApiVersionsResponse& m) { error(m.error); }
    void operator()(const MetadataResponse& m) {
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            error(p.error);
            out.field("leader", p.leader);
            out.field("leader_epoch", p.leader_epoch);
        }
    }
    void operator()(const OffsetFetchResponse& m) {
        error(m.error);
        for (const auto& p : m.partitions) {
            out.field("partition", p.partition.str());
            out.field("offset", p.committed_offset);
        }
    }
};

struct Namer {
    std::string_view operator()(const InitProducerIdRequest&) { return "InitProducerIdRequest"; }
    std::string_view operator()(const InitProducerIdResponse&) { return "InitProducerIdResponse"; }
    std::string_view operator()(const ProduceRequest&) { return "ProduceRequest"; }
    std::string_view operator()(const ProduceResponse&) { return "ProduceResponse"; }
    std::string_view operator()(const FetchRequest&) { return "FetchRequest"; }
    std::string_view operator()(const FetchResponse&) { return "FetchResponse"; }
    std::string_view operator()(const ListOffsetsRequest&) { return "ListOffsetsRequest"; }
    std::string_view operator()(const ListOffsetsResponse&) { return "ListOffsetsResponse"; }
    std::string_view operator()(const OffsetCommitRequest&) { return "OffsetCommitRequest"; }
    std::string_view operator()(const OffsetCommitResponse&) { return "OffsetCommitResponse"; }
    std::string_view operator()(const OffsetFetchRequest&) { return "OffsetFetchRequest"; }
    std::string_view operator()(const OffsetFetchResponse&) { return "OffsetFetchResponse"; }
    std::string_view operator()(const AddPartitionsToTxnRequest&) { return "AddPartitionsToTxnRequest"; }
    std::string_view operator()(const AddPartitionsToTxnResponse&) { return "AddPartitionsToTxnResponse"; }
    std::string_view operator()(const AddOffsetsToTxnRequest&) { return "AddOffsetsToTxnRequest"; }
    std::string_view operator()(const AddOffsetsToTxnResponse&) { return "AddOffsetsToTxnResponse"; }
    std::string_view operator()(const EndTxnRequest&) { return "EndTxnRequest"; }
    std::string_view operator()(const EndTxnResponse&) { return "EndTxnResponse"; }
    std::string_view operator()(const WriteTxnMarkersRequest&) { return "WriteTxnMarkersRequest"; }
    std::string_view operator()(const WriteTxnMarkersResponse&) { return "WriteTxnMarkersResponse"; }
    std::string_view operator()(const TxnOffsetCommitRequest&) { return "TxnOffsetCommitRequest"; }
    std::string_view operator()(const TxnOffsetCommitResponse&) { return "TxnOffsetCommitResponse"; }
    std::string_view operator()(const JoinGroupRequest&) { return "JoinGroupRequest"; }
    std::string_view operator()(const JoinGroupResponse&) { return "JoinGroupResponse"; }
    std::string_view operator()(const SyncGroupRequest&) { return "SyncGroupRequest"; }
    std::string_view operator()(const SyncGroupResponse&) { return "SyncGroupResponse"; }
    std::string_view operator()(const HeartbeatRequest&) { return "HeartbeatRequest"; }
    std::string_view operator()(const HeartbeatResponse&) { return "HeartbeatResponse"; }
    std::string_view operator()(const LeaveGroupRequest&) { return "LeaveGroupRequest"; }
    std::string_view operator()(const LeaveGroupResponse&) { return "LeaveGroupResponse"; }
    std::string_view operator()(const BrokerHeartbeatRequest&) { return "BrokerHeartbeatRequest"; }
    std::string_view operator()(const BrokerHeartbeatResponse&) { return "BrokerHeartbeatResponse"; }
    std::string_view operator()(const MetadataUpdate&) { return "MetadataUpdate"; }
    std::string_view operator()(const AlterPartitionRequest&) { return "AlterPartitionRequest"; }
    std::string_view operator()(const AlterPartitionResponse&) { return "AlterPartitionResponse"; }
    std::string_view operator()(const ReplicaFetchRequest&) { return "ReplicaFetchRequest"; }
    std::string_view operator()(const ReplicaFetchResponse&) { return "ReplicaFetchResponse"; }
    std::string_view operator()(const MetadataRequest&) { return "MetadataRequest"; }
    std::string_view operator()(const MetadataResponse&) { return "MetadataResponse"; }
    std::string_view operator()(const ApiVersionsRequest&) { return "ApiVersionsRequest"; }
    std::string_view operator()(const ApiVersionsResponse&) { return "ApiVersionsResponse"; }
};

}  // namespace

std::string_view KafkaMessage::type_name() const { return std::visit(Namer{}, body); }

std::vector<std::string_view> message_type_names() {
    return []<std::size_t... I>(std::index_sequence<I...>) {
        return std::vector<std::string_view>{Namer{}(std::variant_alternative_t<I, MessageBody>{})...};
    }(std::make_index_sequence<std::variant_size_v<MessageBody>>{});
}

void KafkaMessage::describe(sim::FieldWriter& out) const {
    out.field("correlation", correlation_id);
    std::visit(Describer{out}, body);
}

}  // namespace eosim::kafka
