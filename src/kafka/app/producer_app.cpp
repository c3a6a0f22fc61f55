#include "kafka/app/producer_app.hpp"

#include <algorithm>
#include <string>

#include <fmt/format.h>

#include "base/assert.hpp"
#include "kafka/protocol/record_batch.hpp"
#include "sim/prng.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {
namespace {

constexpr std::uint64_t kClientTimer = 1;
constexpr std::uint64_t kRestartTimer = 3;
constexpr std::int32_t kRecordOverheadBytes = 16;

}  // namespace

// A record's size in the client's accounting (shared with producer_app_buffer.cpp).
std::int32_t ProducerApp::record_bytes() const { return workload_.value_bytes + kRecordOverheadBytes; }

ProducerApp::ProducerApp(std::string name, std::shared_ptr<const ClusterLayout> layout,
                         ProducerConfig config, ProducerWorkload workload,
                         history::Recorder& recorder)
    : sim::Node(std::move(name)),
      layout_(std::move(layout)),
      config_(config),
      workload_(std::move(workload)),
      recorder_(recorder) {
    EOSIM_ASSERT(workload_.messages >= 0);
    EOSIM_ASSERT(workload_.keys > 0);
    EOSIM_ASSERT(workload_.interval_us >= 0);
    EOSIM_ASSERT(workload_.send_ns >= 0);
}

void ProducerApp::on_start() {
    ++incarnation_;
    // A restarted process is a new history process (Jepsen: a crashed process never returns).
    process_ = recorder_.new_process(name() + "#" + std::to_string(incarnation_));
    txn_phase_ = TxnPhase::none;
    send_due_ = false;
    failed_starts_ = 0;
    restart_prng_ = sim().stream("producer-restart/" + name());
    if (transactional()) {
        start_transactional_client();
    } else {
        client_ = std::make_unique<ProducerClient>(sim(), id(), layout_, config_,
                                                 static_cast<SendListener&>(*this), kClientTimer);
    }
    if (sent_ < workload_.messages) {
        const sim::TimeUs delay_us =
            sim().now() < workload_.start_us ? workload_.start_us - sim().now() : 0;
        sim().set_timer(id(), delay_us, kSendTimer);
    }
}

void ProducerApp::on_crash() {
    recorder_.crash(sim().now(), process_);
    client_.reset();
    retired_client_.reset();
    blocked_.reset();
    txn_values_.clear();
    txn_recorded_ = false;
    closing_ = false;
    exit_requested_ = false;
}

void ProducerApp::on_shutdown() {
    closing_ = true;
    if (!transactional()) {
        if (client_->pending_records() == 0) exit_once();
        return;  // on_send_complete exits once the last pending send completed
    }
    switch (txn_phase_) {
        case TxnPhase::in_transaction:
            if (!txn_values_.empty()) {
                recorder_.invoke(sim().now(), process_, history::OpFunction::txn, history::kNoGroup, txn_values_);
                txn_recorded_ = true;
            }
            txn_phase_ = TxnPhase::aborting;
            client_->abort_transaction();
            return;  // begin_next_transaction exits
        case TxnPhase::committing:
        case TxnPhase::aborting:
            return;  // a commit or abort under way completes first
        case TxnPhase::none:
        case TxnPhase::initializing:
        case TxnPhase::restarting:
            exit_once();
            return;
    }
}

void ProducerApp::exit_once() {
    if (exit_requested_) return;
    exit_requested_ = true;
    sim().exit(id());
}

bool ProducerApp::done() const {
    return sent_ >= workload_.messages && client_ != nullptr && client_->pending_records() == 0 &&
           txn_phase_ == TxnPhase::none && !blocked_;
}

TopicPartition ProducerApp::partition_for(std::int64_t key) const {
    // Like Kafka's default partitioner for keyed records: hash(key) mod partitions.
    const TopicSpec* topic = layout_->find_topic(workload_.topic);
    EOSIM_ASSERT(topic != nullptr);
    const std::uint64_t hash = sim::stable_hash(std::to_string(key));
    return TopicPartition{workload_.topic, static_cast<std::int32_t>(hash % topic->partitions)};
}

void ProducerApp::send_next() {
    EOSIM_ASSERT(sent_ < workload_.messages);
    if (transactional() && !transaction_ready_for_send()) return;  // sent when one begins
    const std::uint64_t value = workload_.first_value + static_cast<std::uint64_t>(sent_);
    const std::int64_t key = sent_ % workload_.keys;
    ++sent_;
    const TopicPartition partition = partition_for(key);
    const std::uint32_t history_key = this->history_key(partition);
    recorder_.invoke(sim().now(), process_, history::OpFunction::send, history::kNoGroup,
                     {history::Element{history_key, history::kUnknownOffset, value}});
    if (const std::string too_large = record_too_large(); !too_large.empty()) {
        if (transactional()) client_->fail_transaction_send(ErrorCode::MESSAGE_TOO_LARGE);
        fail_send_at_once(value, history_key, too_large);
        return;
    }
    if (client_->buffer_full_for(partition, record_bytes())) {
        block_send(value, key, partition, history_key);
        return;
    }
    hand_to_client(value, key, partition, history_key);
}

