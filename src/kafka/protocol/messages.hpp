#pragma once
// Kafka requests and responses as plain structs, carried by the simulated network as one Payload
// type. Field names follow the Kafka protocol's JSON message definitions.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kafka/protocol/errors.hpp"
#include "kafka/protocol/partition_registration.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "sim/node.hpp"

namespace eosim::kafka {

struct InitProducerIdRequest {
    std::optional<std::string> transactional_id;
    std::int32_t transaction_timeout_ms = -1;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
};
struct InitProducerIdResponse {
    ErrorCode error = ErrorCode::NONE;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
};

struct ProduceRequest {
    struct PartitionData {
        TopicPartition partition;
        RecordBatch batch;
    };
    std::optional<std::string> transactional_id;
    std::int16_t acks = -1;
    std::int32_t timeout_ms = 30000;
    std::vector<PartitionData> partitions;  // at most one batch per partition (LogValidator)
};
struct ProduceResponse {
    struct PartitionResponse {
        TopicPartition partition;
        ErrorCode error = ErrorCode::NONE;
        std::int64_t base_offset = -1;
        std::int64_t log_start_offset = -1;
    };
    std::vector<PartitionResponse> partitions;
};

struct FetchRequest {
    struct FetchPartition {
        TopicPartition partition;
        std::int64_t fetch_offset = 0;
    };
    std::int32_t max_wait_ms = 500;
    std::int32_t max_records = 500;  // stands in for max.partition.fetch.bytes
    Isolation isolation = Isolation::read_uncommitted;
    std::vector<FetchPartition> partitions;
};
struct FetchResponse {
    struct PartitionData {
        TopicPartition partition;
        ErrorCode error = ErrorCode::NONE;
        std::int64_t high_watermark = 0;
        std::int64_t last_stable_offset = 0;
        std::vector<AbortedTxn> aborted;
        std::vector<LogBatch> batches;
    };
    std::vector<PartitionData> partitions;
};

struct ListOffsetsRequest {
    std::vector<TopicPartition> partitions;  // timestamp LATEST (-1) for each
    // ListOffsetsRequest isolation_level: read_committed asks for the last stable offset.
    Isolation isolation = Isolation::read_uncommitted;
};
struct ListOffsetsResponse {
    struct PartitionResponse {
        TopicPartition partition;
        ErrorCode error = ErrorCode::NONE;
        std::int64_t offset = -1;
    };
    std::vector<PartitionResponse> partitions;
};

struct OffsetCommitRequest {
    struct PartitionOffset {
        TopicPartition partition;
        std::int64_t committed_offset = 0;
    };
    std::string group_id;
    std::int32_t generation_id = -1;  // -1: a simple (assign-mode) commit
    std::string member_id;
    std::string group_instance_id;
    std::vector<PartitionOffset> partitions;
};
struct OffsetCommitResponse {
    struct PartitionResponse {
        TopicPartition partition;
        ErrorCode error = ErrorCode::NONE;
    };
    std::vector<PartitionResponse> partitions;
};

struct OffsetFetchRequest {
    std::string group_id;
    std::vector<TopicPartition> partitions;
    bool require_stable = false;  // UNSTABLE_OFFSET_COMMIT while transactional offsets are pending
};
struct OffsetFetchResponse {
    struct PartitionResponse {
        TopicPartition partition;
        std::int64_t committed_offset = -1;  // -1: no committed offset
        ErrorCode error = ErrorCode::NONE;
    };
    ErrorCode error = ErrorCode::NONE;
    std::vector<PartitionResponse> partitions;
};

struct AddPartitionsToTxnRequest {
    std::string transactional_id;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::vector<TopicPartition> partitions;
    bool verify_only = false;  // KIP-890 part 1: a leader asks whether the partition is in the txn
};
struct AddPartitionsToTxnResponse {
    ErrorCode error = ErrorCode::NONE;
    std::vector<TopicPartition> partitions;
};

struct AddOffsetsToTxnRequest {
    std::string transactional_id;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::string group_id;
};
struct AddOffsetsToTxnResponse {
    ErrorCode error = ErrorCode::NONE;
};

struct EndTxnRequest {
    std::string transactional_id;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    bool committed = true;
};
struct EndTxnResponse {
    ErrorCode error = ErrorCode::NONE;
    std::int64_t producer_id = kNoProducerId;     // transaction.version 2: the bumped epoch
    std::int16_t producer_epoch = kNoProducerEpoch;
};

struct WriteTxnMarkersRequest {
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::int32_t coordinator_epoch = 0;
    bool committed = true;
    bool strict_epoch = false;  // transaction.version 2 markers
    std::vector<TopicPartition> partitions;
};
struct WriteTxnMarkersResponse {
    std::int64_t producer_id = kNoProducerId;
    std::vector<std::pair<TopicPartition, ErrorCode>> partitions;
};

struct TxnOffsetCommitRequest {
    std::string transactional_id;
    std::string group_id;
    std::int64_t producer_id = kNoProducerId;
    std::int16_t producer_epoch = kNoProducerEpoch;
    std::string member_id;
    std::int32_t generation_id = -1;
    std::string group_instance_id;
    std::vector<OffsetCommitRequest::PartitionOffset> partitions;
};
struct TxnOffsetCommitResponse {
    std::vector<std::pair<TopicPartition, ErrorCode>> partitions;
};

// The classic group protocol (Kafka's JoinGroup/SyncGroup/Heartbeat/LeaveGroup, protocol type
// "consumer"). Each member supports one assignor (its partition.assignment.strategy) and
// subscribes to topics; the leader computes the assignment and hands it back in SyncGroup.
struct JoinGroupRequest {
    std::string group_id;
    std::string member_id;          // "" for a new member
    std::string group_instance_id;  // "" = dynamic member (no group.instance.id)
    std::string client_id;          // a new dynamic member's id starts with it
    std::int32_t session_timeout_ms = 45000;
    std::int32_t rebalance_timeout_ms = 300000;  // the consumer sends max.poll.interval.ms
    std::string protocol = "range";              // the assignor name
    std::vector<std::string> topics;             // the subscription (the protocol's metadata)
};
struct JoinGroupMember {
    std::string member_id;
    std::string group_instance_id;
    std::vector<std::string> topics;
};
struct JoinGroupResponse {
    ErrorCode error = ErrorCode::NONE;
    std::string member_id;
    std::int32_t generation_id = -1;
    std::string protocol;
    std::string leader;
    std::vector<JoinGroupMember> members;  // for the leader only
};

struct MemberAssignment {
    std::string member_id;
    std::vector<TopicPartition> partitions;
};
struct SyncGroupRequest {
    std::string group_id;
    std::string member_id;
    std::int32_t generation_id = -1;
    std::string group_instance_id;
    std::vector<MemberAssignment> assignments;  // from the leader only
};
struct SyncGroupResponse {
    ErrorCode error = ErrorCode::NONE;
    std::vector<TopicPartition> assignment;
};

struct HeartbeatRequest {
    std::string group_id;
    std::string member_id;
    std::int32_t generation_id = -1;
    std::string group_instance_id;
};
struct HeartbeatResponse {
    ErrorCode error = ErrorCode::NONE;
};

struct LeaveGroupRequest {
    std::string group_id;
    std::string member_id;
    std::string group_instance_id;
};
struct LeaveGroupResponse {
    ErrorCode error = ErrorCode::NONE;
};

// --- Replication: brokers <-> controller (KRaft, simplified to one controller node) ---

// Sent every broker.heartbeat.interval.ms; the answer carries the metadata image if the broker's
// copy is older (KRaft brokers fetch the metadata log; here the image comes whole).
struct BrokerHeartbeatRequest {
    std::int32_t broker_id = -1;
    std::int32_t incarnation = 0;  // bumped at every start (KRaft's incarnation id)
    // The last stop lost unflushed log data (power loss): KIP-966's unclean shutdown.
    bool lost_unflushed_data = false;
    std::int64_t metadata_version = -1;
    bool want_shut_down = false;  // a controlled shutdown (BrokerLifecycleManager)
};
struct BrokerHeartbeatResponse {
    bool fenced = false;
    std::optional<MetadataImage> image;
    bool should_shut_down = false;  // the controller let a shutting-down broker go
};
// Pushed by the controller to every registered broker after each change (a broker's metadata
// fetch completing).
struct MetadataUpdate {
    MetadataImage image;
};
struct AlterPartitionRequest {
    AlterPartitionChange change;
    TopicPartition partition;
};
struct AlterPartitionResponse {
    ErrorCode error = ErrorCode::NONE;
    PartitionRegistration partition;
};

// --- Replication: follower -> leader ---
struct ReplicaFetchRequest {
    struct FetchPartition {
        TopicPartition partition;
        std::int64_t fetch_offset = 0;
        std::int32_t last_fetched_epoch = -1;
        std::int32_t current_leader_epoch = 0;
    };
    std::int32_t replica_id = -1;
    std::int32_t max_wait_ms = 500;  // replica.fetch.wait.max.ms
    std::vector<FetchPartition> partitions;
};
struct ReplicaFetchResponse {
    struct PartitionData {
        TopicPartition partition;
        ErrorCode error = ErrorCode::NONE;
        std::int64_t high_watermark = 0;
        // KIP-320: the follower's log diverged; truncate to end_offset of this epoch.
        std::int32_t diverging_epoch = -1;
        std::int64_t diverging_end_offset = -1;
        std::vector<LogBatch> batches;
    };
    std::vector<PartitionData> partitions;
};

// --- Connection set-up: a client sends ApiVersions first and uses the connection only once it
// is answered (NetworkClient's CHECKING_API_VERSIONS -> READY). ---
struct ApiVersionsRequest {};
struct ApiVersionsResponse {
    ErrorCode error = ErrorCode::NONE;
};

// --- Clients: where is each partition's leader ---
struct MetadataRequest {
    std::vector<TopicPartition> partitions;
};
struct MetadataResponse {
    struct PartitionMetadata {
        TopicPartition partition;
        ErrorCode error = ErrorCode::NONE;
        std::int32_t leader = kNoLeader;
        std::int32_t leader_epoch = -1;
    };
    std::vector<PartitionMetadata> partitions;
};

using MessageBody =
    std::variant<InitProducerIdRequest, InitProducerIdResponse, ProduceRequest, ProduceResponse,
                 FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse,
                 OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest,
                 OffsetFetchResponse, AddPartitionsToTxnRequest, AddPartitionsToTxnResponse,
                 AddOffsetsToTxnRequest, AddOffsetsToTxnResponse, EndTxnRequest, EndTxnResponse,
                 WriteTxnMarkersRequest, WriteTxnMarkersResponse, TxnOffsetCommitRequest,
                 TxnOffsetCommitResponse, JoinGroupRequest, JoinGroupResponse, SyncGroupRequest,
                 SyncGroupResponse, HeartbeatRequest, HeartbeatResponse, LeaveGroupRequest,
                 LeaveGroupResponse,
                 BrokerHeartbeatRequest, BrokerHeartbeatResponse, MetadataUpdate,
                 AlterPartitionRequest, AlterPartitionResponse, ReplicaFetchRequest,
                 ReplicaFetchResponse, MetadataRequest, MetadataResponse, ApiVersionsRequest,
                 ApiVersionsResponse>;

class KafkaMessage final : public sim::Payload {
public:
    KafkaMessage(std::int32_t correlation_id, MessageBody body)
        : correlation_id(correlation_id), body(std::move(body)) {}
    std::string_view type_name() const override;
    void describe(sim::FieldWriter& out) const override;
    // An estimate of the encoded size (wire_size.cpp): record batches at their own size, the
    // rest at a small fixed size per message and per partition.
    std::int64_t size_bytes() const override;

    std::int32_t correlation_id;
    MessageBody body;
};

}  // namespace eosim::kafka
