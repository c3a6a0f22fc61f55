#pragma once
// A broker: partition leader (one replica for now), producer-id allocator, transaction
// coordinator and group coordinator for the internal partitions it leads. One handler per
// request type, with Kafka's error names.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/cluster_layout.hpp"
#include "kafka/group_coordinator.hpp"
#include "kafka/messages.hpp"
#include "kafka/partition.hpp"
#include "kafka/transaction_coordinator.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

// Knock-out switches for experiments: each disables one mechanism. Off by default and always
// reported by the run.
struct BrokerKnockouts {
    bool disable_idempotent_dedup = false;  // no duplicate-batch check
    bool disable_epoch_fencing = false;     // partitions accept writes from older epochs
};

struct BrokerConfig {
    BrokerKnockouts knockouts;
    TxnCoordinatorConfig transactions;
    std::int32_t request_timeout_ms = 30000;  // for the broker's own requests (markers)
    // transaction.partition.verification.enable (KIP-890 part 1; Kafka's default is true).
    bool partition_verification = true;
};

// What survives a broker crash (every append is treated as flushed for now).
struct BrokerStorage {
    std::map<TopicPartition, PartitionLog> logs;
    GroupStorage groups;
    std::vector<TransactionLogRecord> transaction_log;
    std::int64_t producer_ids_allocated = 0;
    std::int32_t coordinator_loads = 0;  // coordinator epoch: bumped at every load
};

class Broker final : public sim::Node, private TxnCoordinatorHost {
public:
    Broker(std::string name, std::int32_t broker_id, std::shared_ptr<const ClusterLayout> layout,
           BrokerConfig config);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_connection_closed(sim::ConnectionId connection) override;
    void on_crash() override;

    const BrokerStorage& storage() const { return storage_; }
    const Partition* partition(const TopicPartition& tp) const;
    const TransactionCoordinator& transactions() const { return *transactions_; }
    std::int32_t broker_id() const { return broker_id_; }
    static constexpr std::int64_t kProducerIdBlock = 1'000'000;

private:
    struct ParkedFetch {
        sim::ConnectionId connection = 0;
        std::int32_t correlation_id = 0;
        FetchRequest request;
        sim::TimerId timer = 0;
    };
    // The broker as a client of other brokers (markers, partition verification).
    using BrokerCallback = std::function<void(const MessageBody*)>;  // nullptr: request failed
    struct PendingBrokerRequest {
        BrokerCallback on_response;
        sim::TimerId timeout = 0;
        std::uint64_t timeout_tag = 0;  // its action in actions_
    };
    void settle(PendingBrokerRequest& pending);
    struct BrokerChannel {
        sim::ConnectionId connection = 0;
        bool open = false;
        std::map<std::int32_t, PendingBrokerRequest> in_flight;
    };
    // A produce request held until the coordinator verified its transactional partitions.
    struct HeldProduce {
        sim::ConnectionId connection = 0;
        std::int32_t correlation = 0;
        ProduceRequest request;
    };

    void handle_init_producer_id(const sim::Envelope& env, std::int32_t correlation,
                                 const InitProducerIdRequest& request);
    void handle_produce(const sim::Envelope& env, std::int32_t correlation,
                        const ProduceRequest& request);
    void handle_fetch(const sim::Envelope& env, std::int32_t correlation,
                      const FetchRequest& request);
    void handle_list_offsets(const sim::Envelope& env, std::int32_t correlation,
                             const ListOffsetsRequest& request);
    void handle_write_txn_markers(const sim::Envelope& env, std::int32_t correlation,
                                  const WriteTxnMarkersRequest& request);
    WriteTxnMarkersResponse write_txn_markers(const WriteTxnMarkersRequest& request);
    void handle_group_request(const sim::Envelope& env, std::int32_t correlation,
                              const KafkaMessage& message);
    void handle_transaction_request(const sim::Envelope& env, std::int32_t correlation,
                                    const KafkaMessage& message);
    void handle_broker_response(const sim::Envelope& env, const KafkaMessage& message);
    void send_to_broker(std::int32_t broker, MessageBody request, BrokerCallback on_response);
    std::vector<TopicPartition> partitions_to_verify(const ProduceRequest& request) const;
    void verify_then_produce(HeldProduce held, std::vector<TopicPartition> partitions);
    void finish_produce(const HeldProduce& held, const std::vector<TopicPartition>& rejected,
                        ErrorCode rejection);

    ProduceResponse::PartitionResponse append_to_partition(const TopicPartition& partition,
                                                           const RecordBatch& batch);
    bool leads(const TopicPartition& partition) const;
    FetchResponse read_fetch(const FetchRequest& request) const;
    void complete_parked_fetches(const TopicPartition& appended);
    void reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body);
    PartitionRules rules() const;
    void schedule_timeout_check();
    void fail_broker_channel(std::int32_t broker);

    // TxnCoordinatorHost
    sim::TimeUs now() const override;
    std::vector<TransactionLogRecord>& transaction_log() override { return storage_.transaction_log; }
    std::int64_t allocate_producer_id() override;
    void after(sim::TimeUs delay_us, std::function<void()> action) override;
    void send_markers(std::int32_t broker, WriteTxnMarkersRequest request,
                      std::function<void(const WriteTxnMarkersResponse*)> on_response) override;
    void trace(const sim::Describable& change) override;

    std::int32_t broker_id_;
    std::shared_ptr<const ClusterLayout> layout_;
    BrokerConfig config_;
    BrokerStorage storage_;  // persisted
    // Volatile: rebuilt on start, as Kafka does from snapshots plus log replay.
    std::map<TopicPartition, Partition> partitions_;
    std::unique_ptr<TransactionCoordinator> transactions_;
    GroupCoordinator groups_{storage_.groups};
    std::map<std::uint64_t, ParkedFetch> parked_fetches_;
    std::map<std::uint64_t, std::function<void()>> actions_;
    std::map<std::int32_t, BrokerChannel> broker_channels_;
    std::uint64_t next_tag_ = 0;
    std::int32_t next_correlation_ = 0;
};

}  // namespace eosim::kafka
