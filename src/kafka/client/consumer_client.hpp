#pragma once
// The consumer client library (KafkaConsumer): committed offsets from the group coordinator,
// auto.offset.reset, fetch sessions per leader with long polling, a record buffer handed out
// max.poll.records at a time, and asynchronous offset commits. Partitions are either assigned
// (assign()) or managed by the classic group protocol (subscribe(): consumer_group_client.cpp).
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/client/consumer_config.hpp"
#include "kafka/client/leader_cache.hpp"
#include "kafka/protocol/messages.hpp"
#include "kafka/client/wakeup_timer.hpp"
#include "kafka/network/network_client.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::sim {
class Simulation;
}

namespace eosim::kafka {

struct ConsumedRecord {
    TopicPartition partition;
    std::int64_t offset = 0;
    Record record;
};

// What a fetch returns to the application (CompletedFetch.nextFetchedRecord): control batches
// never; with read_committed, no batch of an aborted transaction. next_fetch_offset moves past
// every batch seen, returned or not.
struct FilteredFetch {
    std::vector<ConsumedRecord> records;
    std::int64_t next_fetch_offset = 0;
};
FilteredFetch filter_fetched(const FetchResponse::PartitionData& data, std::int64_t position,
                             Isolation isolation);

class ConsumerListener {
public:
    virtual ~ConsumerListener() = default;
    virtual void on_records_available() = 0;
    virtual void on_commit_complete(ErrorCode error) = 0;
    // Subscribe mode. The application is between batches, as if blocked in poll(): a rebalance
    // (revoke, join, sync, assign) runs only then, as Kafka's runs inside poll().
    virtual bool polling() const { return true; }
    // ConsumerRebalanceListener: called before the member rejoins (eager protocols revoke
    // everything; also for partitions lost with the generation) and when a new assignment arrives.
    virtual void on_partitions_revoked(const std::vector<TopicPartition>& partitions) { (void)partitions; }
    virtual void on_partitions_assigned(const std::vector<TopicPartition>& partitions) { (void)partitions; }
    // A fatal error (FENCED_INSTANCE_ID, INCONSISTENT_GROUP_PROTOCOL, INVALID_SESSION_TIMEOUT): the
    // consumer is unusable.
    virtual void on_consumer_fatal(ErrorCode error) { (void)error; }
};

class ConsumerClient {
public:
    ConsumerClient(sim::Simulation& sim, sim::NodeId host,
                   std::shared_ptr<const ClusterLayout> layout, ConsumerConfig config,
                   std::string group_id, std::vector<TopicPartition> assignment,
                   ConsumerListener& listener, std::uint64_t timer_tag);
    ConsumerClient(const ConsumerClient&) = delete;  // its network client points at its transport
    ConsumerClient& operator=(const ConsumerClient&) = delete;

    // subscribe(topic) before start(): partitions come from the group protocol.
    void subscribe(std::string topic) { subscription_ = std::move(topic); }
    bool subscribed() const { return !subscription_.empty(); }
    void start();
    // The application is back in poll() (a batch is done): a pending rebalance may run now.
    void on_application_poll();
    // No rebalance pending or in progress (always true in assign mode).
    bool settled() const;
    bool fatal() const { return fatal_; }
    // close(): a dynamic member leaves the group (LeaveGroup), a static one does not (KIP-345);
    // the client does nothing more.
    void close();
    bool has_records() const { return !buffer_.empty(); }
    // poll(): up to max.poll.records; the position moves past what is returned.
    std::vector<ConsumedRecord> take_records();
    // commitAsync of the given offsets (next offset to consume); one commit at a time.
    void commit(std::map<TopicPartition, std::int64_t> offsets);
    bool commit_pending() const { return pending_commit_.has_value(); }
    const std::map<TopicPartition, std::int64_t>& positions() const { return positions_; }
    // Drops buffered records and resumes from the group's committed offsets (an application's
    // rewind after an aborted transaction).
    void rewind_to_committed();
    // The group no longer knows this member (fenced, unknown, old generation): join again, then
    // resume from the committed offsets.
    void rejoin();
    // Known once joined (static membership); used for sendOffsetsToTransaction.
    const std::string& member_id() const { return member_id_; }
    std::int32_t generation_id() const { return generation_id_; }
    const std::string& group_id() const { return group_id_; }
    const ConsumerConfig& config() const { return config_; }
    const std::vector<TopicPartition>& assignment() const { return assignment_; }

