// A client's view of partition leaders: what a replicated client knows before and after its
// first Metadata answer.
#include <doctest/doctest.h>

#include <memory>

#include "kafka/client/leader_cache.hpp"

using namespace eosim;
using namespace eosim::kafka;

namespace {

std::shared_ptr<ClusterLayout> two_brokers(bool replicated) {
    auto layout = std::make_shared<ClusterLayout>();
    layout->broker_nodes = {0, 1};
    layout->topics = {TopicSpec{"t", 2}};
    layout->replication.enabled = replicated;
    return layout;
}

}  // namespace

// Metadata.bootstrap holds the bootstrap nodes and no partition leaders, so a new KafkaProducer
// or KafkaConsumer (a restarted one too) asks a broker before it sends to a leader or coordinator.
TEST_CASE("Metadata.bootstrap: a replicated client knows no leader until a Metadata answer names one") {
    const auto layout = two_brokers(true);
    LeaderCache cache(layout, 1);
    CHECK(cache.stale());
    CHECK(cache.leader_of(TopicPartition{"t", 0}) == kNoLeader);
    CHECK(cache.next_broker() == 1);  // the drawn first broker, then round the ring
    CHECK(cache.next_broker() == 0);
    MetadataResponse answer;
    answer.partitions.push_back({TopicPartition{"t", 0}, ErrorCode::NONE, 1, 3});
    cache.update(answer);
    CHECK_FALSE(cache.stale());
    CHECK(cache.leader_of(TopicPartition{"t", 0}) == 1);
    // A partition the answer did not cover: unknown, and asking for it asks for an update
    // (Metadata.add for a topic the producer has not sent to before).
    CHECK(cache.leader_of(TopicPartition{"t", 1}) == kNoLeader);
    CHECK(cache.stale());
}

// Metadata keeps requesting an update while a partition it knows has no leader, whatever the last
// answer covered (swarm seed 70995: an answer about the coordinator alone left an offline
// partition of the reader's assignment unrefreshed, and it was never fetched).
TEST_CASE("Metadata: an answer about other partitions does not clear a known partition's missing leader") {
    LeaderCache cache(two_brokers(true), 0);
    MetadataResponse offline;
    offline.partitions.push_back({TopicPartition{"t", 1}, ErrorCode::NONE, kNoLeader, 1});
    cache.update(offline);
    CHECK(cache.stale());
    MetadataResponse other;
    other.partitions.push_back({TopicPartition{"t", 0}, ErrorCode::NONE, 0, 0});
    cache.update(other);
    CHECK(cache.stale());  // t-1 is still without a leader: ask again
    MetadataResponse back;
    back.partitions.push_back({TopicPartition{"t", 1}, ErrorCode::NONE, 1, 2});
    cache.update(back);
    CHECK_FALSE(cache.stale());
}

// KIP-320: an answer from a broker that lags behind (an older leader epoch) is ignored.
TEST_CASE("Metadata.updateLatestMetadata: an answer with an older leader epoch does not move the leader back") {
    LeaderCache cache(two_brokers(true), 0);
    MetadataResponse newer;
    newer.partitions.push_back({TopicPartition{"t", 0}, ErrorCode::NONE, 1, 3});
    cache.update(newer);
    MetadataResponse older;
    older.partitions.push_back({TopicPartition{"t", 0}, ErrorCode::NONE, 0, 2});
    cache.update(older);
    CHECK(cache.leader_of(TopicPartition{"t", 0}) == 1);
}

// Without replication leaders never move: the configured assignment is the metadata.
TEST_CASE("without replication the configured leaders stand and nothing is ever stale") {
    const auto layout = two_brokers(false);
    LeaderCache cache(layout, 0);
    CHECK_FALSE(cache.stale());
    CHECK(cache.leader_of(TopicPartition{"t", 1}) == layout->leader_of(TopicPartition{"t", 1}));
    cache.mark_stale();
    CHECK_FALSE(cache.stale());
}
