// The peer figure: librdkafka's own producer against its in-process mock cluster (3 brokers, a
// 12-partition topic at replication factor 3), sending the plain workload's values (100 bytes,
// 1,000 keys, acks=1, no idempotence, linger.ms 5, batch.size 16384) as fast as it accepts them.
// Built only when CMake finds librdkafka (pkg-config rdkafka); peer_none.cpp stands in otherwise.
#include <chrono>
#include <stdexcept>
#include <string>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#include "bench/bench.hpp"

namespace eosim::bench {
namespace {

void set(rd_kafka_conf_t* conf, const char* name, const std::string& value) {
    char error[256];
    if (rd_kafka_conf_set(conf, name, value.c_str(), error, sizeof error) != RD_KAFKA_CONF_OK) {
        throw std::runtime_error(std::string("bench peer: ") + name + ": " + error);
    }
}

// Counts successful deliveries; librdkafka calls it from rd_kafka_poll/flush on this thread.
void on_delivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
    if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) ++*static_cast<std::uint64_t*>(opaque);
}

rd_kafka_t* mock_producer(std::uint64_t* delivered) {
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    set(conf, "test.mock.num.brokers", "3");
    set(conf, "acks", "1");
    set(conf, "enable.idempotence", "false");
    set(conf, "linger.ms", "5");
    set(conf, "batch.size", "16384");
    set(conf, "queue.buffering.max.messages", "1000000");
    set(conf, "log_level", "3");
    rd_kafka_conf_set_dr_msg_cb(conf, on_delivery);
    rd_kafka_conf_set_opaque(conf, delivered);
    char error[256];
    rd_kafka_t* producer = rd_kafka_new(RD_KAFKA_PRODUCER, conf, error, sizeof error);
    if (producer == nullptr) throw std::runtime_error(std::string("bench peer: ") + error);
    return producer;
}

// rd_kafka_produce with a topic handle, not rd_kafka_producev: producev's argument macros use GNU
// statement expressions, which -Wpedantic refuses.
void produce_all(rd_kafka_t* producer, std::uint64_t values) {
    rd_kafka_topic_t* topic = rd_kafka_topic_new(producer, "events", nullptr);
    if (topic == nullptr) throw std::runtime_error("bench peer: no topic handle");
    std::string payload(100, 'v');
    for (std::uint64_t i = 0; i < values; ++i) {
        const std::string key = std::to_string(i % 1000);
        while (rd_kafka_produce(topic, RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY, payload.data(), payload.size(),
                                key.data(), key.size(), nullptr) != 0) {
            const rd_kafka_resp_err_t err = rd_kafka_last_error();
            if (err != RD_KAFKA_RESP_ERR__QUEUE_FULL) {
                rd_kafka_topic_destroy(topic);
                throw std::runtime_error(std::string("bench peer: ") + rd_kafka_err2str(err));
            }
            rd_kafka_poll(producer, 1);
        }
        rd_kafka_poll(producer, 0);
    }
    rd_kafka_topic_destroy(topic);
}

}  // namespace

std::optional<PeerResult> measure_peer(std::uint64_t values) {
    std::uint64_t delivered = 0;
    rd_kafka_t* producer = mock_producer(&delivered);
    rd_kafka_mock_cluster_t* cluster = rd_kafka_handle_mock_cluster(producer);
    if (cluster == nullptr || rd_kafka_mock_topic_create(cluster, "events", 12, 3) != RD_KAFKA_RESP_ERR_NO_ERROR) {
        rd_kafka_destroy(producer);
        throw std::runtime_error("bench peer: the mock cluster did not create the topic");
    }
    const auto start = std::chrono::steady_clock::now();
    produce_all(producer, values);
    const rd_kafka_resp_err_t flushed = rd_kafka_flush(producer, 120'000);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rd_kafka_destroy(producer);
    if (flushed != RD_KAFKA_RESP_ERR_NO_ERROR || delivered != values) {
        throw std::runtime_error("bench peer: librdkafka delivered " + std::to_string(delivered) + " of " +
                                 std::to_string(values) + " values");
    }
    return PeerResult{std::string("librdkafka ") + rd_kafka_version_str() + " + mock cluster", values, seconds,
                      static_cast<double>(values) / seconds};
}

}  // namespace eosim::bench