    void on_message(const sim::Envelope& envelope);
    void on_timer();
    void on_connection_closed(sim::ConnectionId connection);
    bool owns_connection(sim::ConnectionId connection) const { return network_.owns_connection(connection); }

private:
    enum class RequestKind {
        offset_fetch, list_offsets, fetch, offset_commit, join_group, sync_group, heartbeat, leave_group, metadata
    };
    enum class MemberState { unjoined, joining, syncing, stable };
    struct Pending {
        RequestKind kind = RequestKind::fetch;
        sim::TimeUs deadline_us = 0;
        std::uint64_t position_epoch = 0;  // answers to requests from before a rewind are ignored
        std::uint64_t member_epoch = 0;    // answers to group requests of an older membership too
    };
    using Network = NetworkClient<Pending>;

    void poll();
    void expire_requests(sim::TimeUs now);
    void send_offset_fetch();
    void send_list_offsets();
    void send_fetches();
    void send_commit();
    void send(std::int32_t broker, RequestKind kind, MessageBody body);
    bool in_flight(RequestKind kind) const;
    bool in_flight_to(std::int32_t broker, RequestKind kind) const;
    void request_failed(RequestKind kind, ErrorCode error);
    void handle_offset_fetch_response(const OffsetFetchResponse& response);
    void handle_list_offsets_response(const ListOffsetsResponse& response);
    void handle_fetch_response(const FetchResponse& response);
    void handle_offset_commit_response(const OffsetCommitResponse& response);
    void handle_join_group_response(const JoinGroupResponse& response);
    void handle_sync_group_response(const SyncGroupResponse& response);
    void handle_heartbeat_response(const HeartbeatResponse& response);
    // The classic group protocol, client side (AbstractCoordinator, ConsumerCoordinator).
    void group_poll(sim::TimeUs now);
    void send_join();
    void send_heartbeat(sim::TimeUs now);
    void check_poll_timeout(sim::TimeUs now);
    void revoke_assignment();
    void reset_generation(bool reset_member_id);
    void group_error(RequestKind kind, ErrorCode error);
    void become_fatal(ErrorCode error);
    void clear_positions();
    void handle_metadata_response(const MetadataResponse& response);
    void send_metadata();
    void reset_position(const TopicPartition& tp);
    void accept_batches(const FetchResponse::PartitionData& data);
    void settle_positions();
    void fail_channel(std::int32_t key, ErrorCode error);
    void schedule_wakeup();
    // The leader of the group's __consumer_offsets partition (FindCoordinator, via Metadata).
    std::int32_t coordinator() const { return leaders_.leader_of(layout_->offsets_partition_of_group(group_id_)); }

    sim::Simulation& sim_;
    sim::NodeId host_;
    std::shared_ptr<const ClusterLayout> layout_;
    ConsumerConfig config_;
    std::string group_id_;
    std::vector<TopicPartition> assignment_;
    ConsumerListener& listener_;
    WakeupTimer wakeup_;
    LeaderCache leaders_;

    // By broker id for fetches, ListOffsets and metadata; kCoordinatorChannel - broker id for the
    // group coordinator's connection.
    static constexpr std::int32_t kCoordinatorChannel = -2;
    NodeTransport transport_;
    Network network_;
    std::int32_t next_correlation_ = 0;
    bool started_ = false;
    bool committed_known_ = false;
    std::map<TopicPartition, std::int64_t> positions_;  // absent: needs a reset
    std::map<TopicPartition, std::int64_t> fetch_positions_;  // past skipped control/aborted batches
    std::uint64_t position_epoch_ = 0;
    std::uint64_t answer_epoch_ = 0;  // position epoch of the response being handled
    std::string subscription_;  // "" = assign mode
    MemberState member_state_ = MemberState::unjoined;
    bool rejoin_needed_ = false;
    bool fatal_ = false;
    bool closed_ = false;
    std::uint64_t member_epoch_ = 0;   // bumped whenever the membership changes locally
    std::uint64_t answer_member_epoch_ = 0;
    sim::TimeUs next_heartbeat_us_ = 0;
    sim::TimeUs last_application_poll_us_ = 0;
    std::string member_id_;
    std::int32_t generation_id_ = -1;
    std::deque<ConsumedRecord> buffer_;
    std::optional<std::map<TopicPartition, std::int64_t>> pending_commit_;
    bool commit_sent_ = false;
    sim::TimeUs retry_after_us_ = 0;
};

}  // namespace eosim::kafka
