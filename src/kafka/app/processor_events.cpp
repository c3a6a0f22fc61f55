// ProcessorApp's reactions to its clients, its sink and its timers.
#include "base/assert.hpp"
#include "kafka/app/external_sink.hpp"
#include "kafka/app/processor_app.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {


history::OpType history_type(SendOutcome::Kind kind) {
    switch (kind) {
        case SendOutcome::Kind::ok: return history::OpType::ok;
        case SendOutcome::Kind::fail: return history::OpType::fail;
        case SendOutcome::Kind::info: return history::OpType::info;
    }
    return history::OpType::info;
}

}  // namespace

void ProcessorApp::on_commit_complete(ErrorCode error) {
    const bool ok = error == ErrorCode::NONE;
    recorder_.complete(sim().now(), process_, ok ? history::OpType::ok : history::OpType::fail,
                       history::OpFunction::commit, group_, offsets_elements(), ok ? "" : error_name(error));
    if (phase_ == Phase::committing_before && ok) {
        process_current();
        return;
    }
    after_batch();  // after the outputs, or a commit-first that failed (its records are skipped)
}

void ProcessorApp::on_send_complete(std::uint64_t value, const TopicPartition& partition,
                                    const SendOutcome& outcome) {
    for (Output& output : outputs_) {
        if (output.value != value) continue;
        output.outcome = outcome;
        if (outcome.kind == SendOutcome::Kind::ok) output.acked_us = sim().now();
    }
    if (!transactional()) {
        // Without transactions an acknowledged output is final at once.
        const history::Element element{recorder_.names().key(partition.str()), outcome.offset, value, history::kNoSource};
        recorder_.complete(sim().now(), process_, history_type(outcome.kind), history::OpFunction::send,
                           history::kNoGroup, {element},
                           outcome.kind == SendOutcome::Kind::ok ? "" : error_name(outcome.error));
    }
    if (phase_ == Phase::flushing) maybe_finish_flush();
}

void ProcessorApp::maybe_finish_flush() {
    bool all_ok = true;
    for (const Output& output : outputs_) {
        if (!output.outcome) return;
        all_ok = all_ok && output.outcome->kind == SendOutcome::Kind::ok;
    }
    outputs_.clear();
    if (!all_ok) {
        // As Kafka Streams at-least-once: a failed send (RecordCollectorImpl.recordSendError:
        // OutOfOrderSequenceException -> TaskMigratedException, a timeout -> the default
        // ProductionExceptionHandler's FAIL) means "written offsets would not be recorded": the
        // batch's offsets are not committed and its inputs are processed again.
        sim().record_state(id(), sim::StateChange("processor.output_failed"));
        consumer_->rewind_to_committed();
        return after_batch();
    }
    commit_offsets_outside();
}

void ProcessorApp::on_transaction_result(TxnOperation operation, ErrorCode error, bool fatal) {
    if (fatal) {
        on_fenced();
        return;
    }
    const bool ok = error == ErrorCode::NONE;
    switch (operation) {
        case TxnOperation::init:
            initialised_ = true;
            failed_starts_ = 0;
            return after_batch();  // idle: the consumer may join its group now
        case TxnOperation::send_offsets:
            if (ok && shutting_down_) return abort_for_shutdown();
            if (ok) return commit_or_abort();
            // CommitFailedException: this member must rejoin; FencedInstanceIdException is fatal.
            rejoin_after_abort_ = error == ErrorCode::UNKNOWN_MEMBER_ID || error == ErrorCode::ILLEGAL_GENERATION;
            stop_after_abort_ = error == ErrorCode::FENCED_INSTANCE_ID;
            break;
        case TxnOperation::commit:
            if (ok) {
                end_transaction_in_history(history::OpType::ok, "");
                if (!workload_.offsets_in_transaction) return commit_offsets_outside();
                return after_batch();
            }
            break;
        case TxnOperation::abort:
            EOSIM_ASSERT(ok);
            end_transaction_in_history(history::OpType::fail, "transaction aborted");
            // The consumer does not roll back by itself after an abort (KAFKA-17582).
            if (stop_after_abort_) {
                stop_after_abort_ = false;
                return stop();
            }
            if (rejoin_after_abort_) {
                rejoin_after_abort_ = false;
                consumer_->rejoin();
            } else if (workload_.rewind_after_abort) {
                consumer_->rewind_to_committed();
            }
            return after_batch();
    }
    phase_ = Phase::aborting_txn;  // an abortable error: abort, then carry on
    producer_->abort_transaction();
}

