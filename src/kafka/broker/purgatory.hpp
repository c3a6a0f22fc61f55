#pragma once
// Kafka's DelayedOperationPurgatory (server-common, org.apache.kafka.server.purgatory): where a
// broker parks a request until a condition holds or its deadline passes. ReplicaManager keeps one
// purgatory per kind of operation (delayedProducePurgatory, delayedFetchPurgatory); so does the
// broker here: consumer fetches, follower fetches, and writes waiting for the ISR
// (ReplicaManager's DelayedFetch and DelayedProduce; see delayed_operations.hpp).
//
// What differs from Kafka: one thread, so no locks and no completed flag raced for; an operation
// completes exactly once because it leaves the purgatory before its on_complete runs (which may
// come back into the purgatory). Watching is by a predicate over the key instead of per-key
// watcher lists, and operations are tried in the order they were parked.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>

#include "kafka/protocol/record_batch.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

// Kafka's DelayedOperation.
class DelayedOperation {
public:
    DelayedOperation() = default;
    virtual ~DelayedOperation() = default;
    DelayedOperation(const DelayedOperation&) = delete;
    DelayedOperation& operator=(const DelayedOperation&) = delete;

    // The keys it is watched on (Kafka's watchKeys): a change to one of them may complete it.
    virtual bool watches(const TopicPartition& key) const = 0;
    // Whether it may complete now; may decide part of its result on the way (tryComplete).
    virtual bool try_complete() = 0;
    // Answers: called once, when try_complete said so or the deadline passed (onComplete).
    virtual void on_complete() = 0;
    // After on_complete, when it was the deadline that completed it (onExpiration).
    virtual void on_expiration() {}
};

// The timers a purgatory sets: its node's, so that a crash voids them with the node.
class PurgatoryTimers {
public:
    using Handle = std::uint64_t;
    virtual Handle schedule(sim::TimeUs delay_us, std::function<void()> action) = 0;
    virtual void cancel(Handle timer) = 0;

protected:
    ~PurgatoryTimers() = default;
};

class DelayedOperationPurgatory {
public:
    explicit DelayedOperationPurgatory(PurgatoryTimers& timers) : timers_(&timers) {}

    // tryCompleteElseWatch: completes the operation now if it can (true), else parks it until a
    // check completes it or timeout_us passes.
    bool try_complete_else_watch(std::unique_ptr<DelayedOperation> operation, sim::TimeUs timeout_us);
    // Parks an operation its caller has just tried (Kafka's callers check first too, e.g.
    // ReplicaManager.fetchMessages answers at once when it can).
    void watch(std::unique_ptr<DelayedOperation> operation, sim::TimeUs timeout_us);
    // checkAndComplete: tries every operation watching key and completes those that can.
    void check_and_complete(const TopicPartition& key);
    // The same for every parked operation, when what changed is not one partition (a new
    // metadata image moves leaderships and ISRs at once).
    void check_and_complete_all();
    std::size_t size() const { return parked_.size(); }

private:
    struct Parked {
        std::unique_ptr<DelayedOperation> operation;
        PurgatoryTimers::Handle timer = 0;
    };
    template <typename Watched>
    void check_and_complete_if(const Watched& watched);
    void complete(std::uint64_t id);
    void expire(std::uint64_t id);

    PurgatoryTimers* timers_;  // a pointer: the broker's memory, purgatories included, is reassigned on crash
    std::map<std::uint64_t, Parked> parked_;  // by arrival
    std::uint64_t next_id_ = 0;
};

}  // namespace eosim::kafka
