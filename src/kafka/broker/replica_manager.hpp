#pragma once
// Kafka's ReplicaManager: the partitions this broker hosts and their roles. As leader it appends
// (appendRecords), serves fetches (fetchMessages) for consumers and followers, tracks followers,
// the ISR (through AlterPartition) and the high watermark, and holds acks=all writes until the
// ISR has them; as follower it fetches from the leader and truncates on divergence (KIP-320,
// the ReplicaFetcherThread's job). Its purgatories hold what waits (purgatory.hpp). Where a
// partition's role comes from: the controller's metadata image (applyDelta).
//
// It lives in the broker's memory: a crash loses it whole, the logs it reads stay on disk.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <vector>

#include "kafka/broker/broker_config.hpp"
#include "kafka/broker/inter_broker_client.hpp"
#include "kafka/broker/purgatory.hpp"
#include "kafka/log/partition.hpp"
#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/protocol/messages.hpp"
#include "kafka/protocol/partition_registration.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace eosim::kafka {

// What the replica manager needs of its broker: timers, the trace, answering a request on its
// connection, requests to other brokers and the controller, and a word when an internal
// partition's high watermark moved (its coordinator may load).
class ReplicaManagerHost : public PurgatoryTimers {
public:
    static constexpr std::int32_t kControllerPeer = InterBrokerClient::kControllerPeer;
    using BrokerCallback = InterBrokerClient::Callback;
    virtual sim::TimeUs now() const = 0;
    virtual void after(sim::TimeUs delay_us, std::function<void()> action) = 0;
    virtual void trace(const sim::Describable& change) = 0;
    virtual void reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body) = 0;
    virtual void send_to_broker(std::int32_t peer, MessageBody request, BrokerCallback on_response) = 0;
    virtual void high_watermark_moved(const TopicPartition& internal_partition) = 0;

protected:
    ~ReplicaManagerHost() = default;
};

class ReplicaManager {
public:
    // One partition of a write held until the high watermark passes it (acks=all, markers,
    // coordinator records): Kafka's ProducePartitionStatus. REQUEST_TIMED_OUT until decided, as
    // DelayedProduce starts a partition whose acks are pending.
    struct ProducePartitionStatus {
        TopicPartition partition;
        std::int64_t required_offset = 0;
        ErrorCode result = ErrorCode::REQUEST_TIMED_OUT;
        bool done = false;
    };
    using ProduceCallback = std::function<void(const std::vector<ProducePartitionStatus>&)>;
    using ProduceResponseCallback = std::function<void(ProduceResponse)>;

    ReplicaManager(ReplicaManagerHost& host, std::int32_t broker_id, std::shared_ptr<const ClusterLayout> layout,
                   const BrokerConfig& config, std::map<TopicPartition, PartitionLog>& logs);

    // A start: one partition per log on disk, producer state from its latest snapshot plus replay.
    void load_partitions();
    // ReplicaManager.startup: the flush and ISR-expiration tasks.
    void startup();

    bool replicated() const { return layout_->replication.enabled; }
    const Partition* partition(const TopicPartition& tp) const;
    Partition* partition(const TopicPartition& tp);
    Partition& local_partition(const TopicPartition& tp);  // one it holds (getPartitionOrException)
    bool leads(const TopicPartition& tp) const;
    bool is_leader(const TopicPartition& tp) const { return leader_states_.count(tp) > 0; }
    std::int32_t leader_of(const TopicPartition& tp) const;
    const PartitionRegistration* registration(const TopicPartition& tp) const;
    const std::map<TopicPartition, PartitionRegistration>& image() const { return image_; }
    std::int64_t image_version() const { return image_version_; }
    bool enough_replicas(const TopicPartition& tp) const;
    PartitionRules rules() const;

