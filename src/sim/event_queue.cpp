#include "sim/event_queue.hpp"

#include "base/assert.hpp"

namespace eosim::sim {

void EventQueue::push(Event event) {
    EOSIM_ASSERT(event.time_us >= 0);
    event.sequence = next_sequence_++;
    heap_.push(event);
}

Event EventQueue::pop() {
    EOSIM_ASSERT(!heap_.empty());
    Event event = heap_.top();
    heap_.pop();
    return event;
}

}  // namespace eosim::sim