// KafkaProducer.ensureValidRecordSize: a record whose size bound (batch header included) exceeds
// max.request.size or buffer.memory fails in send() with RecordTooLargeException, before it
// reaches the accumulator.
std::string ProducerApp::record_too_large() const {
    const std::int64_t size = std::int64_t{kRecordBatchHeaderBytes} + record_bytes();
    if (size > config_.max_request_size) {
        return fmt::format("RecordTooLargeException ({} bytes, more than max.request.size {})", size,
                           config_.max_request_size);
    }
    if (size > config_.buffer_memory) {
        return fmt::format("RecordTooLargeException ({} bytes, more than buffer.memory {})", size, config_.buffer_memory);
    }
    return "";
}

// send() failed before the record reached the accumulator: the application moves on. After the
// last value an open transaction still ends, as the application's loop would commit it.
void ProducerApp::fail_send_at_once(std::uint64_t value, std::uint32_t history_key, const std::string& error) {
    recorder_.complete(sim().now(), process_, history::OpType::fail, history::OpFunction::send, history::kNoGroup,
                       {history::Element{history_key, history::kUnknownOffset, value}}, error);
    if (sent_ < workload_.messages) {
        sim().set_timer(id(), next_send_delay_us(), kSendTimer);
    } else if (transactional() && txn_phase_ == TxnPhase::in_transaction) {
        return end_current_transaction();
    }
    if (closing_ && client_->pending_records() == 0) exit_once();
}

// send() returns: the record is in the accumulator, the application thread moves on.
void ProducerApp::hand_to_client(std::uint64_t value, std::int64_t key, const TopicPartition& partition,
                                 std::uint32_t history_key) {
    client_->send(partition, Record{value, key}, record_bytes());
    if (sent_ < workload_.messages) sim().set_timer(id(), next_send_delay_us(), kSendTimer);
    if (transactional()) after_transactional_send(history::Element{history_key, history::kUnknownOffset, value});
}

// The next send() call starts after interval_us, or once this one's CPU time is spent.
sim::TimeUs ProducerApp::next_send_delay_us() {
    send_cpu_carry_ns_ += workload_.send_ns;
    const sim::TimeUs cpu_us = send_cpu_carry_ns_ / 1000;
    send_cpu_carry_ns_ -= cpu_us * 1000;
    return std::max(workload_.interval_us, cpu_us);
}

void ProducerApp::on_send_complete(std::uint64_t value, const TopicPartition& partition,
                                   const SendOutcome& outcome) {
    if (blocked_) maybe_unblock_send();
    if (transactional()) {  // its values complete with their transaction
        if (outcome.kind == SendOutcome::Kind::ok) txn_acked_us_[value] = sim().now();
        return;
    }
    history::OpType type = history::OpType::ok;
    if (outcome.kind == SendOutcome::Kind::fail) type = history::OpType::fail;
    if (outcome.kind == SendOutcome::Kind::info) type = history::OpType::info;
    const std::uint32_t history_key = this->history_key(partition);
    recorder_.complete(sim().now(), process_, type, history::OpFunction::send, history::kNoGroup,
                       {history::Element{history_key, outcome.offset, value}},
                       type == history::OpType::ok ? "" : error_name(outcome.error));
    // pending_records() drops by a whole batch before its records complete: exit only once.
    if (closing_ && client_->pending_records() == 0) exit_once();
}

std::uint32_t ProducerApp::history_key(const TopicPartition& partition) {
    const auto index = static_cast<std::size_t>(partition.partition);
    if (index >= history_keys_.size()) history_keys_.resize(index + 1, UINT32_MAX);
    if (history_keys_[index] == UINT32_MAX) history_keys_[index] = recorder_.names().key(partition.str());
    return history_keys_[index];
}

void ProducerApp::on_message(const sim::Envelope& envelope) {
    if (client_) client_->on_message(envelope);  // none while restarting after a fatal error
}

void ProducerApp::on_timer(std::uint64_t tag) {
    if (tag == kClientTimer) {
        if (client_) client_->on_timer();
    } else if (tag == kRestartTimer) {
        start_transactional_client();
    } else if (tag == kUnblockTimer) {
        if (blocked_) unblock_if_room();
    } else if (tag == kBlockDeadlineTimer) {
        if (blocked_) fail_blocked_send();
    } else {
        EOSIM_ASSERT(tag == kSendTimer);
        if (!closing_) send_next();
    }
}

void ProducerApp::on_connection_closed(sim::ConnectionId connection) {
    if (client_) client_->on_connection_closed(connection);
}

}  // namespace eosim::kafka