    // appendRecords for clients' produce requests: the partitions in rejected answer rejection
    // (the transaction verification's verdict), the others are appended; done gets the response
    // at once (acks 0 or 1) or once the ISR has every write (acks=all).
    void append_records(const ProduceRequest& request, const std::vector<TopicPartition>& rejected,
                        ErrorCode rejection, ProduceResponseCallback done);
    // An internal write by this leader (a coordinator's record): appended now; the caller waits
    // for replication with wait_for_replication. Returns the batch's base offset.
    std::int64_t append_to_leader(const TopicPartition& tp, const RecordBatch& batch);
    // After a control batch was appended to tp: the high watermark and fetches may move.
    void appended_marker(const TopicPartition& tp);
    // Answers done once every partition is decided, or at timeout_ms (DelayedProduce).
    void wait_for_replication(std::vector<ProducePartitionStatus> waiting, std::int32_t timeout_ms,
                              ProduceCallback done);
    // fetchMessages for a consumer: answered now, or parked as a DelayedFetch.
    void fetch_messages(sim::ConnectionId connection, std::int32_t correlation, const FetchRequest& request);
    // fetchMessages for a follower (Kafka: FETCH with a replica id).
    void fetch_for_follower(sim::ConnectionId connection, std::int32_t correlation,
                            const ReplicaFetchRequest& request);
    // ReplicaManager.tryCompleteDelayedFetch: the partition's log or high watermark moved.
    void complete_delayed_fetches(const TopicPartition& changed);
    // Every parked write, e.g. after leaderships moved (completeDelayedFetchOrProduceRequests).
    void complete_delayed_produces() { produce_purgatory_.check_and_complete_all(); }

    // applyDelta: takes a newer image, becomes leader or follower of each partition it holds and
    // fetches from the leaders. False for an image older than the one it has.
    bool apply_image(const MetadataImage& image);
    void maybe_flush(const TopicPartition& tp);  // log.flush.interval.messages

private:
    class DelayedFetch;
    class DelayedReplicaFetch;
    class DelayedProduce;
    struct FollowerState {
        std::int64_t log_end_offset = -1;  // unknown until it fetches
        sim::TimeUs last_caught_up_us = 0;
        sim::TimeUs last_fetch_us = 0;
        std::int64_t last_fetch_leader_end_offset = 0;
    };
    struct LeaderState {
        std::map<std::int32_t, FollowerState> followers;
        bool alter_in_flight = false;
        // The ISR asked for while an AlterPartition is out. The high watermark counts its new
        // members already ("maximal ISR"), so nobody joins the ISR behind a committed offset.
        std::vector<std::int32_t> pending_isr;
    };

    // --- replica_manager.cpp ---
    ProduceResponse::PartitionResponse append_to_partition(const TopicPartition& partition,
                                                           const RecordBatch& batch, std::int16_t acks);
    FetchResponse read_fetch(const FetchRequest& request) const;
    bool settle_waiting(ProducePartitionStatus& waiting) const;
    void schedule_flush();
    void flush_logs();
    // --- replica_leader.cpp ---
    void become_leader(const PartitionRegistration& registration);
    void resign_leadership(const TopicPartition& tp);
    ReplicaFetchResponse read_replica_fetch(const ReplicaFetchRequest& request);
    void update_follower(const TopicPartition& tp, std::int32_t replica, std::int64_t fetch_offset);
    void maybe_advance_high_watermark(const TopicPartition& tp);
    void maybe_expand_isr(const TopicPartition& tp, std::int32_t replica);
    void shrink_isrs();
    void alter_isr(const TopicPartition& tp, std::vector<std::int32_t> new_isr);
    // --- replica_fetcher.cpp ---
    void fetch_from_leader(std::int32_t leader);
    void on_replica_fetched(std::int32_t leader, const ReplicaFetchResponse& response);
    sim::TimeUs follower_append_us(const ReplicaFetchResponse& response) const;
    void follower_apply(const ReplicaFetchResponse::PartitionData& data);

    ReplicaManagerHost* host_;  // pointers: the broker's memory, this included, is reassigned on crash
    std::int32_t broker_id_;
    std::shared_ptr<const ClusterLayout> layout_;
    const BrokerConfig* config_;
    std::map<TopicPartition, PartitionLog>* logs_;  // on disk: they outlive this
    std::map<TopicPartition, Partition> partitions_;
    // The controller's metadata image, as of its version, and the leader and follower bookkeeping.
    std::map<TopicPartition, PartitionRegistration> image_;
    std::int64_t image_version_ = -1;
    std::vector<std::int32_t> ineligible_brokers_;  // fenced or shutting down, as of image_
    std::map<TopicPartition, LeaderState> leader_states_;
    std::map<std::int32_t, bool> fetching_from_;  // leader -> a ReplicaFetch is out
    // Fetches waiting for data (DelayedFetch), followers' fetches waiting for news of a
    // partition they follow, and writes waiting for the ISR (DelayedProduce).
    DelayedOperationPurgatory fetch_purgatory_;
    DelayedOperationPurgatory replica_fetch_purgatory_;
    DelayedOperationPurgatory produce_purgatory_;
};

}  // namespace eosim::kafka
