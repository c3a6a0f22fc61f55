#pragma once
// Kafka requests and responses as plain structs, carried by the simulated network as one Payload
// type. Field names follow the Kafka protocol's JSON message definitions.
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "kafka/errors.hpp"
#include "kafka/record_batch.hpp"
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
    std::vector<FetchPartition> partitions;
};
struct FetchResponse {
    struct PartitionData {
        TopicPartition partition;
        ErrorCode error = ErrorCode::NONE;
        std::int64_t high_watermark = 0;
        std::vector<LogBatch> batches;
    };
    std::vector<PartitionData> partitions;
};

struct ListOffsetsRequest {
    std::vector<TopicPartition> partitions;  // timestamp LATEST (-1) for each
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

using MessageBody =
    std::variant<InitProducerIdRequest, InitProducerIdResponse, ProduceRequest, ProduceResponse,
                 FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse,
                 OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest,
                 OffsetFetchResponse>;

class KafkaMessage final : public sim::Payload {
public:
    KafkaMessage(std::int32_t correlation_id, MessageBody body)
        : correlation_id(correlation_id), body(std::move(body)) {}
    std::string_view type_name() const override;
    void describe(sim::FieldWriter& out) const override;

    std::int32_t correlation_id;
    MessageBody body;
};

}  // namespace eosim::kafka
