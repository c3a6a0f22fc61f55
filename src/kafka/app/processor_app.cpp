#include "kafka/app/processor_app.hpp"

#include "base/assert.hpp"
#include "kafka/app/external_sink.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {

constexpr std::int32_t kRecordBytes = 116;

}  // namespace

ProcessorApp::ProcessorApp(std::string name, std::shared_ptr<const ClusterLayout> layout,
                           ConsumerConfig consumer_config, ProducerConfig producer_config,
                           ProcessorWorkload workload, history::Recorder& recorder)
    : sim::Node(std::move(name)),
      layout_(std::move(layout)),
      consumer_config_(std::move(consumer_config)),
      producer_config_(std::move(producer_config)),
      workload_(std::move(workload)),
      recorder_(recorder) {
    group_ = recorder_.names().group(workload_.group_id);
    next_output_ = workload_.first_output_value;
}

void ProcessorApp::on_start() {
    ++incarnation_;
    process_ = recorder_.new_process(name() + "#" + std::to_string(incarnation_));
    phase_ = Phase::waiting_to_start;
    sink_connected_ = false;
    failed_starts_ = 0;
    restart_prng_ = sim().stream("processor-restart/" + name());
    const sim::TimeUs now = sim().now();
    sim().set_timer(id(), now < workload_.start_us ? workload_.start_us - now : 0, kStartTimer);
}

void ProcessorApp::start_clients() {
    consumer_ = std::make_unique<ConsumerClient>(sim(), id(), layout_, consumer_config_, workload_.group_id,
                                                 workload_.assignment,
                                                 static_cast<ConsumerListener&>(*this), kConsumerTimer);
    producer_ = std::make_unique<ProducerClient>(sim(), id(), layout_, producer_config_,
                                                 static_cast<SendListener&>(*this), kProducerTimer);
    producer_->set_transaction_listener(static_cast<TransactionListener*>(this));
    if (workload_.subscribe) {
        consumer_->subscribe(workload_.assignment.front().topic);
    } else {
        record_assignment(workload_.assignment);
    }
    initialised_ = false;
    // Without transactions the application polls at once, and its first poll joins the group
    // (ConsumerCoordinator.poll → ensureActiveGroup); a transactional one polls, and so joins,
    // once initTransactions is done (after_batch).
    phase_ = transactional() ? Phase::initializing : Phase::idle;
    consumer_->start();
    if (transactional()) producer_->init_transactions();  // fences any older producer with this transactional.id
}

void ProcessorApp::on_crash() {
    shutting_down_ = false;
    recorder_.crash(sim().now(), process_);
    consumer_.reset();
    producer_.reset();
    retired_consumer_.reset();
    retired_producer_.reset();
    batch_.clear();
    outputs_.clear();
    txn_recorded_ = false;
    phase_ = Phase::waiting_to_start;
}

void ProcessorApp::record_assignment(const std::vector<TopicPartition>& partitions) {
    std::vector<history::Element> keys;
    for (const TopicPartition& tp : partitions) {
        keys.push_back(history::Element{recorder_.names().key(tp.str()), history::kUnknownOffset, 0, history::kNoSource});
    }
    recorder_.instant(sim().now(), process_, history::OpFunction::assign, group_, keys,
                      consumer_config_.isolation == Isolation::read_committed, /*processor=*/true, workload_.subscribe);
}

bool ProcessorApp::idle() const {
    if (phase_ == Phase::stopped) return true;
    return phase_ == Phase::idle && consumer_ != nullptr && !consumer_->has_records() &&
           !consumer_->commit_pending() && consumer_->settled();
}

void ProcessorApp::on_records_available() {
    if (phase_ == Phase::idle) begin_batch();
}

void ProcessorApp::begin_batch() {
    EOSIM_ASSERT(phase_ == Phase::idle);
    batch_ = consumer_->take_records();
    next_record_ = 0;
    outputs_.clear();
    txn_recorded_ = false;
    if (batch_.empty()) return;
    batch_group_ = GroupMetadata{workload_.group_id, consumer_->member_id(), consumer_->generation_id(),
                                 consumer_config_.group_instance_id};
    batch_offsets_ = consumer_->positions();
    record_input_poll();
    if (workload_.mode == ProcessingMode::at_most_once) {
        phase_ = Phase::committing_before;
        recorder_.invoke(sim().now(), process_, history::OpFunction::commit, group_, offsets_elements());
        consumer_->commit(batch_offsets_);
        return;
    }
    if (transactional()) producer_->begin_transaction();
    process_current();
}