void ProcessorApp::on_fenced() {
    sim().record_state(id(), sim::StateChange("processor.fenced").with("restart", workload_.restart_when_fenced ? 1 : 0));
    if (!outputs_.empty() || txn_recorded_) end_transaction_in_history(history::OpType::fail, "PRODUCER_FENCED");
    batch_.clear();
    // We are inside a callback of the producer: keep the old clients alive until later.
    consumer_->close();  // a dynamic member leaves its group
    retired_consumer_ = std::move(consumer_);
    retired_producer_ = std::move(producer_);
    if (shutting_down_) {
        phase_ = Phase::stopped;
        sim().exit(id());
        return;
    }
    if (workload_.restart_when_fenced) {
        if (initialised_) {
            start_clients();  // a new producer with the same transactional.id, a new group member
            return;
        }
        // It never got going (e.g. INVALID_TRANSACTION_TIMEOUT): starting again at once would
        // loop on InitProducerId, so back off as Kafka's clients do (ExponentialBackoff).
        const ExponentialBackoff backoff(producer_config_.retry_backoff_ms, producer_config_.retry_backoff_max_ms);
        const sim::TimeUs delay_us = backoff.backoff_us(failed_starts_++, restart_prng_);
        phase_ = Phase::waiting_to_start;
        sim().set_timer(id(), delay_us, kStartTimer);
        return;
    }
    phase_ = Phase::stopped;
}

void ProcessorApp::on_timer(std::uint64_t tag) {
    switch (tag) {
        case kConsumerTimer:
            if (consumer_) consumer_->on_timer();
            return;
        case kProducerTimer:
            if (producer_) producer_->on_timer();
            return;
        case kStartTimer:
            start_clients();
            if (!transactional() && workload_.commit_interval_us > 0) {
                sim().set_timer(id(), workload_.commit_interval_us, kCommitAgainTimer);
            }
            return;
        case kCommitAgainTimer:
            commit_again();
            sim().set_timer(id(), workload_.commit_interval_us, kCommitAgainTimer);
            return;
        case kStepTimer:
            if (phase_ == Phase::processing) emit_output();
            return;
        case kSinkTimeout:
            if (phase_ == Phase::calling_sink) process_current();  // the call timed out: retry it
            return;
        default: EOSIM_UNREACHABLE("unknown timer");
    }
}

void ProcessorApp::on_message(const sim::Envelope& envelope) {
    if (const auto* ack = dynamic_cast<const SinkAck*>(envelope.payload)) {
        if (phase_ != Phase::calling_sink || ack->request_id != sink_request_) return;  // stale
        sim().cancel_timer(sink_timer_);
        phase_ = Phase::processing;
        sim().set_timer(id(), workload_.processing_us, kStepTimer);
        return;
    }
    if (consumer_ && consumer_->owns_connection(envelope.connection)) {
        consumer_->on_message(envelope);
    } else if (producer_ && producer_->owns_connection(envelope.connection)) {
        producer_->on_message(envelope);
    }
}

void ProcessorApp::on_connection_closed(sim::ConnectionId connection) {
    if (sink_connected_ && connection == sink_connection_) {
        sink_connected_ = false;
        return;  // the pending call times out and is retried
    }
    if (consumer_ && consumer_->owns_connection(connection)) {
        consumer_->on_connection_closed(connection);
    } else if (producer_ && producer_->owns_connection(connection)) {
        producer_->on_connection_closed(connection);
    }
}

}  // namespace eosim::kafka
