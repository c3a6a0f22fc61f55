#pragma once
// The producer client library (KafkaProducer): record accumulator with linger.ms / batch.size,
// a sender loop bounded by max.in.flight, per-partition sequences, retries with backoff,
// request and delivery timeouts, and the idempotent epoch bump of KIP-360.
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/client/exponential_backoff.hpp"
#include "kafka/client/leader_cache.hpp"
#include "kafka/protocol/messages.hpp"
#include "kafka/client/wakeup_timer.hpp"
#include "kafka/network/network_client.hpp"
#include "kafka/client/producer_config.hpp"
#include "kafka/client/transaction_manager.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::sim {
class Simulation;
}

namespace eosim::kafka {

struct SendOutcome {
    enum class Kind { ok, fail, info };  // info: may or may not have been written
    Kind kind = Kind::ok;
    ErrorCode error = ErrorCode::NONE;
    std::int64_t offset = -1;  // ok with acks != 0
};

class SendListener {
public:
    virtual ~SendListener() = default;
    virtual void on_send_complete(std::uint64_t value, const TopicPartition& partition,
                                  const SendOutcome& outcome) = 0;
};

// The sender serves its TransactionManager as host: the manager decides, the client sends.
class ProducerClient : private TransactionManagerHost {
public:
    ProducerClient(sim::Simulation& sim, sim::NodeId host,
                   std::shared_ptr<const ClusterLayout> layout, ProducerConfig config,
                   SendListener& listener, std::uint64_t timer_tag);
    ProducerClient(const ProducerClient&) = delete;  // its network client points at its transport
    ProducerClient& operator=(const ProducerClient&) = delete;

    void send(const TopicPartition& partition, Record record, std::int32_t size_bytes);

    // Transactions (asynchronous: each ends with TransactionListener::on_transaction_result).
    void set_transaction_listener(TransactionListener* listener);
    void init_transactions();
    void begin_transaction();
    void send_offsets_to_transaction(std::map<TopicPartition, std::int64_t> offsets,
                                     GroupMetadata group);
    void commit_transaction();
    void abort_transaction();
    ClientTxnState transaction_state() const;
    // send() failed before the record reached the accumulator (RecordTooLargeException): in a
    // transaction the producer can no longer commit it (KafkaProducer.doSend ->
    // TransactionManager.maybeTransitionToErrorState: an abortable error).
    void fail_transaction_send(ErrorCode error);
    bool transactional() const { return config_.transactional_id.has_value(); }
    void on_message(const sim::Envelope& envelope);
    void on_timer();
    void on_connection_closed(sim::ConnectionId connection);
    bool owns_connection(sim::ConnectionId connection) const { return network_.owns_connection(connection); }

    std::size_t pending_records() const { return pending_records_; }
    // RecordAccumulator.append: a record that needs a new batch allocates max(batch.size, its
    // size) from buffer.memory (BufferPool), freed when the batch completes; send() blocks while
    // the pool cannot give it. The application decides how long to wait (max.block.ms).
    bool buffer_full_for(const TopicPartition& partition, std::int32_t size_bytes) const;
    std::int64_t buffer_used_bytes() const { return buffer_used_bytes_; }
    std::int64_t producer_id() const { return producer_id_; }
    std::int16_t producer_epoch() const { return producer_epoch_; }
    // Sequence bookkeeping of one partition, for tests.
    std::int32_t next_sequence(const TopicPartition& partition) const;

private:
    struct Batch {
        TopicPartition partition;
        std::vector<Record> records;
        std::int32_t size_bytes = 0;
        std::int32_t allocated_bytes = 0;  // taken from buffer.memory
        sim::TimeUs created_us = 0;
        sim::TimeUs retry_after_us = 0;
        std::int32_t attempts = 0;
        std::int64_t producer_id = kNoProducerId;
        std::int16_t producer_epoch = kNoProducerEpoch;
        std::int32_t base_sequence = kNoSequence;
        bool closed = false;         // full, or retried: nothing more is appended
        bool maybe_written = false;  // an attempt ended without a definite answer
        bool done = false;           // completed (e.g. expired) while still in flight
        bool sequence_reset = false; // re-sequenced by an epoch bump (ProducerBatch.sequenceHasBeenReset)
    };
    using BatchPtr = std::unique_ptr<Batch>;
    // Kafka's TxnPartitionEntry: the partition's own producer id and epoch (it moves to a new
    // epoch lazily, once none of its batches is in flight), its sequences and its queue.
    struct PartitionState {
        // Not in flight, in send order: retried batches (attempts > 0, re-queued at the front)
        // ahead of fresh ones (attempts 0, appended at the back, so in creation order). The scans
        // of the accumulator stop where the fresh tail can hold nothing more, so a burst to one
        // partition costs linear time, not quadratic.
        std::deque<BatchPtr> queue;
        std::int64_t producer_id = kNoProducerId;
        std::int16_t producer_epoch = kNoProducerEpoch;
        std::int32_t next_sequence = 0;
        std::int32_t last_acked_sequence = kNoSequence;
        std::int32_t in_flight_batches = 0;  // on the wire (expired ones too), for muting
        // partitionsWithUnresolvedSequences: a sent batch expired; the sequence after it.
        std::optional<std::int32_t> unresolved_next_sequence;
        bool rewrite_on_bump = false;  // partitionsToRewriteSequences
        std::int32_t leader = kNoLeader;  // from the metadata, refreshed when it moves
    };
    PartitionState& partition_state(const TopicPartition& partition);
    enum class RequestKind : std::uint8_t { produce, init_producer_id, transaction, metadata, api_versions };
    struct InFlightRequest {
        std::int32_t broker = 0;
        sim::TimeUs deadline_us = 0;
        RequestKind kind = RequestKind::produce;
        std::vector<BatchPtr> batches;
    };
    // One connection per broker, with Kafka's NetworkClient states: connecting (ApiVersions
    // sent), ready, or disconnected until the reconnect backoff has passed.
    struct ConnectionState {
        bool ready = false;  // ApiVersions answered
        std::vector<std::pair<std::int32_t, MessageBody>> unsent;  // queued until ready
        std::int32_t failed_attempts = 0;
        sim::TimeUs reconnect_after_us = 0;
    };
    using Network = NetworkClient<InFlightRequest, ConnectionState>;
    using Channel = Network::Channel;

