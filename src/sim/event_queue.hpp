#pragma once
// The event queue: ordered by (time, insertion sequence), so ties are broken by insertion
// order and never by pointer values or container internals.
#include <cstdint>
#include <queue>
#include <vector>

#include "sim/time.hpp"

namespace eosim::sim {

enum class EventKind : std::uint8_t { delivery, timer, callback, connection_closed };

struct Event {
    TimeUs time_us = 0;
    std::uint64_t sequence = 0;
    EventKind kind = EventKind::callback;
    std::uint32_t node = 0;
    std::uint32_t incarnation = 0;
    std::uint64_t token = 0;  // delivery slot, timer id, callback slot or connection id
    std::uint64_t tag = 0;    // a timer's meaning, chosen by the node that set it
};

class EventQueue {
public:
    // Schedules an event; its sequence number is assigned here.
    void push(Event event);
    bool empty() const { return heap_.empty(); }
    std::size_t size() const { return heap_.size(); }
    const Event& top() const { return heap_.top(); }
    Event pop();
    std::uint64_t pushed() const { return next_sequence_; }

private:
    struct Later {
        bool operator()(const Event& a, const Event& b) const {
            if (a.time_us != b.time_us) return a.time_us > b.time_us;
            return a.sequence > b.sequence;
        }
    };
    std::priority_queue<Event, std::vector<Event>, Later> heap_;
    std::uint64_t next_sequence_ = 0;
};

}  // namespace eosim::sim
