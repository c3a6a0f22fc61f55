// The broker's purgatory on its own, with hand-driven timers: Kafka's DelayedOperationPurgatory
// (tryCompleteElseWatch, checkAndComplete) and DelayedOperation (tryComplete, onComplete,
// onExpiration).
#include <doctest/doctest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/broker/purgatory.hpp"

using eosim::kafka::DelayedOperation;
using eosim::kafka::DelayedOperationPurgatory;
using eosim::kafka::PurgatoryTimers;
using eosim::kafka::TopicPartition;

namespace {

class ManualTimers final : public PurgatoryTimers {
public:
    Handle schedule(eosim::sim::TimeUs delay_us, std::function<void()> action) override {
        pending[next] = {delay_us, std::move(action)};
        return next++;
    }
    void cancel(Handle timer) override { pending.erase(timer); }
    void fire(Handle timer) {
        auto action = std::move(pending.at(timer).second);
        pending.erase(timer);
        action();
    }
    std::map<Handle, std::pair<eosim::sim::TimeUs, std::function<void()>>> pending;
    Handle next = 0;
};

// Completes once *ready is true; logs what happened to it.
class Waiting final : public DelayedOperation {
public:
    Waiting(std::string name, TopicPartition key, const bool* ready, std::vector<std::string>* log)
        : name_(std::move(name)), key_(std::move(key)), ready_(ready), log_(log) {}
    bool watches(const TopicPartition& key) const override { return key == key_; }
    bool try_complete() override { return *ready_; }
    void on_complete() override {
        log_->push_back(name_ + " complete");
        if (then) then();
    }
    void on_expiration() override { log_->push_back(name_ + " expired"); }
    std::function<void()> then;

private:
    std::string name_;
    TopicPartition key_;
    const bool* ready_;
    std::vector<std::string>* log_;
};

const TopicPartition kA{"a", 0};
const TopicPartition kB{"b", 0};

}  // namespace

TEST_CASE("DelayedOperationPurgatory.tryCompleteElseWatch: completes at once or parks with a timer") {
    ManualTimers timers;
    DelayedOperationPurgatory purgatory(timers);
    std::vector<std::string> log;
    bool ready = true;
    CHECK(purgatory.try_complete_else_watch(std::make_unique<Waiting>("now", kA, &ready, &log), 100));
    CHECK(timers.pending.empty());
    ready = false;
    CHECK_FALSE(purgatory.try_complete_else_watch(std::make_unique<Waiting>("later", kA, &ready, &log), 100));
    CHECK(purgatory.size() == 1);
    CHECK(timers.pending.size() == 1);
    CHECK(log == std::vector<std::string>{"now complete"});
}

TEST_CASE("DelayedOperationPurgatory.checkAndComplete: only operations watching the key, in arrival order") {
    ManualTimers timers;
    DelayedOperationPurgatory purgatory(timers);
    std::vector<std::string> log;
    bool ready = false;
    purgatory.watch(std::make_unique<Waiting>("a1", kA, &ready, &log), 100);
    purgatory.watch(std::make_unique<Waiting>("b1", kB, &ready, &log), 100);
    purgatory.watch(std::make_unique<Waiting>("a2", kA, &ready, &log), 100);
    purgatory.check_and_complete(kA);  // tryComplete says no: all stay
    CHECK(purgatory.size() == 3);
    ready = true;
    purgatory.check_and_complete(kA);
    CHECK(log == std::vector<std::string>{"a1 complete", "a2 complete"});
    CHECK(purgatory.size() == 1);
    CHECK(timers.pending.size() == 1);  // the completed ones' timers were cancelled
    purgatory.check_and_complete_all();
    CHECK(log.back() == "b1 complete");
    CHECK(purgatory.size() == 0);
}

TEST_CASE("DelayedOperation.onExpiration: the deadline completes it, then expires it") {
    ManualTimers timers;
    DelayedOperationPurgatory purgatory(timers);
    std::vector<std::string> log;
    bool ready = false;
    purgatory.watch(std::make_unique<Waiting>("w", kA, &ready, &log), 250);
    REQUIRE(timers.pending.size() == 1);
    CHECK(timers.pending.begin()->second.first == 250);
    timers.fire(timers.pending.begin()->first);
    CHECK(log == std::vector<std::string>{"w complete", "w expired"});
    CHECK(purgatory.size() == 0);
}

TEST_CASE("DelayedOperationPurgatory: a completion that checks again completes each operation once") {
    ManualTimers timers;
    DelayedOperationPurgatory purgatory(timers);
    std::vector<std::string> log;
    bool ready = true;
    auto first = std::make_unique<Waiting>("first", kA, &ready, &log);
    first->then = [&purgatory] { purgatory.check_and_complete(kA); };  // e.g. a fetch moved the HW
    purgatory.watch(std::move(first), 100);
    purgatory.watch(std::make_unique<Waiting>("second", kA, &ready, &log), 100);
    purgatory.check_and_complete(kA);
    CHECK(log == std::vector<std::string>{"first complete", "second complete"});
    CHECK(purgatory.size() == 0);
    CHECK(timers.pending.empty());
}