    void poll();
    void expire_batches(sim::TimeUs now);
    void expire_requests(sim::TimeUs now);
    // Sequence bookkeeping of the idempotent producer (producer_sequences.cpp, Kafka's
    // TransactionManager / TxnPartitionEntry).
    void maybe_resolve_sequences();
    void maybe_bump_epoch();
    // inflightBatchesBySequence: sequenced batches not yet completed, on the wire or queued
    // for a retry, in sequence order.
    std::vector<Batch*> sequenced_batches(const TopicPartition& partition);
    bool has_in_flight_batches(const TopicPartition& partition);
    std::int32_t first_in_flight_sequence(const TopicPartition& partition);
    bool has_stale_producer_id_and_epoch(const PartitionState& state) const;
    void maybe_update_producer_id_and_epoch(const TopicPartition& partition);
    void start_sequences_at_beginning(const TopicPartition& partition);
    void request_epoch_bump(const TopicPartition& partition);
    void mark_sequence_unresolved(const Batch& batch);
    bool transaction_manager_can_retry(Batch& batch, ErrorCode error);
    void handle_failed_batch(const Batch& batch, ErrorCode error, bool adjust_sequences);
    void maybe_init_producer_id(sim::TimeUs now);
    void drain(sim::TimeUs now);
    bool drain_request(std::int32_t broker, sim::TimeUs now);
    void maybe_refresh_metadata(sim::TimeUs now);
    void handle_metadata_response(const MetadataResponse& response);
    // linger: also require the head batch to be done lingering (accumulator.ready decides which
    // nodes get a request; drain then takes every partition of the node, lingering or not).
    bool ready_to_drain(const TopicPartition& partition, const PartitionState& state, sim::TimeUs now, bool linger);
    void send_request(std::int32_t broker, InFlightRequest request, MessageBody body);
    Channel& channel(std::int32_t broker);
    // Connections (producer_connections.cpp, Kafka's NetworkClient / ClusterConnectionStates).
    bool node_ready(std::int32_t broker, sim::TimeUs now);
    void open_connection(std::int32_t broker, sim::TimeUs now);
    void handle_api_versions_response(std::int32_t broker);
    void note_disconnect(ConnectionState& connection);
    void fail_channel(std::int32_t broker, ErrorCode error);
    void fail_request(InFlightRequest& request, ErrorCode error);
    void handle_produce_response(InFlightRequest& request, const ProduceResponse& response);
    void handle_init_producer_id_response(const InitProducerIdResponse& response);
    void complete_batch(BatchPtr batch, ErrorCode error, std::int64_t base_offset);
    bool can_retry(Batch& batch, ErrorCode error);
    void reenqueue(BatchPtr batch);
    void finish(Batch& batch, SendOutcome outcome);
    void forget_in_flight(const Batch& batch);
    void schedule_wakeup();
    sim::TimeUs next_deadline() const;
    bool idempotent() const { return config_.enable_idempotence; }

    // Transactions (producer_transactions.cpp): the sender side of the TransactionManager.
    TransactionManager& txn();
    const TransactionManager& txn() const;
    void maybe_send_transaction_request(sim::TimeUs now);
    void dispatch(std::int32_t broker, InFlightRequest& request, const KafkaMessage& message);
    void reset_sequences();
    // TransactionManagerHost.
    std::int32_t coordinator(CoordinatorType type, const std::string& key) const override;
    void lookup_coordinator() override;
    bool has_unfinished_batches() const override;
    void fail_queued_batches(ErrorCode error) override;
    void producer_id_and_epoch_changed(std::int64_t producer_id, std::int16_t producer_epoch,
                                       bool initialized) override;
    void state_changed(ClientTxnState from, ClientTxnState to) override;

    sim::Simulation& sim_;
    sim::NodeId host_;
    std::shared_ptr<const ClusterLayout> layout_;
    ProducerConfig config_;
    SendListener& listener_;
    WakeupTimer wakeup_;
    ExponentialBackoff retry_backoff_;  // batch retries (RecordAccumulator's retryBackoff)
    ExponentialBackoff reconnect_backoff_;  // ClusterConnectionStates' reconnectBackoff
    sim::Prng backoff_prng_;            // its jitter

    LeaderCache leaders_;
    bool metadata_in_flight_ = false;
    sim::TimeUs metadata_retry_after_us_ = 0;
    std::map<TopicPartition, PartitionState> partitions_;
    NodeTransport transport_;
    Network network_;  // channels by broker id
    std::int32_t next_correlation_ = 0;
    std::size_t pending_records_ = 0;
    std::int64_t buffer_used_bytes_ = 0;
    std::int64_t producer_id_ = kNoProducerId;
    std::int16_t producer_epoch_ = kNoProducerEpoch;
    bool init_in_flight_ = false;
    sim::TimeUs init_retry_after_us_ = 0;
    std::optional<TransactionManager> txn_;  // with a transactional.id
    std::int32_t init_broker_ = 0;
    bool epoch_bump_required_ = false;
};

}  // namespace eosim::kafka
