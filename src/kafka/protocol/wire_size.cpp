// How many bytes a message takes on the wire, for links with a bandwidth and brokers with a
// per-byte cost. Record batches count at the size the producer gave them; headers and the
// fields of small messages at round figures near Kafka's encodings (a request header with a
// client id is ~30 bytes, a partition entry in a produce or fetch ~20-40).
#include <type_traits>

#include "kafka/protocol/messages.hpp"

namespace eosim::kafka {
namespace {

constexpr std::int64_t kHeaderBytes = 32;     // size, api key and version, correlation, client id
constexpr std::int64_t kPartitionBytes = 24;  // topic reference, partition, error or offsets
constexpr std::int64_t kSmallBodyBytes = 32;  // ids, epochs, a group or transactional id

template <typename Response>
std::int64_t fetched_bytes(const Response& response) {
    std::int64_t bytes = 0;
    for (const auto& partition : response.partitions) {
        bytes += kPartitionBytes;
        for (const LogBatch& stored : partition.batches) bytes += stored.batch.wire_size_bytes();
    }
    return bytes;
}

template <typename Body>
std::int64_t body_bytes(const Body& body) {
    if constexpr (std::is_same_v<Body, ProduceRequest>) {
        std::int64_t bytes = kSmallBodyBytes;
        for (const auto& partition : body.partitions) bytes += kPartitionBytes + partition.batch.wire_size_bytes();
        return bytes;
    } else if constexpr (std::is_same_v<Body, FetchResponse> || std::is_same_v<Body, ReplicaFetchResponse>) {
        return kSmallBodyBytes + fetched_bytes(body);
    } else if constexpr (requires { body.partitions.size(); }) {
        return kSmallBodyBytes + kPartitionBytes * static_cast<std::int64_t>(body.partitions.size());
    } else {
        return kSmallBodyBytes;
    }
}

}  // namespace

std::int64_t KafkaMessage::size_bytes() const {
    return kHeaderBytes + std::visit([](const auto& message) { return body_bytes(message); }, body);
}

}  // namespace eosim::kafka
