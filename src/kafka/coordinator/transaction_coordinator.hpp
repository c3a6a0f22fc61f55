#pragma once
// The transaction coordinator (Kafka's TransactionCoordinator + TransactionStateManager +
// TransactionMarkerChannelManager), hosted by the broker that owns the transactional id.
// State changes are two-phase: the new state is appended to the durable transaction log at once,
// applied in memory only when the write completes; meanwhile requests get
// CONCURRENT_TRANSACTIONS. A crash after the append leaves a state the next load applies.
#include <cstdint>
#include <functional>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "kafka/coordinator/coordinator_config.hpp"
#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/protocol/messages.hpp"
#include "kafka/coordinator/transaction_state.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace eosim::kafka {

// What the coordinator needs from the broker that hosts it.
class TxnCoordinatorHost {
public:
    virtual ~TxnCoordinatorHost() = default;
    virtual sim::TimeUs now() const = 0;
    // Appends a record to the transaction log; done(NONE) once it is durable (replicated), or an
    // error if it could not be (e.g. this broker no longer leads the log's partition).
    virtual void append_transaction_record(const TransactionLogRecord& record,
                                           std::function<void(ErrorCode)> done) = 0;
    // Every record of the transaction log this coordinator owns, in log order.
    virtual std::vector<TransactionLogRecord> transaction_records() const = 0;
    virtual std::int64_t allocate_producer_id() = 0;
    virtual void after(sim::TimeUs delay_us, std::function<void()> action) = 0;
    // Sends WriteTxnMarkers to a partition leader; on_response gets nullptr if the request
    // failed (timeout or disconnect).
    virtual void send_markers(std::int32_t broker, WriteTxnMarkersRequest request,
                              std::function<void(const WriteTxnMarkersResponse*)> on_response) = 0;
    virtual void trace(const sim::Describable& change) = 0;
    // The partition's current leader as this broker knows it (kNoLeader: offline).
    virtual std::int32_t leader_of(const TopicPartition& partition) const = 0;
};

class TransactionCoordinator {
public:
    using Reply = std::function<void(MessageBody)>;

    TransactionCoordinator(TxnCoordinatorHost& host, const ClusterLayout& layout,
                           TxnCoordinatorConfig config)
        : host_(host), layout_(layout), config_(config) {}

    // Replays the transaction log and completes every Prepare* (TSM.loadTransactions...).
    void load(std::int32_t coordinator_epoch);

    void handle_init_producer_id(const InitProducerIdRequest& request, Reply reply);
    void handle_add_partitions(const AddPartitionsToTxnRequest& request, Reply reply);
    void handle_add_offsets(const AddOffsetsToTxnRequest& request, Reply reply);
    void handle_end_txn(const EndTxnRequest& request, Reply reply);
    // transaction.timeout.ms expiry: epoch bump + abort of each timed-out Ongoing transaction.
    void abort_timed_out_transactions();

    const TransactionMetadata* find(const std::string& transactional_id) const;
    const std::map<std::string, TransactionMetadata>& all() const { return transactions_; }
    std::int32_t coordinator_epoch() const { return coordinator_epoch_; }
    const TxnCoordinatorConfig& config() const { return config_; }

private:
    using Done = std::function<void(ErrorCode)>;

    void write(const std::string& id, TransactionMetadata target, Done done);
    void begin_abort(const std::string& id, bool fence_epoch, Done done);
    void prepare_end(const std::string& id, bool commit, Done done);
    void send_markers(const std::string& id);
    void send_markers_for(const std::string& id, const std::set<TopicPartition>& partitions);
    void abandon_markers(const std::string& id, std::int64_t producer_id, std::int16_t epoch);
    void on_markers(const std::string& id, std::int64_t producer_id, std::int16_t epoch,
                    const std::set<TopicPartition>& sent, const WriteTxnMarkersResponse* response);
    void complete(const std::string& id);
    ErrorCode end_txn_state_answer(const TransactionMetadata& m, bool commit) const;
    void init_existing(TransactionMetadata& m, const InitProducerIdRequest& request, Reply reply);
    ErrorCode check_producer(const TransactionMetadata* m, std::int64_t producer_id,
                             std::int16_t epoch, bool check_pending = true) const;
    void add_partitions(const std::string& id, std::int64_t producer_id, std::int16_t epoch,
                        const std::vector<TopicPartition>& partitions, Reply reply,
                        std::function<MessageBody(ErrorCode)> answer);
    void trace_state(const TransactionMetadata& m, std::string_view event);
    bool tv2() const { return config_.transaction_version_2; }

    TxnCoordinatorHost& host_;
    const ClusterLayout& layout_;
    TxnCoordinatorConfig config_;
    std::int32_t coordinator_epoch_ = 0;
    bool loaded_ = false;
    std::map<std::string, TransactionMetadata> transactions_;
    std::map<std::string, std::set<TopicPartition>> markers_pending_;
    // Partitions with a marker request out, and transactions with a resend scheduled: each
    // partition has at most one request in flight (TransactionMarkerChannelManager's queue).
    // Keyed by transactional id, producer id and epoch: one transaction's markers.
    using MarkerKey = std::tuple<std::string, std::int64_t, std::int16_t>;
    std::map<MarkerKey, std::set<TopicPartition>> markers_in_flight_;
    std::set<std::string> marker_retry_scheduled_;
    // Transactions whose markers a partition refused for good: no more markers, no Complete*
    // (TransactionMarkerRequestCompletionHandler's abortSending) until the next load.
    std::set<MarkerKey> markers_abandoned_;
};

}  // namespace eosim::kafka
