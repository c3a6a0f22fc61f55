// The transactional producer's sender side: the API calls go to the TransactionManager, which
// decides; this sends what it asks for to the coordinator and serves it as its host.
#include "base/assert.hpp"
#include "kafka/client/producer_client.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

TransactionManager& ProducerClient::txn() {
    EOSIM_ASSERT(txn_.has_value());
    return *txn_;
}

const TransactionManager& ProducerClient::txn() const {
    EOSIM_ASSERT(txn_.has_value());
    return *txn_;
}

// A processor sets its listener whatever its delivery: without a transactional.id there is no
// transaction to report on.
void ProducerClient::set_transaction_listener(TransactionListener* listener) {
    if (txn_) txn_->set_listener(listener);
}

ClientTxnState ProducerClient::transaction_state() const {
    return txn_ ? txn_->state() : ClientTxnState::UNINITIALIZED;
}

void ProducerClient::fail_transaction_send(ErrorCode error) {
    if (txn_) txn_->enter_abortable_error(error);
}

void ProducerClient::init_transactions() {
    if (txn().init_transactions()) poll();
}

void ProducerClient::begin_transaction() { txn().begin_transaction(); }

void ProducerClient::send_offsets_to_transaction(std::map<TopicPartition, std::int64_t> offsets,
                                                 GroupMetadata group) {
    if (txn().send_offsets_to_transaction(std::move(offsets), std::move(group))) poll();
}

void ProducerClient::commit_transaction() {
    if (txn().commit_transaction()) poll();
}

void ProducerClient::abort_transaction() {
    if (txn().abort_transaction()) poll();
}

void ProducerClient::maybe_send_transaction_request(sim::TimeUs now) {
    std::optional<TxnRequest> next = txn().next_request(now, producer_id_, producer_epoch_);
    if (!next) return;
    InFlightRequest request{next->broker, now + sim::ms(config_.request_timeout_ms), RequestKind::transaction, {}};
    send_request(next->broker, std::move(request), std::move(next->body));
}

// TransactionManagerHost: the coordinators are the leaders of the transactional id's
// __transaction_state partition and of the group's __consumer_offsets partition, found (and
// looked up again) through Metadata.
std::int32_t ProducerClient::coordinator(CoordinatorType type, const std::string& key) const {
    return leaders_.leader_of(type == CoordinatorType::transaction ? layout_->transaction_partition_of(key)
                                                                   : layout_->offsets_partition_of_group(key));
}

void ProducerClient::lookup_coordinator() { leaders_.mark_stale(); }

bool ProducerClient::has_unfinished_batches() const {
    for (const auto& [tp, state] : partitions_) {
        if (!state.queue.empty() || state.in_flight_batches > 0) return true;
    }
    return false;
}

void ProducerClient::fail_queued_batches(ErrorCode error) {
    for (auto& [tp, state] : partitions_) {
        for (BatchPtr& batch : state.queue) {
            if (batch->done) continue;
            finish(*batch, {batch->maybe_written ? SendOutcome::Kind::info : SendOutcome::Kind::fail, error, -1});
        }
        state.queue.clear();
    }
}

void ProducerClient::producer_id_and_epoch_changed(std::int64_t producer_id, std::int16_t producer_epoch,
                                                   bool initialized) {
    producer_id_ = producer_id;
    producer_epoch_ = producer_epoch;
    reset_sequences();
    if (!initialized) return;
    sim_.record_state(host_, sim::StateChange("producer.producer_id").with("pid", producer_id_).with("epoch", producer_epoch_));
}

void ProducerClient::state_changed(ClientTxnState from, ClientTxnState to) {
    sim_.record_state(host_, sim::StateChange("producer.txn_state")
                                 .with("from", client_txn_state_name(from))
                                 .with("to", client_txn_state_name(to)));
}

void ProducerClient::reset_sequences() {
    for (auto& [tp, state] : partitions_) {
        state.producer_id = producer_id_;
        state.producer_epoch = producer_epoch_;
        state.next_sequence = 0;
        state.last_acked_sequence = kNoSequence;
        state.unresolved_next_sequence.reset();
        for (BatchPtr& batch : state.queue) batch->base_sequence = kNoSequence;
    }
}

}  // namespace eosim::kafka
