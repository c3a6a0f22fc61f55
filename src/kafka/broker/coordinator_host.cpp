#include "kafka/broker/coordinator_host.hpp"

#include "base/assert.hpp"
#include "kafka/coordinator/transaction_state.hpp"

namespace eosim::kafka {

// A transaction coordinator's host on one __transaction_state partition: the broker's, except
// that records go to the partition (as leader, acks=all) and are read back from its replica.
class CoordinatorHost::PartitionTxnHost final : public TxnCoordinatorHost {
public:
    PartitionTxnHost(TxnCoordinatorHost& broker, CoordinatorHostListener& listener, TopicPartition partition,
                     std::int32_t request_timeout_ms, const PartitionLog& log)
        : broker_(broker),
          listener_(listener),
          partition_(std::move(partition)),
          request_timeout_ms_(request_timeout_ms),
          log_(log),
          alive_(std::make_shared<bool>(true)) {}
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
    void append_transaction_record(const TransactionLogRecord& record, std::function<void(ErrorCode)> done) override;
    std::vector<TransactionLogRecord> transaction_records() const override;

private:
    TxnCoordinatorHost& broker_;
    CoordinatorHostListener& listener_;
    TopicPartition partition_;
    std::int32_t request_timeout_ms_;
    const PartitionLog& log_;
    std::shared_ptr<bool> alive_;
};

void CoordinatorHost::PartitionTxnHost::append_transaction_record(const TransactionLogRecord& record,
                                                                  std::function<void(ErrorCode)> done) {
    ReplicaManager& replicas = listener_.replicas();
    if (!replicas.leads(partition_)) {
        after(0, [done] { done(ErrorCode::NOT_LEADER_OR_FOLLOWER); });
        return;
    }
    if (!replicas.enough_replicas(partition_)) {  // acks=all below min.insync.replicas
        after(0, [done] { done(ErrorCode::NOT_ENOUGH_REPLICAS); });
        return;
    }
    RecordBatch batch;
    batch.records.push_back(Record{0, 0, kNoSource});
    batch.txn_record = std::make_shared<const TransactionLogRecord>(record);
    const std::int64_t offset = replicas.append_to_leader(partition_, batch);
    replicas.wait_for_replication({{partition_, offset + 1}}, request_timeout_ms_,
                                  [alive = alive_, done](const std::vector<ReplicaManager::ProducePartitionStatus>& results) {
                                      if (*alive) done(results.front().result);
                                  });
}

std::vector<TransactionLogRecord> CoordinatorHost::PartitionTxnHost::transaction_records() const {
    // Read only to load, which sync allows once the whole log is committed: a coordinator never
    // acts on a record a later leader may not have.
    EOSIM_ASSERT_EQ(log_.high_watermark(), log_.log_end_offset());
    std::vector<TransactionLogRecord> records;
    for (const LogBatch& stored : log_.batches()) {
        if (stored.batch.txn_record != nullptr) records.push_back(*stored.batch.txn_record);
    }
    return records;
}

CoordinatorHost::CoordinatorHost(TxnCoordinatorHost& broker, CoordinatorHostListener& listener,
                                 std::int32_t broker_id, std::shared_ptr<const ClusterLayout> layout,
                                 const BrokerConfig& config, Disk disk)
    : broker_(&broker),
      listener_(&listener),
      broker_id_(broker_id),
      layout_(std::move(layout)),
      config_(&config),
      disk_(disk) {}

void CoordinatorHost::load_static() {
    transactions_ = std::make_unique<TransactionCoordinator>(*broker_, *layout_, config_->transactions);
    ++*disk_.coordinator_loads;
    transactions_->load(*disk_.coordinator_loads);
    listener_->groups_loaded(*disk_.groups);
}

// The coordinator of an internal partition runs where the partition is led, loaded from the log
// once everything in the leader's log is committed (high watermark = log end): a new leader may
// hold records past the old high watermark that could still be lost, and a coordinator must not
// act on them (e.g. complete a PrepareCommit that a later leader never sees).
void CoordinatorHost::sync(const TopicPartition& tp) {
    const ReplicaManager& replicas = listener_->replicas();
    const PartitionRegistration* p = replicas.registration(tp);
    const Partition* local = replicas.partition(tp);
    if (p == nullptr || local == nullptr) return;
    const bool leading = p->leader == broker_id_ && replicas.is_leader(tp);
    const bool committed = local->high_watermark() >= local->log().log_end_offset();
    if (tp.topic == ClusterLayout::kConsumerOffsets) return sync_groups(tp, *p, leading, committed);
    const auto slot = partition_coordinators_.find(tp.partition);
    const bool current =
        slot != partition_coordinators_.end() && slot->second.coordinator->coordinator_epoch() == p->leader_epoch;
    if ((!leading || !current) && slot != partition_coordinators_.end()) retire_transaction_coordinator(tp.partition);
    if (leading && !current && committed) load_transaction_coordinator(*p);
}

void CoordinatorHost::sync_groups(const TopicPartition& tp, const PartitionRegistration& p, bool leading,
                                  bool committed) {
    const auto loaded = group_state_epochs_.find(tp.partition);
    const bool current = loaded != group_state_epochs_.end() && loaded->second == p.leader_epoch;
    if (!leading || !current) {
        if (group_states_.count(tp.partition) > 0) listener_->unload_groups(tp.partition);
        group_states_.erase(tp.partition);
        group_state_epochs_.erase(tp.partition);
    }
    if (leading && !current && committed) {
        load_group_state(tp);
        group_state_epochs_[tp.partition] = p.leader_epoch;
    }
}

void CoordinatorHost::load_group_state(const TopicPartition& offsets_partition) {
    const PartitionLog& log = disk_.logs->at(offsets_partition);
    EOSIM_ASSERT_EQ(log.high_watermark(), log.log_end_offset());  // sync loads only a committed log
    GroupStorage state;
    for (const LogBatch& stored : log.batches()) {
        if (stored.batch.group_state != nullptr) state = *stored.batch.group_state;
    }
    group_states_[offsets_partition.partition] = std::move(state);
    listener_->groups_loaded(group_states_.at(offsets_partition.partition));
    broker_->trace(sim::StateChange("group.coordinator_load").with("partition", offsets_partition.partition));
}

void CoordinatorHost::load_transaction_coordinator(const PartitionRegistration& registration) {
    const std::int32_t p = registration.partition.partition;
    retire_transaction_coordinator(p);
    CoordinatorSlot slot;
    slot.host = std::make_shared<PartitionTxnHost>(*broker_, *listener_, registration.partition,
                                                   config_->request_timeout_ms, disk_.logs->at(registration.partition));
    slot.coordinator = std::make_unique<TransactionCoordinator>(*slot.host, *layout_, config_->transactions);
    TransactionCoordinator& coordinator = *slot.coordinator;
    partition_coordinators_.emplace(p, std::move(slot));
    // Kafka's coordinator epoch is the transaction-log partition's leader epoch.
    coordinator.load(registration.leader_epoch);
}

void CoordinatorHost::retire_transaction_coordinator(std::int32_t partition) {
    const auto found = partition_coordinators_.find(partition);
    if (found == partition_coordinators_.end()) return;
    broker_->trace(sim::StateChange("txn.coordinator_unload").with("partition", partition));
    partition_coordinators_.erase(found);  // the host's destructor silences pending callbacks
}

TransactionCoordinator* CoordinatorHost::transaction_coordinator(const std::string& transactional_id) {
    if (!replicated()) {
        return layout_->coordinator_of_transaction(transactional_id) == broker_id_ ? transactions_.get() : nullptr;
    }
    const auto found = partition_coordinators_.find(layout_->transaction_partition_of(transactional_id).partition);
    return found == partition_coordinators_.end() ? nullptr : found->second.coordinator.get();
}

std::vector<const TransactionCoordinator*> CoordinatorHost::transaction_coordinators() const {
    std::vector<const TransactionCoordinator*> result;
    if (transactions_ != nullptr) result.push_back(transactions_.get());
    for (const auto& [p, slot] : partition_coordinators_) result.push_back(slot.coordinator.get());
    return result;
}

void CoordinatorHost::abort_timed_out_transactions() {
    if (transactions_ != nullptr) transactions_->abort_timed_out_transactions();
    for (auto& [p, slot] : partition_coordinators_) slot.coordinator->abort_timed_out_transactions();
}

GroupStorage* CoordinatorHost::group_state(const std::string& group_id) {
    const TopicPartition tp = layout_->offsets_partition_of_group(group_id);
    if (!replicated()) return layout_->coordinator_of_group(group_id) == broker_id_ ? disk_.groups : nullptr;
    const auto found = group_states_.find(tp.partition);
    return found == group_states_.end() || !listener_->replicas().leads(tp) ? nullptr : &found->second;
}

const GroupStorage* CoordinatorHost::loaded_group_state(const std::string& group_id) const {
    if (!replicated()) return layout_->coordinator_of_group(group_id) == broker_id_ ? disk_.groups : nullptr;
    const auto found = group_states_.find(layout_->offsets_partition_of_group(group_id).partition);
    return found == group_states_.end() ? nullptr : &found->second;
}

GroupStorage* CoordinatorHost::offsets_partition_state(std::int32_t offsets_partition) {
    const auto found = group_states_.find(offsets_partition);
    return found == group_states_.end() ? nullptr : &found->second;
}

}  // namespace eosim::kafka
