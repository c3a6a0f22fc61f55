#pragma once
// The transactional producer's client-side logic (Kafka's TransactionManager): the state machine,
// the partitions and offsets of the open transaction, which request goes to a coordinator next
// and what each answer does. It holds no connection and sends nothing: the producer client's
// sender asks it for the next request, sends it, and hands it the answer or the failure, as
// Kafka's Sender does with TransactionManager.nextRequest.
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>

#include "kafka/client/client_transaction_state.hpp"
#include "kafka/client/producer_config.hpp"
#include "kafka/protocol/messages.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

// The consumer group a transaction commits offsets for (KafkaConsumer.groupMetadata()).
struct GroupMetadata {
    std::string group_id;
    std::string member_id;
    std::int32_t generation_id = -1;
    std::string group_instance_id;
};

enum class TxnOperation : std::uint8_t { init, send_offsets, commit, abort };

class TransactionListener {
public:
    virtual ~TransactionListener() = default;
    // error NONE: done. Otherwise the operation failed; fatal means the producer is unusable
    // (e.g. fenced), else the transaction must be aborted.
    virtual void on_transaction_result(TxnOperation operation, ErrorCode error, bool fatal) = 0;
};

// FindCoordinatorRequest.CoordinatorType: who a transaction request goes to.
enum class CoordinatorType : std::uint8_t { transaction, group };

// What the transaction manager needs of the producer it serves.
class TransactionManagerHost {
public:
    virtual ~TransactionManagerHost() = default;
    // The broker coordinating the transactional id (transaction) or the group (group), or
    // kNoLeader while it is not known.
    virtual std::int32_t coordinator(CoordinatorType type, const std::string& key) const = 0;
    // lookupCoordinator after NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE.
    virtual void lookup_coordinator() = 0;
    // Batches queued or in flight (the accumulator's hasIncomplete / hasUndrained).
    virtual bool has_unfinished_batches() const = 0;
    // abortUndrainedBatches: every queued batch fails with error.
    virtual void fail_queued_batches(ErrorCode error) = 0;
    // A new producer id and epoch, from InitProducerId (initialized: traced) or from a TV2 EndTxn.
    virtual void producer_id_and_epoch_changed(std::int64_t producer_id, std::int16_t producer_epoch,
                                               bool initialized) = 0;
    virtual void state_changed(ClientTxnState from, ClientTxnState to) = 0;
};

// A request for a coordinator, with the broker it goes to.
struct TxnRequest {
    std::int32_t broker = kNoLeader;
    MessageBody body;
};

class TransactionManager {
public:
    TransactionManager(const ProducerConfig& config, TransactionManagerHost& host);
    TransactionManager(const TransactionManager&) = delete;  // the host points at its owner
    TransactionManager& operator=(const TransactionManager&) = delete;

    // The API calls (KafkaProducer.initTransactions …). Each ends with the listener's
    // on_transaction_result; false: it ended already (the call was not valid in this state),
    // true: the sender has work to do.
    void set_listener(TransactionListener* listener) { listener_ = listener; }
    bool init_transactions();
    void begin_transaction();
    bool send_offsets_to_transaction(std::map<TopicPartition, std::int64_t> offsets, GroupMetadata group);
    bool commit_transaction();
    bool abort_transaction();

    ClientTxnState state() const { return state_; }
    // Sender.runOnce fails undrained batches at every pass in these states.
    bool aborting() const {
        return state_ == ClientTxnState::ABORTING_TRANSACTION || state_ == ClientTxnState::ABORTABLE_ERROR;
    }
    const std::string& group_id() const { return group_.group_id; }
    // KafkaProducer.send: false if no transaction is open; else the partition joins it.
    bool note_send(const TopicPartition& partition);
    // isSendToPartitionAllowed: the partition was added and the transaction is open.
    bool send_to_partition_allowed(const TopicPartition& partition) const;
    // A batch failed in a way that dooms the transaction (TransactionManager.handleFailedBatch).
    void enter_abortable_error(ErrorCode error);

    // nextRequest: the request to send now, if any (none while one is in flight or backing off).
    std::optional<TxnRequest> next_request(sim::TimeUs now, std::int64_t producer_id, std::int16_t producer_epoch);
    // When the next request may go out after a backoff, if none is in flight.
    std::optional<sim::TimeUs> retry_at_us() const;
    // The request was not answered (timeout, lost connection): send it again after a backoff.
    void request_failed(sim::TimeUs now);

    void handle_init_producer_id_response(const InitProducerIdResponse& response, sim::TimeUs now);
    void handle_add_partitions_to_txn_response(const AddPartitionsToTxnResponse& response, sim::TimeUs now);
    void handle_add_offsets_to_txn_response(const AddOffsetsToTxnResponse& response, sim::TimeUs now);
    void handle_txn_offset_commit_response(const TxnOffsetCommitResponse& response, sim::TimeUs now);
    void handle_end_txn_response(const EndTxnResponse& response, sim::TimeUs now);

private:
    enum class NextStep : std::uint8_t { none, request, look_again };
    NextStep next_body(std::int64_t producer_id, std::int16_t producer_epoch, MessageBody& body,
                       CoordinatorType& type);
    NextStep end_without_request();
    void transition_to(ClientTxnState target);
    void response_received(ErrorCode error);
    void note_coordinator_error(ErrorCode error);
    void handle_add_response(ErrorCode error, bool offsets, sim::TimeUs now);
    void back_off(sim::TimeUs now, std::int32_t backoff_ms);
    void finish_operation(ErrorCode error);

    const ProducerConfig& config_;
    TransactionManagerHost& host_;
    TransactionListener* listener_ = nullptr;
    ClientTxnState state_ = ClientTxnState::UNINITIALIZED;
    std::optional<TxnOperation> operation_;  // the API call waiting for completion
    std::set<TopicPartition> partitions_;          // added to the transaction
    std::set<TopicPartition> partitions_pending_;  // to add before their batches drain
    std::optional<std::map<TopicPartition, std::int64_t>> offsets_;
    GroupMetadata group_;
    bool offsets_added_ = false;
    // transaction.version 2's transactionStarted: a send or sendOffsetsToTransaction was made in
    // this transaction, whether or not it reached a broker.
    bool send_made_ = false;
    bool request_in_flight_ = false;
    sim::TimeUs retry_after_us_ = 0;
    bool epoch_bump_after_abort_ = false;  // KIP-360: abort, then InitProducerId(pid, epoch)
};

}  // namespace eosim::kafka
