// Kafka's ProducerConfig rules for idempotence and the delivery timeout.
#include <doctest/doctest.h>

#include "kafka/client/producer_config.hpp"

using namespace eosim::kafka;

TEST_CASE("explicit idempotence with acks=1 is a config error") {
    ProducerConfig c;
    c.enable_idempotence = true;
    c.idempotence_set = true;
    c.acks = 1;
    std::vector<std::string> notes;
    CHECK(resolve_producer_config(c, notes).find("acks to all") != std::string::npos);
}

TEST_CASE("explicit idempotence with more than 5 in flight is a config error") {
    ProducerConfig c;
    c.idempotence_set = true;
    c.max_in_flight_requests_per_connection = 6;
    std::vector<std::string> notes;
    CHECK(resolve_producer_config(c, notes).find("at most 5") != std::string::npos);
}

TEST_CASE("explicit idempotence with retries=0 is a config error") {
    ProducerConfig c;
    c.idempotence_set = true;
    c.retries = 0;
    std::vector<std::string> notes;
    CHECK_FALSE(resolve_producer_config(c, notes).empty());
}

TEST_CASE("default idempotence is switched off by a conflicting setting, with a note") {
    ProducerConfig c;
    c.acks = 0;
    std::vector<std::string> notes;
    CHECK(resolve_producer_config(c, notes).empty());
    CHECK_FALSE(c.enable_idempotence);
    CHECK(notes.size() == 1);
}

TEST_CASE("delivery.timeout.ms must cover linger.ms + request.timeout.ms") {
    ProducerConfig c;
    c.request_timeout_ms = 5000;
    c.linger_ms = 10;
    c.delivery_timeout_ms = 1000;
    std::vector<std::string> notes;
    SUBCASE("explicit: error") {
        c.delivery_timeout_set = true;
        CHECK_FALSE(resolve_producer_config(c, notes).empty());
    }
    SUBCASE("default: raised") {
        CHECK(resolve_producer_config(c, notes).empty());
        CHECK(c.delivery_timeout_ms == 5010);
    }
}

TEST_CASE("Kafka's defaults are valid and idempotent") {
    ProducerConfig c;
    std::vector<std::string> notes;
    CHECK(resolve_producer_config(c, notes).empty());
    CHECK(c.enable_idempotence);
    CHECK(c.acks == -1);
    CHECK(notes.empty());
}

TEST_CASE("the raised delivery timeout is clamped to Integer.MAX_VALUE, as Kafka does") {
    ProducerConfig c;
    c.linger_ms = 2147483647;
    c.request_timeout_ms = 30000;
    c.delivery_timeout_ms = 120000;
    std::vector<std::string> notes;
    CHECK(resolve_producer_config(c, notes).empty());
    CHECK(c.delivery_timeout_ms == 2147483647);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0] == "delivery.timeout.ms raised to linger.ms + request.timeout.ms = 2147483647");
}
