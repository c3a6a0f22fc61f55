#include "kafka/broker/purgatory.hpp"

#include <vector>

#include "base/assert.hpp"

namespace eosim::kafka {

bool DelayedOperationPurgatory::try_complete_else_watch(std::unique_ptr<DelayedOperation> operation,
                                                        sim::TimeUs timeout_us) {
    EOSIM_ASSERT(operation != nullptr);
    if (operation->try_complete()) {
        operation->on_complete();
        return true;
    }
    watch(std::move(operation), timeout_us);
    return false;
}

void DelayedOperationPurgatory::watch(std::unique_ptr<DelayedOperation> operation, sim::TimeUs timeout_us) {
    EOSIM_ASSERT(operation != nullptr);
    const std::uint64_t id = next_id_++;
    const PurgatoryTimers::Handle timer = timers_->schedule(timeout_us, [this, id] { expire(id); });
    parked_.emplace(id, Parked{std::move(operation), timer});
}

void DelayedOperationPurgatory::check_and_complete(const TopicPartition& key) {
    check_and_complete_if([&key](const DelayedOperation& operation) { return operation.watches(key); });
}

void DelayedOperationPurgatory::check_and_complete_all() {
    check_and_complete_if([](const DelayedOperation&) { return true; });
}

// Tries all first, then completes: a completion may change what the others see (answering a
// follower's fetch moves the high watermark) and may come back here, so each is decided on the
// state the check began with, and one completed by a nested check is skipped.
template <typename Watched>
void DelayedOperationPurgatory::check_and_complete_if(const Watched& watched) {
    std::vector<std::uint64_t> ready;
    for (auto& [id, parked] : parked_) {
        if (watched(*parked.operation) && parked.operation->try_complete()) ready.push_back(id);
    }
    for (const std::uint64_t id : ready) complete(id);
}

void DelayedOperationPurgatory::complete(std::uint64_t id) {
    const auto found = parked_.find(id);
    if (found == parked_.end()) return;
    Parked parked = std::move(found->second);
    parked_.erase(found);
    timers_->cancel(parked.timer);
    parked.operation->on_complete();
}

void DelayedOperationPurgatory::expire(std::uint64_t id) {
    const auto found = parked_.find(id);
    EOSIM_ASSERT(found != parked_.end());  // a completed operation's timer was cancelled
    const std::unique_ptr<DelayedOperation> operation = std::move(found->second.operation);
    parked_.erase(found);
    operation->on_complete();
    operation->on_expiration();
}

}  // namespace eosim::kafka