// The batch poll() returned, as a poll of the processor's group: a re-read input is visible in
// the history (the checker judges processor groups by exactly_once_processing, not at-most-once).
void ProcessorApp::record_input_poll() {
    std::vector<history::Element> elements;
    elements.reserve(batch_.size());
    for (const ConsumedRecord& record : batch_) {
        elements.push_back(history::Element{recorder_.names().key(record.partition.str()), record.offset,
                                            record.record.value, history::kNoSource});
    }
    recorder_.instant(sim().now(), process_, history::OpFunction::poll, group_, elements,
                      consumer_config_.isolation == Isolation::read_committed);
}

void ProcessorApp::process_current() {
    EOSIM_ASSERT(next_record_ < batch_.size());
    if (workload_.sink.empty()) {
        phase_ = Phase::processing;
        sim().set_timer(id(), workload_.processing_us, kStepTimer);
        return;
    }
    // The external call happens first; Kafka's transaction does not cover it.
    phase_ = Phase::calling_sink;
    if (!sink_connected_ || !sim().is_open(sink_connection_)) {
        sink_connection_ = sim().connect(id(), sim().find_node(workload_.sink));
        sink_connected_ = true;
    }
    ++sink_request_;
    sim().send(id(), sink_connection_, std::make_unique<SinkWrite>(batch_[next_record_].record.value, sink_request_,
                                                                    workload_.group_id));
    sink_timer_ = sim().set_timer(id(), workload_.sink_timeout_us, kSinkTimeout);
}

history::Element ProcessorApp::output_element(const Output& output) const {
    const std::int64_t offset = output.outcome && output.outcome->kind == SendOutcome::Kind::ok ? output.outcome->offset
                                                                                                : history::kUnknownOffset;
    return history::Element{recorder_.names().key(output.partition.str()), offset, output.value, output.source};
}

void ProcessorApp::emit_output() {
    const ConsumedRecord& input = batch_[next_record_++];
    const TopicSpec* topic = layout_->find_topic(workload_.output_topic);
    EOSIM_ASSERT(topic != nullptr);
    const std::int32_t number =
        workload_.output_to_input_partition
            ? input.partition.partition
            : static_cast<std::int32_t>(static_cast<std::uint64_t>(input.record.key) %
                                        static_cast<std::uint64_t>(topic->partitions));
    EOSIM_ASSERT(number < topic->partitions);
    const TopicPartition partition{workload_.output_topic, number};
    Output output{next_output_++, partition, input.record.value, std::nullopt};
    outputs_.push_back(output);
    recorder_.invoke(sim().now(), process_, history::OpFunction::send, history::kNoGroup, {output_element(output)});
    producer_->send(partition, Record{output.value, input.record.key, input.record.value}, kRecordBytes);
    if (next_record_ < batch_.size()) {
        process_current();
        return;
    }
    finish_batch();
}

void ProcessorApp::finish_batch() {
    if (workload_.mode == ProcessingMode::at_most_once) {
        after_batch();
        return;
    }
    if (workload_.mode == ProcessingMode::at_least_once) {
        phase_ = Phase::flushing;  // wait for every output's acknowledgement, then commit
        maybe_finish_flush();
        return;
    }
    if (!workload_.offsets_in_transaction) {
        commit_or_abort();
        return;
    }
    phase_ = Phase::sending_offsets;
    producer_->send_offsets_to_transaction(batch_offsets_, batch_group_);
}

void ProcessorApp::commit_or_abort() {
    ++transactions_;
    const bool abort = workload_.abort_every > 0 && transactions_ % workload_.abort_every == 0;
    std::vector<history::Element> values;
    for (const Output& output : outputs_) values.push_back(output_element(output));
    recorder_.invoke(sim().now(), process_, history::OpFunction::txn, history::kNoGroup, values);
    txn_recorded_ = true;
    if (abort) {
        phase_ = Phase::aborting_txn;
        producer_->abort_transaction();
        return;
    }
    phase_ = Phase::committing_txn;
    producer_->commit_transaction();
}

