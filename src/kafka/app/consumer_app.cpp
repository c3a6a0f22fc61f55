#include "kafka/app/consumer_app.hpp"

#include <string>

#include "base/assert.hpp"
#include "kafka/app/external_sink.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {

constexpr std::uint64_t kClientTimer = 1;
constexpr std::uint64_t kProcessTimer = 2;
constexpr std::uint64_t kStartTimer = 3;
constexpr std::uint64_t kSinkTimeout = 4;
constexpr std::uint64_t kReplaceTimer = 5;
constexpr std::uint64_t kCommitAgainTimer = 6;

}  // namespace

ConsumerApp::ConsumerApp(std::string name, std::shared_ptr<const ClusterLayout> layout,
                         ConsumerConfig config, ConsumerWorkload workload,
                         history::Recorder& recorder)
    : sim::Node(std::move(name)),
      layout_(std::move(layout)),
      config_(config),
      workload_(std::move(workload)),
      recorder_(recorder) {
    group_ = recorder_.names().group(workload_.group_id);
}

void ConsumerApp::on_start() {
    ++incarnation_;
    process_ = recorder_.new_process(name() + "#" + std::to_string(incarnation_));
    phase_ = Phase::waiting_to_start;
    sink_connected_ = false;
    const sim::TimeUs now = sim().now();
    sim().set_timer(id(), now < workload_.start_us ? workload_.start_us - now : 0, kStartTimer);
}

void ConsumerApp::start_client() {
    phase_ = Phase::polling;
    client_ = std::make_unique<ConsumerClient>(sim(), id(), layout_, config_, workload_.group_id,
                                               workload_.assignment,
                                               static_cast<ConsumerListener&>(*this), kClientTimer);
    if (workload_.subscribe) {
        client_->subscribe(workload_.assignment.front().topic);
    } else {
        record_assignment(workload_.assignment);
    }
    client_->start();
}

void ConsumerApp::record_assignment(const std::vector<TopicPartition>& partitions) {
    std::vector<history::Element> keys;
    for (const TopicPartition& tp : partitions) {
        keys.push_back(history::Element{recorder_.names().key(tp.str()), history::kUnknownOffset, 0});
    }
    recorder_.instant(sim().now(), process_, history::OpFunction::assign, group_, keys,
                      config_.isolation == Isolation::read_committed, /*processor=*/false, workload_.subscribe);
}

// Every batch commits when it is done, so there is nothing left to commit on revocation.
void ConsumerApp::on_partitions_revoked(const std::vector<TopicPartition>& partitions) {
    (void)partitions;
    record_assignment({});
}

void ConsumerApp::on_partitions_assigned(const std::vector<TopicPartition>& partitions) {
    record_assignment(partitions);
}

// KafkaConsumer throws FencedInstanceIdException and is unusable: another process joined with
// this group.instance.id after this one did. That may be this process's own predecessor, whose
// JoinGroup was still on the wire when it crashed and reached the coordinator after this
// process's join (the coordinator cannot tell: GroupMetadataManager
// .updateStaticMemberThenRebalanceOrCompleteJoin fences whoever joined before). With
// restart_when_fenced the application replaces its consumer after retry.backoff.ms; the new
// one joins without a member id and takes the instance over again.
void ConsumerApp::on_consumer_fatal(ErrorCode error) {
    sim().record_state(id(), sim::StateChange("consumer_app.fatal")
                                 .with("error", std::string(error_name(error)))
                                 .with("restart", workload_.restart_when_fenced ? 1 : 0));
    if (!workload_.restart_when_fenced || replacing_client_) return;
    replacing_client_ = true;
    sim().set_timer(id(), sim::ms(config_.retry_backoff_ms), kReplaceTimer);
}

// Inside a batch the records are processed first (the process timers refer to it); a commit
// of a fatal client never completes, so it fails here. The new consumer is a new history
// process: it starts from the group's committed offsets, so what this one processed without
// committing comes again (at-least-once), as after a restart.
void ConsumerApp::replace_client() {
    if (phase_ == Phase::processing || phase_ == Phase::calling_sink) {
        sim().set_timer(id(), workload_.processing_us + 1, kReplaceTimer);
        return;
    }
    if (phase_ == Phase::committing_before || phase_ == Phase::committing_after) {
        recorder_.complete(sim().now(), process_, history::OpType::fail, history::OpFunction::commit, group_,
                           commit_elements(), "FENCED_INSTANCE_ID");
    }
    replacing_client_ = false;
    client_->close();
    client_.reset();
    batch_.clear();
    batch_commit_.clear();
    last_committed_.clear();
    next_record_ = 0;
    ++incarnation_;
    process_ = recorder_.new_process(name() + "#" + std::to_string(incarnation_));
    start_client();
}

void ConsumerApp::on_crash() {
    recorder_.crash(sim().now(), process_);
    replacing_client_ = false;
    client_.reset();
    batch_.clear();
    batch_commit_.clear();
    last_committed_.clear();
    next_record_ = 0;
    phase_ = Phase::waiting_to_start;
}

bool ConsumerApp::idle() const {
    if (replacing_client_) return false;
    if (client_ != nullptr && client_->fatal()) return true;  // e.g. fenced by its group.instance.id
    return client_ != nullptr && phase_ == Phase::polling && !client_->has_records() &&
           !client_->commit_pending() && client_->settled();
}

void ConsumerApp::on_records_available() {
    if (phase_ == Phase::polling) begin_batch();
}

