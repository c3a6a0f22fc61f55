// Where a broker's transaction coordinators live. Without replication: one coordinator for the
// transactional ids whose __transaction_state partition is statically on this broker, writing to
// a durable record list. With replication: one coordinator per __transaction_state partition
// this broker leads, loaded from that partition's replica when leadership arrives (coordinator
// epoch = the partition's leader epoch) and retired when it leaves; its records are batches
// appended to the partition as leader and acknowledged once replicated (acks=all).
#include "base/assert.hpp"
#include "kafka/broker/broker.hpp"
#include "kafka/coordinator/transaction_state.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

class Broker::PartitionTxnHost final : public TxnCoordinatorHost {
public:
    PartitionTxnHost(Broker& broker, TopicPartition partition)
        : broker_(broker), partition_(std::move(partition)), alive_(std::make_shared<bool>(true)) {}
    ~PartitionTxnHost() override { *alive_ = false; }
    PartitionTxnHost(const PartitionTxnHost&) = delete;
    PartitionTxnHost& operator=(const PartitionTxnHost&) = delete;

    sim::TimeUs now() const override { return broker_.now(); }
    std::int64_t allocate_producer_id() override { return broker_.allocate_producer_id(); }
    void trace(const sim::Describable& change) override { broker_.trace(change); }
    std::int32_t leader_of(const TopicPartition& tp) const override { return broker_.leader_of(tp); }
    void after(sim::TimeUs delay_us, std::function<void()> action) override {
        broker_.after(delay_us, [alive = alive_, action = std::move(action)] {
            if (*alive) action();
        });
    }
    void send_markers(std::int32_t broker, WriteTxnMarkersRequest request,
                      std::function<void(const WriteTxnMarkersResponse*)> on_response) override {
        broker_.send_markers(broker, std::move(request),
                             [alive = alive_, on_response = std::move(on_response)](const WriteTxnMarkersResponse* r) {
                                 if (*alive) on_response(r);
                             });
    }
    void append_transaction_record(const TransactionLogRecord& record, std::function<void(ErrorCode)> done) override {
        if (!broker_.replicas().leads(partition_)) {
            after(0, [done] { done(ErrorCode::NOT_LEADER_OR_FOLLOWER); });
            return;
        }
        if (!broker_.replicas().enough_replicas(partition_)) {  // acks=all below min.insync.replicas
            after(0, [done] { done(ErrorCode::NOT_ENOUGH_REPLICAS); });
            return;
        }
        RecordBatch batch;
        batch.records.push_back(Record{0, 0, kNoSource});
        batch.txn_record = std::make_shared<const TransactionLogRecord>(record);
        const std::int64_t offset = broker_.replicas().append_to_leader(partition_, batch);
        broker_.replicas().wait_for_replication({{partition_, offset + 1}}, broker_.config_.request_timeout_ms,
                                                [alive = alive_, done](const std::vector<ProducePartitionStatus>& results) {
                                                    if (*alive) done(results.front().result);
                                                });
    }
    std::vector<TransactionLogRecord> transaction_records() const override {
        // Read only to load, which sync_coordinator allows once the whole log is committed: a
        // coordinator never acts on a record a later leader may not have.
        const PartitionLog& log = broker_.storage_.logs.at(partition_);
        EOSIM_ASSERT_EQ(log.high_watermark(), log.log_end_offset());
        std::vector<TransactionLogRecord> records;
        for (const LogBatch& stored : log.batches()) {
            if (stored.batch.txn_record != nullptr) records.push_back(*stored.batch.txn_record);
        }
        return records;
    }

private:
    Broker& broker_;
    TopicPartition partition_;
    std::shared_ptr<bool> alive_;
};

// The unreplicated log: a durable list, written after log_write_us.
void Broker::append_transaction_record(const TransactionLogRecord& record, std::function<void(ErrorCode)> done) {
    storage_.transaction_log.push_back(record);
    after(config_.transactions.log_write_us, [done = std::move(done)] { done(ErrorCode::NONE); });
}

std::vector<const TransactionCoordinator*> Broker::coordinators() const {
    std::vector<const TransactionCoordinator*> result;
    if (memory_.transactions != nullptr) result.push_back(memory_.transactions.get());
    for (const auto& [p, slot] : memory_.partition_coordinators) result.push_back(slot.coordinator.get());
    return result;
}

std::int32_t Broker::coordinator_broker(const std::string& transactional_id) const {
    return leader_of(layout_->transaction_partition_of(transactional_id));
}

TransactionCoordinator* Broker::coordinator_for(const std::string& transactional_id) {
    if (!replicated()) {
        return layout_->coordinator_of_transaction(transactional_id) == broker_id_ ? memory_.transactions.get() : nullptr;
    }
    const auto found = memory_.partition_coordinators.find(layout_->transaction_partition_of(transactional_id).partition);
    return found == memory_.partition_coordinators.end() ? nullptr : found->second.coordinator.get();
}

void Broker::load_coordinator(const PartitionRegistration& registration) {
    const std::int32_t p = registration.partition.partition;
    retire_coordinator(p);
    CoordinatorSlot slot;
    slot.host = std::make_shared<PartitionTxnHost>(*this, registration.partition);
    slot.coordinator = std::make_unique<TransactionCoordinator>(*slot.host, *layout_, config_.transactions);
    TransactionCoordinator& coordinator = *slot.coordinator;
    memory_.partition_coordinators.emplace(p, std::move(slot));
    // Kafka's coordinator epoch is the transaction-log partition's leader epoch.
    coordinator.load(registration.leader_epoch);
}

void Broker::retire_coordinator(std::int32_t partition) {
    const auto found = memory_.partition_coordinators.find(partition);
    if (found == memory_.partition_coordinators.end()) return;
    sim().record_state(id(), sim::StateChange("txn.coordinator_unload").with("partition", partition));
    memory_.partition_coordinators.erase(found);  // the host's destructor silences pending callbacks
}

}  // namespace eosim::kafka