void ProcessorApp::end_transaction_in_history(history::OpType type, std::string_view error) {
    // A transaction aborted before it wrote anything (a clean shutdown mid-batch) left no trace.
    if (outputs_.empty() && !txn_recorded_) return;
    if (!txn_recorded_) {
        std::vector<history::Element> values;
        for (const Output& output : outputs_) values.push_back(output_element(output));
        recorder_.invoke(sim().now(), process_, history::OpFunction::txn, history::kNoGroup, values);
    }
    for (const Output& output : outputs_) {
        const bool ok = type == history::OpType::ok;
        recorder_.complete(sim().now(), process_, type, history::OpFunction::send, history::kNoGroup,
                           {output_element(output)}, ok ? "" : error, ok ? output.acked_us : history::kNoTime);
    }
    std::vector<history::Element> values;
    for (const Output& output : outputs_) values.push_back(output_element(output));
    recorder_.complete(sim().now(), process_, type, history::OpFunction::txn, history::kNoGroup, values, error);
    outputs_.clear();
    txn_recorded_ = false;
}

void ProcessorApp::after_batch() {
    phase_ = Phase::idle;
    if (shutting_down_) return close_and_exit();
    if (consumer_->fatal()) return stop();
    consumer_->on_application_poll();  // back in poll(): a pending rebalance runs now
    if (phase_ == Phase::idle && consumer_->has_records()) begin_batch();
}

void ProcessorApp::stop() {
    sim().record_state(id(), sim::StateChange("processor.stopped"));
    phase_ = Phase::stopped;
    consumer_->close();
}

// The rebalance runs between batches, when each batch's transaction has committed or aborted,
// so nothing is open here: Kafka's rebalance-listener pattern (commit or abort the open
// transaction on revocation) has nothing left to do. New owners read the committed offsets
// with require_stable, so they wait for any transaction still completing.
void ProcessorApp::on_partitions_revoked(const std::vector<TopicPartition>& partitions) {
    (void)partitions;
    EOSIM_ASSERT(phase_ == Phase::idle);
    record_assignment({});
}

void ProcessorApp::on_partitions_assigned(const std::vector<TopicPartition>& partitions) {
    record_assignment(partitions);
}

void ProcessorApp::on_consumer_fatal(ErrorCode error) {
    (void)error;
    if (phase_ == Phase::idle) stop();  // else once the current batch is done (after_batch)
}

void ProcessorApp::on_shutdown() {
    shutting_down_ = true;
    sim().record_state(id(), sim::StateChange("processor.shutdown"));
    switch (phase_) {
        case Phase::processing:
        case Phase::calling_sink:
            // Mid-batch: a transaction is open; without one the batch is cut short, as a
            // process that stops polling leaves it.
            if (transactional()) return abort_for_shutdown();
            break;
        case Phase::sending_offsets:  // the offsets request completes first, then the abort
        case Phase::committing_txn:   // a commit under way is completed by close()
        case Phase::aborting_txn:
        case Phase::committing_before:
        case Phase::flushing:
        case Phase::committing_after:
            return;  // after_batch() exits
        case Phase::waiting_to_start:
        case Phase::initializing:
        case Phase::idle:
        case Phase::stopped:
            break;
    }
    close_and_exit();
}

// KafkaConsumer.close(): a dynamic member sends LeaveGroup (it travels ahead of the FIN); then
// the process is gone.
void ProcessorApp::close_and_exit() {
    phase_ = Phase::stopped;
    if (consumer_) consumer_->close();
    sim().exit(id());
}

// Sender.run on close: a transaction that is not completing is aborted (beginAbort).
void ProcessorApp::abort_for_shutdown() {
    phase_ = Phase::aborting_txn;
    producer_->abort_transaction();
}

std::vector<history::Element> ProcessorApp::offsets_elements() const {
    std::vector<history::Element> elements;
    for (const auto& [tp, offset] : batch_offsets_) {
        elements.push_back(history::Element{recorder_.names().key(tp.str()), offset, 0, history::kNoSource});
    }
    return elements;
}

// A poll loop's commitSync() between polls: the positions again, though nothing new was
// processed. It repairs a commit that a crashed predecessor's late OffsetCommit overwrote (an
// assign() commit is not fenced), so the group does not stay behind once the input is quiet.
void ProcessorApp::commit_again() {
    EOSIM_ASSERT(!transactional());
    if (phase_ != Phase::idle || consumer_ == nullptr || consumer_->fatal() || consumer_->commit_pending() ||
        consumer_->has_records()) {
        return;
    }
    batch_offsets_ = consumer_->positions();
    if (batch_offsets_.empty()) return;
    commit_offsets_outside();
}

void ProcessorApp::commit_offsets_outside() {
    phase_ = Phase::committing_after;
    recorder_.invoke(sim().now(), process_, history::OpFunction::commit, group_, offsets_elements());
    consumer_->commit(batch_offsets_);
}

}  // namespace eosim::kafka
