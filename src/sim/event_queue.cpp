#include "sim/event_queue.hpp"

#include <cassert>

namespace eosim::sim {

void EventQueue::push(Event event) {
    assert(event.time_us >= 0);
    event.sequence = next_sequence_++;
    heap_.push(event);
}

Event EventQueue::pop() {
    assert(!heap_.empty());
    Event event = heap_.top();
    heap_.pop();
    return event;
}

}  // namespace eosim::sim
