#include <doctest/doctest.h>

#include <vector>

#include "sim/event_queue.hpp"

using eosim::sim::Event;
using eosim::sim::EventQueue;

TEST_CASE("events come out by time, then by insertion order") {
    EventQueue q;
    q.push(Event{30, 0, {}, 0, 0, 1, 0});
    q.push(Event{10, 0, {}, 0, 0, 2, 0});
    q.push(Event{20, 0, {}, 0, 0, 3, 0});
    q.push(Event{10, 0, {}, 0, 0, 4, 0});
    q.push(Event{10, 0, {}, 0, 0, 5, 0});
    std::vector<std::uint64_t> tokens;
    while (!q.empty()) tokens.push_back(q.pop().token);
    CHECK(tokens == std::vector<std::uint64_t>{2, 4, 5, 3, 1});
}

TEST_CASE("ties keep insertion order even after interleaved pops") {
    EventQueue q;
    q.push(Event{5, 0, {}, 0, 0, 1, 0});
    q.push(Event{5, 0, {}, 0, 0, 2, 0});
    CHECK(q.pop().token == 1);
    q.push(Event{5, 0, {}, 0, 0, 3, 0});
    CHECK(q.pop().token == 2);
    CHECK(q.pop().token == 3);
    CHECK(q.pushed() == 3);
}