void ConsumerApp::begin_batch() {
    EOSIM_ASSERT(phase_ == Phase::polling);
    batch_ = client_->take_records();
    next_record_ = 0;
    batch_commit_ = client_->positions();
    if (batch_.empty()) {
        // Only markers or aborted data were skipped: commit the new position, nothing to process.
        if (batch_commit_ != last_committed_ && !batch_commit_.empty()) {
            phase_ = Phase::committing_after;
            commit();
        }
        return;
    }
    if (workload_.mode == DeliveryMode::at_most_once) {
        phase_ = Phase::committing_before;
        commit();
        return;
    }
    phase_ = Phase::processing;
    sim().set_timer(id(), workload_.processing_us, kProcessTimer);
}

void ConsumerApp::process_next() {
    EOSIM_ASSERT(phase_ == Phase::processing);
    EOSIM_ASSERT(next_record_ < batch_.size());
    const ConsumedRecord& record = batch_[next_record_++];
    // The side effect is done: the sink has the record.
    const history::Element element{recorder_.names().key(record.partition.str()), record.offset,
                                   record.record.value};
    recorder_.instant(sim().now(), process_, history::OpFunction::poll, group_, {element});
    if (!workload_.sink.empty()) {
        phase_ = Phase::calling_sink;
        call_sink();
        return;
    }
    after_record();
}

// The record's external effect (a database write): answered once applied, retried when the
// answer does not come within sink_timeout_us.
void ConsumerApp::call_sink() {
    EOSIM_ASSERT(phase_ == Phase::calling_sink);
    EOSIM_ASSERT(next_record_ > 0);
    if (!sink_connected_ || !sim().is_open(sink_connection_)) {
        sink_connection_ = sim().connect(id(), sim().find_node(workload_.sink));
        sink_connected_ = true;
    }
    ++sink_request_;
    sim().send(id(), sink_connection_,
               std::make_unique<SinkWrite>(batch_[next_record_ - 1].record.value, sink_request_, workload_.group_id));
    sink_timer_ = sim().set_timer(id(), workload_.sink_timeout_us, kSinkTimeout);
}

void ConsumerApp::after_record() {
    phase_ = Phase::processing;
    if (next_record_ < batch_.size()) {
        sim().set_timer(id(), workload_.processing_us, kProcessTimer);
        return;
    }
    if (workload_.mode == DeliveryMode::at_least_once) {
        phase_ = Phase::committing_after;
        commit();
        return;
    }
    phase_ = Phase::polling;
    begin_batch();
}

// Only between batches: a batch in progress commits when it is done anyway.
void ConsumerApp::commit_again() {
    if (phase_ != Phase::polling || client_ == nullptr || replacing_client_ || client_->fatal() ||
        client_->commit_pending() || client_->has_records()) {
        return;
    }
    batch_commit_ = client_->positions();
    if (batch_commit_.empty()) return;
    phase_ = Phase::committing_after;
    commit();
}

std::vector<history::Element> ConsumerApp::commit_elements() const {
    std::vector<history::Element> elements;
    for (const auto& [tp, offset] : batch_commit_) {
        elements.push_back(history::Element{recorder_.names().key(tp.str()), offset, 0});
    }
    return elements;
}

void ConsumerApp::commit() {
    recorder_.invoke(sim().now(), process_, history::OpFunction::commit, group_, commit_elements());
    last_committed_ = batch_commit_;
    client_->commit(batch_commit_);  // last: a commit refused locally completes at once
}

void ConsumerApp::on_commit_complete(ErrorCode error) {
    const bool ok = error == ErrorCode::NONE;
    recorder_.complete(sim().now(), process_, ok ? history::OpType::ok : history::OpType::fail,
                       history::OpFunction::commit, group_, commit_elements(),
                       ok ? "" : error_name(error));
    if (phase_ == Phase::committing_before && ok) {
        phase_ = Phase::processing;
        sim().set_timer(id(), workload_.processing_us, kProcessTimer);
        return;
    }
    // After processing, or a commit-first that failed for good (its records are skipped, as an
    // at-most-once application would). Positions may have moved meanwhile: look again.
    phase_ = Phase::polling;
    begin_batch();
}

void ConsumerApp::on_message(const sim::Envelope& envelope) {
    if (const auto* ack = dynamic_cast<const SinkAck*>(envelope.payload)) {
        if (phase_ != Phase::calling_sink || ack->request_id != sink_request_) return;  // stale
        sim().cancel_timer(sink_timer_);
        after_record();
        return;
    }
    if (client_) client_->on_message(envelope);
}

void ConsumerApp::on_timer(std::uint64_t tag) {
    switch (tag) {
        case kClientTimer:
            if (client_) client_->on_timer();
            return;
        case kProcessTimer: process_next(); return;
        case kStartTimer:
            start_client();
            if (workload_.commit_interval_us > 0) {
                sim().set_timer(id(), workload_.commit_interval_us, kCommitAgainTimer);
            }
            return;
        case kCommitAgainTimer:
            commit_again();
            sim().set_timer(id(), workload_.commit_interval_us, kCommitAgainTimer);
            return;
        case kReplaceTimer: replace_client(); return;
        case kSinkTimeout:
            if (phase_ == Phase::calling_sink) call_sink();  // the call timed out: retry it
            return;
        default: EOSIM_UNREACHABLE("unknown timer");
    }
}

void ConsumerApp::on_connection_closed(sim::ConnectionId connection) {
    if (sink_connected_ && connection == sink_connection_) {
        sink_connected_ = false;
        return;  // the pending call times out and is retried
    }
    if (client_) client_->on_connection_closed(connection);
}

}  // namespace eosim::kafka
