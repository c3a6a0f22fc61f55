// ProducerApp under buffer.memory back-pressure: KafkaProducer.send() allocates a new batch from
// the BufferPool and blocks while the pool is exhausted, until a batch completes and frees its
// memory or max.block.ms passes; then the callback gets a TimeoutException ("Failed to allocate
// memory within the configured max blocking time") and send() returns. The application thread
// sends nothing else meanwhile, so offered load above what the cluster takes turns into waiting
// in send() (counted in the value's send→ack latency, from its invoke) instead of a queue that
// grows without end. Simplification: a transactional producer's timed-out send fails alone (Kafka
// also makes the transaction abortable); processors' producers do not block.
#include "base/assert.hpp"
#include "kafka/app/producer_app.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

void ProducerApp::block_send(std::uint64_t value, std::int64_t key, const TopicPartition& partition,
                             std::uint32_t history_key) {
    EOSIM_ASSERT(!blocked_);
    BlockedSend blocked{value, key, partition, history_key, 0, false};
    blocked.deadline_timer = sim().set_timer(id(), config_.max_block_ms * 1000, kBlockDeadlineTimer);
    blocked_ = blocked;
    sim().record_state(id(), sim::StateChange("producer.send_blocked")
                                 .with("value", static_cast<std::int64_t>(value))
                                 .with("buffer_used_bytes", client_->buffer_used_bytes()));
}

// A batch completed: memory may be free. The retry runs from a timer, not inside the client's
// completion callback, so the client is never re-entered.
void ProducerApp::maybe_unblock_send() {
    EOSIM_ASSERT(blocked_);
    if (blocked_->retry_scheduled) return;
    blocked_->retry_scheduled = true;
    sim().set_timer(id(), 0, kUnblockTimer);
}

void ProducerApp::unblock_if_room() {
    EOSIM_ASSERT(blocked_);
    blocked_->retry_scheduled = false;
    if (client_ == nullptr || client_->buffer_full_for(blocked_->partition, record_bytes())) return;
    const BlockedSend blocked = *blocked_;
    blocked_.reset();
    sim().cancel_timer(blocked.deadline_timer);
    hand_to_client(blocked.value, blocked.key, blocked.partition, blocked.history_key);
}

void ProducerApp::fail_blocked_send() {
    const BlockedSend blocked = *blocked_;
    blocked_.reset();
    sim().record_state(id(), sim::StateChange("producer.send_block_timeout").with("value", static_cast<std::int64_t>(blocked.value)));
    fail_send_at_once(blocked.value, blocked.history_key, "TimeoutException (buffer.memory exhausted for max.block.ms)");
}

}  // namespace eosim::kafka
