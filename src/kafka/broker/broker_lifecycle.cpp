// The broker's life as a member of a replicated cluster: heartbeats to the controller and the
// metadata it sends back (Kafka's BrokerLifecycleManager and metadata publishers), controlled
// shutdown, losing unflushed data in a power loss, and the Metadata request. The partitions themselves are the
// ReplicaManager's (replica_manager.hpp).
#include <algorithm>
#include <string>

#include "base/assert.hpp"
#include "kafka/broker/broker.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

void Broker::start_replication() {
    // The first start knows the initial assignment; a restarted broker has lost its copy and
    // waits for the controller's image (it leads nothing until then).
    if (!storage_.started_before) apply_image(layout_->initial_image());
    send_heartbeat();
    replicas().startup();
}

void Broker::send_heartbeat() {
    heartbeat_once();
    after(sim::ms(layout_->replication.broker_heartbeat_interval_ms), [this] { send_heartbeat(); });
}

void Broker::heartbeat_once() {
    const BrokerHeartbeatRequest heartbeat{broker_id_, storage_.incarnation, storage_.lost_unflushed_data,
                                           replicas().image_version(), memory_.shutting_down};
    send_to_broker(ReplicaManagerHost::kControllerPeer, heartbeat, [this](const MessageBody* body) {
        if (body == nullptr) return;  // lost: the next heartbeat tries again
        storage_.lost_unflushed_data = false;  // the controller knows now
        const auto& response = std::get<BrokerHeartbeatResponse>(*body);
        if (response.image) apply_image(*response.image);
        // BrokerLifecycleManager: shouldShutDown completes the controlled-shutdown future.
        if (response.should_shut_down && memory_.shutting_down) finish_shutdown();
    });
}

// BrokerServer.shutdown: beginControlledShutdown sends a heartbeat with wantShutDown at once; the
// next ones follow at the heartbeat interval until the controller answers shouldShutDown (or five
// minutes pass). Meanwhile the broker keeps serving: clients are told NOT_LEADER_OR_FOLLOWER or
// NOT_COORDINATOR as leaderships move, not cut off.
void Broker::on_shutdown() {
    sim().record_state(id(), sim::StateChange("broker.shutdown").with("controlled", replicated() ? 1 : 0));
    if (!replicated()) return finish_shutdown();
    memory_.shutting_down = true;
    heartbeat_once();
    after(sim::ms(kControlledShutdownTimeoutMs), [this] { finish_shutdown(); });
}

// The rest of BrokerServer.shutdown: LogManager.shutdown flushes every log and UnifiedLog.close
// takes a producer-state snapshot at the log end (ProducerStateManager.takeSnapshot), so the next
// start loads it instead of recovering; then the sockets close (peers get a FIN).
void Broker::finish_shutdown() {
    if (memory_.exiting) return;
    memory_.exiting = true;
    for (auto& [tp, log] : storage_.logs) {
        log.flush();
        log.take_producer_snapshot();
    }
    sim().record_state(id(), sim::StateChange("broker.shutdown_complete"));
    sim().exit(id());
}

void Broker::apply_image(const MetadataImage& image) {
    if (!replicas().apply_image(image)) return;
    // ReplicaManager completes the delayed produces of partitions it stopped leading
    // (completeDelayedFetchOrProduceRequests: NOT_LEADER_OR_FOLLOWER) before the metadata
    // publisher resigns their coordinators, so a coordinator's pending log write still answers
    // its client (TransactionStateManager.appendTransactionToLog: NOT_COORDINATOR) instead of
    // being dropped with the coordinator, which would hold the muted connection until the
    // client's request timeout.
    replicas().complete_delayed_produces();
    for (const auto& [tp, p] : replicas().image()) {
        if (ClusterLayout::is_internal(tp.topic)) memory_.coordinators.sync(tp);
    }
    replicas().complete_delayed_produces();
}

void Broker::lose_unflushed() {
    for (auto& [tp, log] : storage_.logs) {
        if (log.flushed_offset() < log.log_end_offset()) {
            const std::string name = tp.str();
            storage_.lost_unflushed_data = true;
            sim().record_state(id(), sim::StateChange("broker.lost_unflushed")
                                         .with("partition", name)
                                         .with("from_offset", log.log_end_offset())
                                         .with("to_offset", log.flushed_offset()));
        }
        // A power loss may lower the high watermark within an epoch: only the weaker form holds
        // here (a truncation alone lowers it, and never above the log end).
        log.truncate_to(log.flushed_offset());
    }
}

void Broker::handle_metadata(const sim::Envelope& env, std::int32_t correlation, const MetadataRequest& request) {
    MetadataResponse response;
    for (const TopicPartition& tp : request.partitions) {
        MetadataResponse::PartitionMetadata data{tp, ErrorCode::NONE, leader_of(tp), 0};
        if (const PartitionRegistration* p = registration(tp)) data.leader_epoch = p->leader_epoch;
        if (replicated() && registration(tp) == nullptr) data.error = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
        if (layout_->find_topic(tp.topic) == nullptr && !ClusterLayout::is_internal(tp.topic)) {
            data.error = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
        }
        response.partitions.push_back(data);
    }
    reply(env.connection, correlation, std::move(response));
}

}  // namespace eosim::kafka
