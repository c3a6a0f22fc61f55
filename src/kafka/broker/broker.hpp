#pragma once
// A broker: one handler per request type, with Kafka's error names (broker_apis.cpp), over a
// ReplicaManager (the partitions it hosts, leader or follower, and what waits on them), the
// transaction and group coordinators of the internal partitions it leads, the producer-id
// allocator, and with replication the heartbeats to the controller whose metadata it follows
// (broker_lifecycle.cpp).
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/broker/broker_config.hpp"
#include "kafka/broker/coordinator_host.hpp"
#include "kafka/broker/inter_broker_client.hpp"
#include "kafka/broker/replica_manager.hpp"
#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/coordinator/group_coordinator.hpp"
#include "kafka/protocol/messages.hpp"
#include "kafka/log/partition.hpp"
#include "kafka/coordinator/transaction_coordinator.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

// What survives a process crash. A power loss also takes each log's unflushed tail.
struct BrokerStorage {
    std::map<TopicPartition, PartitionLog> logs;  // one per replica this broker holds
    bool started_before = false;
    std::int32_t incarnation = 0;  // starts so far
    bool lost_unflushed_data = false;  // since the last start, a power loss cut a log
    GroupStorage groups;
    std::vector<TransactionLogRecord> transaction_log;
    std::int64_t producer_ids_allocated = 0;
    std::int32_t coordinator_loads = 0;  // coordinator epoch: bumped at every load
};

