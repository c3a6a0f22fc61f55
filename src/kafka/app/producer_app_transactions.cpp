// ProducerApp with a transactional.id: initTransactions, then begin / send transaction_records
// values / commit (or abort on purpose every abort_every-th time, or after an abortable error).
// Its values complete in the history when their transaction ends: ok if committed, fail if
// aborted (Kafka drops them for read_committed readers), info if the process crashed meanwhile.
#include "base/assert.hpp"
#include "kafka/client/exponential_backoff.hpp"
#include "kafka/app/producer_app.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {

constexpr std::uint64_t kClientTimer = 1;
constexpr std::uint64_t kRestartTimer = 3;

}  // namespace

void ProducerApp::start_transactional_client() {
    client_ = std::make_unique<ProducerClient>(sim(), id(), layout_, config_,
                                             static_cast<SendListener&>(*this), kClientTimer);
    client_->set_transaction_listener(static_cast<TransactionListener*>(this));
    initialised_ = false;
    txn_phase_ = TxnPhase::initializing;
    client_->init_transactions();  // fences an earlier incarnation and aborts what it left open
}

// KafkaProducer.send is only legal inside a transaction; a send due meanwhile waits for the next
// one. After an abortable error (a batch failed) the application aborts first.
bool ProducerApp::transaction_ready_for_send() {
    if (txn_phase_ == TxnPhase::in_transaction && client_->transaction_state() == ClientTxnState::ABORTABLE_ERROR) {
        end_current_transaction();  // becomes an abort
    }
    if (txn_phase_ == TxnPhase::in_transaction) return true;
    send_due_ = true;
    return false;
}

void ProducerApp::after_transactional_send(const history::Element& element) {
    txn_values_.push_back(element);
    const bool full = static_cast<std::int64_t>(txn_values_.size()) >= workload_.transaction_records;
    if (full || sent_ >= workload_.messages) end_current_transaction();
}

void ProducerApp::begin_next_transaction() {
    if (closing_) {
        txn_phase_ = TxnPhase::none;
        exit_once();
        return;
    }
    if (sent_ >= workload_.messages) {
        txn_phase_ = TxnPhase::none;  // done
        return;
    }
    client_->begin_transaction();
    txn_phase_ = TxnPhase::in_transaction;
    if (send_due_) {
        send_due_ = false;
        send_next();
    }
}

void ProducerApp::end_current_transaction() {
    EOSIM_ASSERT(txn_phase_ == TxnPhase::in_transaction);
    const bool failed = client_->transaction_state() == ClientTxnState::ABORTABLE_ERROR;
    bool abort = failed;
    if (!txn_values_.empty()) {
        ++transactions_;
        abort = abort || (workload_.abort_every > 0 && transactions_ % workload_.abort_every == 0);
        recorder_.invoke(sim().now(), process_, history::OpFunction::txn, history::kNoGroup, txn_values_);
        txn_recorded_ = true;
    }
    txn_phase_ = abort ? TxnPhase::aborting : TxnPhase::committing;
    if (abort) {
        client_->abort_transaction();
    } else {
        client_->commit_transaction();
    }
}

void ProducerApp::finish_transaction_in_history(history::OpType type, std::string_view error) {
    for (const history::Element& element : txn_values_) {
        const bool ok = type == history::OpType::ok;
        const auto acked = txn_acked_us_.find(element.value);
        const std::int64_t acked_us = ok && acked != txn_acked_us_.end() ? acked->second : history::kNoTime;
        recorder_.complete(sim().now(), process_, type, history::OpFunction::send, history::kNoGroup, {element},
                           ok ? "" : error, acked_us);
    }
    txn_acked_us_.clear();
    if (txn_recorded_) {
        recorder_.complete(sim().now(), process_, type, history::OpFunction::txn, history::kNoGroup, txn_values_,
                           type == history::OpType::ok ? "" : error);
    }
    txn_values_.clear();
    txn_recorded_ = false;
}

void ProducerApp::on_transaction_result(TxnOperation operation, ErrorCode error, bool fatal) {
    if (fatal) {
        // ProducerFencedException and friends: the coordinator aborts what was open.
        finish_transaction_in_history(history::OpType::fail, error_name(error));
        restart_after_fatal_error();
        return;
    }
    switch (operation) {
        case TxnOperation::init:
            EOSIM_ASSERT(error == ErrorCode::NONE);
            initialised_ = true;
            failed_starts_ = 0;
            return begin_next_transaction();
        case TxnOperation::commit:
            if (error == ErrorCode::NONE) {
                finish_transaction_in_history(history::OpType::ok, "");
                return begin_next_transaction();
            }
            txn_phase_ = TxnPhase::aborting;  // an abortable error: abort, then carry on
            client_->abort_transaction();
            return;
        case TxnOperation::abort:
            EOSIM_ASSERT(error == ErrorCode::NONE);
            finish_transaction_in_history(history::OpType::fail, "transaction aborted");
            return begin_next_transaction();
        case TxnOperation::send_offsets: EOSIM_UNREACHABLE("a producer application sends no offsets"); return;
    }
}

// A new producer with the same transactional.id, as a supervisor would start; after a fatal
// error before initTransactions ever succeeded it backs off exponentially (Kafka's
// ExponentialBackoff over retry.backoff.ms .. retry.backoff.max.ms) instead of looping.
void ProducerApp::restart_after_fatal_error() {
    sim().record_state(id(), sim::StateChange("producer.fatal_restart").with("failed_starts", failed_starts_));
    retired_client_ = std::move(client_);  // we are inside its callback
    txn_phase_ = TxnPhase::restarting;
    if (closing_) {
        exit_once();
        return;
    }
    sim::TimeUs delay_us = 0;
    if (!initialised_) {
        const ExponentialBackoff backoff(config_.retry_backoff_ms, config_.retry_backoff_max_ms);
        delay_us = backoff.backoff_us(failed_starts_++, restart_prng_);
    }
    sim().set_timer(id(), delay_us, kRestartTimer);
}

}  // namespace eosim::kafka