class Broker final : public sim::Node,
                     private TxnCoordinatorHost,
                     private ReplicaManagerHost,
                     private ClientTransport,
                     private CoordinatorHostListener {
public:
    Broker(std::string name, std::int32_t broker_id, std::shared_ptr<const ClusterLayout> layout,
           BrokerConfig config);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_connection_closed(sim::ConnectionId connection) override;
    void on_crash() override;
    // A clean shutdown (BrokerServer.shutdown): with replication a controlled shutdown first
    // (the controller moves leadership away), then logs flushed and producer-state snapshots
    // written, then exit.
    void on_shutdown() override;
    // A machine-level crash: each log loses what was not flushed.
    void on_power_loss() override { lose_unflushed(); }
    void lose_unflushed();

    const BrokerStorage& storage() const { return storage_; }
    const Partition* partition(const TopicPartition& tp) const;
    // A group's committed offsets as this broker's coordinator knows them (empty if it is not
    // the group's coordinator).
    std::map<TopicPartition, std::int64_t> committed_offsets(const std::string& group_id) const;
    // The coordinators this broker runs now: one without replication; with it, one per
    // __transaction_state partition it leads.
    std::vector<const TransactionCoordinator*> coordinators() const;
    std::int32_t broker_id() const { return broker_id_; }
    // This broker's copy of the controller's metadata (empty before the first image).
    const PartitionRegistration* registration(const TopicPartition& tp) const;
    static constexpr std::int64_t kProducerIdBlock = 1'000'000;

private:
    using ProducePartitionStatus = ReplicaManager::ProducePartitionStatus;
    // A produce request held until the coordinator verified its transactional partitions.
    struct HeldProduce {
        sim::ConnectionId connection = 0;
        std::int32_t correlation = 0;
        ProduceRequest request;
    };

    // --- lifecycle and metadata (broker_lifecycle.cpp) ---
    bool replicated() const { return layout_->replication.enabled; }
    void start_replication();
    void send_heartbeat();
    void heartbeat_once();
    void finish_shutdown();
    // BrokerServer.shutdown waits this long for the controller to approve a controlled shutdown.
    static constexpr std::int64_t kControlledShutdownTimeoutMs = 5 * 60 * 1000;
    void apply_image(const MetadataImage& image);
    void high_watermark_moved(const TopicPartition& internal_partition) override {
        memory_.coordinators.sync(internal_partition);
    }
    void handle_metadata(const sim::Envelope& env, std::int32_t correlation, const MetadataRequest& request);
    std::int32_t leader_of(const TopicPartition& tp) const override;

    void handle_init_producer_id(const sim::Envelope& env, std::int32_t correlation,
                                 const InitProducerIdRequest& request);
    void handle_produce(const sim::Envelope& env, std::int32_t correlation,
                        const ProduceRequest& request);
    void handle_fetch(const sim::Envelope& env, std::int32_t correlation,
                      const FetchRequest& request);
    // A follower's fetch (Kafka: FETCH with a replica id, KafkaApis.handleFetchRequest).
    void handle_replica_fetch(const sim::Envelope& env, std::int32_t correlation,
                              const ReplicaFetchRequest& request);
    void handle_list_offsets(const sim::Envelope& env, std::int32_t correlation,
                             const ListOffsetsRequest& request);
    void handle_write_txn_markers(const sim::Envelope& env, std::int32_t correlation,
                                  const WriteTxnMarkersRequest& request);
    WriteTxnMarkersResponse write_txn_markers(const WriteTxnMarkersRequest& request);
    void handle_api_versions(const sim::Envelope& env, std::int32_t correlation, const ApiVersionsRequest& request);
    // Transaction requests, forwarded to the coordinator of the transactional id (broker_apis.cpp).
    void handle_add_partitions_to_txn(const sim::Envelope& env, std::int32_t correlation,
                                      const AddPartitionsToTxnRequest& request);
    void handle_add_offsets_to_txn(const sim::Envelope& env, std::int32_t correlation,
                                   const AddOffsetsToTxnRequest& request);
    void handle_end_txn(const sim::Envelope& env, std::int32_t correlation, const EndTxnRequest& request);
    TransactionCoordinator::Reply answer_to(const sim::Envelope& env, std::int32_t correlation);
    // The broker as a client of other brokers and the controller (inter_broker_client.hpp).
    void handle_broker_response(const sim::Envelope& env, const KafkaMessage& message);
    void send_to_broker(std::int32_t broker, MessageBody request, BrokerCallback on_response) override;
    std::vector<TopicPartition> partitions_to_verify(const ProduceRequest& request) const;
    void verify_then_produce(HeldProduce held, std::vector<TopicPartition> partitions);
    void finish_produce(const HeldProduce& held, const std::vector<TopicPartition>& rejected,
                        ErrorCode rejection);
    void write_txn_markers_then(const WriteTxnMarkersRequest& request,
                                std::function<void(const WriteTxnMarkersResponse&)> done);
    ReplicaManager& replicas() override { return memory_.replicas; }
    const ReplicaManager& replicas() const { return memory_.replicas; }
    void reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body) override;
    // SocketServer's Processor mutes a connection while one of its requests is being handled and
    // unmutes it once the response is sent: one request per connection at a time, so responses
    // leave in request order. Requests that arrive meanwhile wait here, in order.
    struct MutedConnection {
        std::int32_t in_progress = 0;  // correlation id of the request being handled
        std::deque<std::pair<sim::Envelope, KafkaMessage>> waiting;
    };
    // Not a request to this broker: an answer to one of its own, or the controller's metadata.
    static bool is_request(const MessageBody& body);
    // KafkaApis.handle: one handler per message (broker_apis.cpp).
    void dispatch(const sim::Envelope& envelope, const KafkaMessage& message);
    void unmute(sim::ConnectionId connection, std::int32_t correlation);
    // Hands a request to a request handler thread (BrokerCost): dispatched at once when requests
    // cost nothing, else when a thread is free and has spent the request's service time on it.
    void admit(const sim::Envelope& envelope, const KafkaMessage& message);
    sim::TimeUs service_us(const KafkaMessage& message) const;
    void schedule_timeout_check();  // transaction.abort.timed.out.transaction.cleanup.interval.ms

    // TxnCoordinatorHost
    sim::TimeUs now() const override;
    void append_transaction_record(const TransactionLogRecord& record, std::function<void(ErrorCode)> done) override;
    std::vector<TransactionLogRecord> transaction_records() const override { return storage_.transaction_log; }
    std::int64_t allocate_producer_id() override;
    void after(sim::TimeUs delay_us, std::function<void()> action) override;
    void send_markers(std::int32_t broker, WriteTxnMarkersRequest request,
                      std::function<void(const WriteTxnMarkersResponse*)> on_response) override;
    void trace(const sim::Describable& change) override;
    // PurgatoryTimers: every broker timer is an action by tag; on_timer runs it.
    Handle schedule(sim::TimeUs delay_us, std::function<void()> action) override;
    void cancel(Handle timer) override;
    // ClientTransport (for the InterBrokerClient)
    sim::ConnectionId connect_to(sim::NodeId peer) override;
    void send_on(sim::ConnectionId connection, std::int32_t correlation, MessageBody request) override;
    void close_connection(sim::ConnectionId connection) override;

    std::int32_t broker_id_;
    std::shared_ptr<const ClusterLayout> layout_;
    BrokerConfig config_;
    BrokerStorage storage_;  // what survives a crash: the disk
    // Timer tags and the correlation ids of the broker's own requests count on across restarts,
    // so that nothing of an earlier incarnation can match a later one's (Kafka's NetworkClient
    // restarts its correlation ids; here a trace would otherwise change, and nothing else).
    std::uint64_t next_tag_ = 0;
    std::int32_t next_correlation_ = 0;
    // Applies a change to a copy of the group state; if the partition can take an acks=all
    // write, keeps it, appends the partition's new state and answers once replicated.
    template <typename Response>
    void write_group_change(const sim::Envelope& env, std::int32_t correlation, const std::string& group_id,
                            const std::function<Response(GroupCoordinator&)>& change,
                            const std::function<Response(ErrorCode)>& refuse);
    ErrorCode write_group_marker(const TopicPartition& offsets_partition, std::int64_t producer_id,
                                 std::int16_t epoch, bool committed);
    void append_group_snapshot(const TopicPartition& offsets_partition);
    void handle_offset_fetch(const sim::Envelope& env, std::int32_t correlation, const OffsetFetchRequest& request);
    void handle_offset_commit(const sim::Envelope& env, std::int32_t correlation, const OffsetCommitRequest& request);
    void handle_txn_offset_commit(const sim::Envelope& env, std::int32_t correlation,
                                  const TxnOffsetCommitRequest& request);
    // The classic group protocol (broker_membership.cpp): JoinGroup and SyncGroup requests wait
    // here, by group and member id, until their round completes; the coordinator's timers and
    // these parked requests are volatile, as Kafka's are (lost on failover or crash).
    struct ParkedGroupRequest {
        sim::ConnectionId connection = 0;
        std::int32_t correlation = 0;
    };
    void handle_join_group(const sim::Envelope& env, std::int32_t correlation, const JoinGroupRequest& request);
    void handle_sync_group(const sim::Envelope& env, std::int32_t correlation, const SyncGroupRequest& request);
    void handle_heartbeat(const sim::Envelope& env, std::int32_t correlation, const HeartbeatRequest& request);
    void handle_leave_group(const sim::Envelope& env, std::int32_t correlation, const LeaveGroupRequest& request);
    void with_classic_group(const sim::Envelope& env, std::int32_t correlation, const std::string& group_id,
                            const MessageBody& refusal, const std::function<void(ClassicGroupCoordinator&)>& handle);
    void finish_group_effects(const std::string& group_id, GroupEffects effects);
    void deliver_group_effects(const std::string& group_id, const GroupEffects& effects, ErrorCode store_error);
    void schedule_group_timer(const std::string& group_id);
    void on_group_timer(const std::string& group_id, sim::TimeUs at_us);
    // CoordinatorHostListener
    void groups_loaded(GroupStorage& state) override;
    void unload_groups(std::int32_t offsets_partition) override;
    std::int32_t coordinator_broker(const std::string& transactional_id) const;

    // What a crash loses: everything the broker process holds in memory. One assignment in
    // on_crash resets it; on_start rebuilds it from storage_ (producer-state snapshots plus log
    // replay, as Kafka's LogManager does) and from the controller's metadata.
    struct BrokerMemory {
        explicit BrokerMemory(Broker& broker)
            : replicas(broker, broker.broker_id_, broker.layout_, broker.config_, broker.storage_.logs),
              coordinators(broker, broker, broker.broker_id_, broker.layout_, broker.config_,
                           {&broker.storage_.groups, &broker.storage_.coordinator_loads, &broker.storage_.logs}),
              inter_broker(broker, broker, broker.layout_, broker.config_.request_timeout_ms, broker.next_correlation_) {}
        // The partitions this broker hosts, rebuilt over storage_.logs, their roles and the
        // requests waiting on them.
        ReplicaManager replicas;
        // The transaction and group coordinators it runs (coordinator_host.hpp).
        CoordinatorHost coordinators;
        std::map<std::string, std::map<std::string, ParkedGroupRequest>> parked_joins;
        std::map<std::string, std::map<std::string, ParkedGroupRequest>> parked_syncs;
        std::map<std::string, sim::TimeUs> group_timer_at;  // earliest pending timer per group
        struct Action {
            sim::TimerId timer = 0;
            std::function<void()> run;
        };
        std::map<Handle, Action> actions;  // every timer the broker set, by tag
        InterBrokerClient inter_broker;  // the broker's own requests, in flight
        std::map<sim::ConnectionId, MutedConnection> muted;
        std::vector<sim::TimeUs> handler_free_at_us;  // per request handler thread (BrokerCost)
        bool shutting_down = false;  // a controlled shutdown is under way
        bool exiting = false;
    };
    BrokerMemory memory_;
};

}  // namespace eosim::kafka
