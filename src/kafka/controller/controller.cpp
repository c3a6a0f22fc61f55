#include "kafka/controller/controller.hpp"

#include <algorithm>
#include <limits>

#include "base/assert.hpp"
#include "kafka/protocol/dispatch.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

Controller::Controller(std::string name, std::shared_ptr<const ClusterLayout> layout)
    : sim::Node(std::move(name)), layout_(std::move(layout)) {
    EOSIM_ASSERT(layout_->replication.enabled);
    for (PartitionRegistration& p : layout_->initial_image().partitions) {
        const TopicPartition tp = p.partition;
        partitions_.emplace(tp, std::move(p));
    }
    // Brokers start registered and unfenced (the cluster was formed before the run).
    brokers_.resize(static_cast<std::size_t>(layout_->broker_count()));
}

void Controller::on_start() {
    for (BrokerRegistration& b : brokers_) b.last_heartbeat_us = sim().now();
    sim().set_timer(id(), sim::ms(layout_->replication.broker_heartbeat_interval_ms) / 2, 0);
}

void Controller::on_timer(std::uint64_t) {
    check_sessions();
    sim().set_timer(id(), sim::ms(layout_->replication.broker_heartbeat_interval_ms) / 2, 0);
}

IsLive Controller::live() const {
    // ClusterControlManager.isActive: neither fenced nor in controlled shutdown.
    return [this](std::int32_t broker) {
        const BrokerRegistration& b = brokers_.at(static_cast<std::size_t>(broker));
        return !b.fenced && !b.in_controlled_shutdown;
    };
}

void Controller::reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body) {
    sim().send(id(), connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
}

void Controller::on_message(const sim::Envelope& envelope) {
    const auto& message = static_cast<const KafkaMessage&>(*envelope.payload);
    const std::int32_t c = message.correlation_id;
    std::visit(
        Overloaded{
            [&](const BrokerHeartbeatRequest& r) { handle_heartbeat(envelope, c, r); },
            [&](const AlterPartitionRequest& r) { handle_alter_partition(envelope, c, r); },
            // The controller serves only brokers' heartbeats and AlterPartition (ControllerApis).
            [&](const OneOf<InitProducerIdRequest, InitProducerIdResponse, ProduceRequest, ProduceResponse,
                            FetchRequest, FetchResponse, ListOffsetsRequest, ListOffsetsResponse,
                            OffsetCommitRequest, OffsetCommitResponse, OffsetFetchRequest, OffsetFetchResponse,
                            AddPartitionsToTxnRequest, AddPartitionsToTxnResponse, AddOffsetsToTxnRequest,
                            AddOffsetsToTxnResponse, EndTxnRequest, EndTxnResponse, WriteTxnMarkersRequest,
                            WriteTxnMarkersResponse, TxnOffsetCommitRequest, TxnOffsetCommitResponse,
                            JoinGroupRequest, JoinGroupResponse, SyncGroupRequest, SyncGroupResponse,
                            HeartbeatRequest, HeartbeatResponse, LeaveGroupRequest, LeaveGroupResponse,
                            BrokerHeartbeatResponse, MetadataUpdate, AlterPartitionResponse,
                            ReplicaFetchRequest, ReplicaFetchResponse, MetadataRequest, MetadataResponse,
                            ApiVersionsRequest, ApiVersionsResponse> auto&) {
                not_for_this_node("the controller", message);
            },
        },
        message.body);
}

void Controller::handle_heartbeat(const sim::Envelope& env, std::int32_t correlation,
                                  const BrokerHeartbeatRequest& request) {
    BrokerRegistration& broker = brokers_.at(static_cast<std::size_t>(request.broker_id));
    if (request.incarnation < broker.incarnation) {
        // From a process that has since restarted (KRaft: STALE_BROKER_EPOCH).
        reply(env.connection, correlation, BrokerHeartbeatResponse{true, std::nullopt});
        return;
    }
    broker.last_heartbeat_us = sim().now();
    broker.connection = env.connection;
    broker.connected = true;
    broker.metadata_version = request.metadata_version;
    if (request.incarnation > broker.incarnation) {
        // A restarted broker registers anew: its old registration is fenced first, so that it
        // leaves every ISR and leads nothing until it has caught up again (KRaft).
        broker.incarnation = request.incarnation;
        broker.in_controlled_shutdown = false;
        if (!broker.fenced) fence(request.broker_id);
        if (request.lost_unflushed_data) forget_unclean(request.broker_id);
    }
    bool should_shut_down = false;
    if (request.want_shut_down) {
        should_shut_down = controlled_shutdown(request.broker_id);
    } else if (broker.fenced && request.metadata_version >= broker.fenced_at_version) {
        // A fenced broker is unfenced once it has seen its own fencing in the metadata (KRaft
        // unfences a broker that caught up); a heartbeat sent before the fence does not count.
        unfence(request.broker_id);
    }
    BrokerHeartbeatResponse response{broker.fenced, std::nullopt, should_shut_down};
    if (request.metadata_version < version_) response.image = image();
    reply(env.connection, correlation, std::move(response));
}

void Controller::handle_alter_partition(const sim::Envelope& env, std::int32_t correlation,
                                        const AlterPartitionRequest& request) {
    AlterPartitionResponse response;
    const auto found = partitions_.find(request.partition);
    if (found == partitions_.end()) {
        response.error = ErrorCode::UNKNOWN_TOPIC_OR_PARTITION;
    } else {
        response.error = alter_partition(found->second, request.change, live(), rules());
        response.partition = found->second;
        if (response.error == ErrorCode::NONE) {
            trace_change(found->second, "alter_partition", false);
            publish();
        }
    }
    reply(env.connection, correlation, std::move(response));
}

void Controller::check_sessions() {
    const sim::TimeUs timeout_us = sim::ms(layout_->replication.broker_session_timeout_ms);
    for (std::size_t b = 0; b < brokers_.size(); ++b) {
        if (!brokers_[b].fenced && sim().now() - brokers_[b].last_heartbeat_us > timeout_us) {
            fence(static_cast<std::int32_t>(b));
        }
    }
}

void Controller::fence(std::int32_t broker) {
    brokers_.at(static_cast<std::size_t>(broker)).fenced = true;
    sim().record_state(id(), sim::StateChange("controller.fence_broker").with("broker", broker));
    for (auto& [tp, p] : partitions_) {
        bool unclean = false;
        if (fence_broker(p, broker, live(), rules(), &unclean)) trace_change(p, "broker_fenced", unclean);
    }
    publish();  // the fence is a metadata change even if no partition moved
    brokers_.at(static_cast<std::size_t>(broker)).fenced_at_version = version_;
}

BrokerControlState next_state_on_shutdown(BrokerControlState current, bool has_leaderships,
                                          bool active_brokers_caught_up) {
    switch (current) {
        case BrokerControlState::fenced: return BrokerControlState::shutdown_now;
        case BrokerControlState::unfenced:
            return has_leaderships ? BrokerControlState::controlled_shutdown : BrokerControlState::shutdown_now;
        case BrokerControlState::controlled_shutdown:
            if (has_leaderships || !active_brokers_caught_up) return BrokerControlState::controlled_shutdown;
            return BrokerControlState::shutdown_now;
        case BrokerControlState::shutdown_now: return BrokerControlState::shutdown_now;
    }
    return BrokerControlState::shutdown_now;
}

bool Controller::leads_any(std::int32_t broker) const {
    for (const auto& [tp, p] : partitions_) {
        if (p.leader == broker) return true;
    }
    return false;
}

// BrokerHeartbeatManager.lowestActiveOffset: the oldest metadata an active broker has seen.
std::int64_t Controller::lowest_active_version() const {
    std::int64_t lowest = std::numeric_limits<std::int64_t>::max();
    for (const BrokerRegistration& b : brokers_) {
        if (!b.fenced && !b.in_controlled_shutdown) lowest = std::min(lowest, b.metadata_version);
    }
    return lowest;
}

// ReplicationControlManager.processBrokerHeartbeat with wantShutDown.
bool Controller::controlled_shutdown(std::int32_t broker_id) {
    BrokerRegistration& broker = brokers_.at(static_cast<std::size_t>(broker_id));
    const BrokerControlState current = broker.fenced                   ? BrokerControlState::fenced
                                       : broker.in_controlled_shutdown ? BrokerControlState::controlled_shutdown
                                                                       : BrokerControlState::unfenced;
    const BrokerControlState next = next_state_on_shutdown(
        current, leads_any(broker_id), lowest_active_version() >= broker.controlled_shutdown_version);
    if (next == BrokerControlState::controlled_shutdown) {
        if (current != next) enter_controlled_shutdown(broker_id);
        return false;
    }
    EOSIM_ASSERT(next == BrokerControlState::shutdown_now);
    // SHUTDOWN_NOW: handleBrokerFenced, so that nobody waits for its session to time out.
    if (!broker.fenced) {
        broker.in_controlled_shutdown = false;
        fence(broker_id);
    }
    return true;
}

// generateLeaderAndIsrUpdates("enterControlledShutdown"): the broker leaves every ISR it is in
// and every leadership, as when it is fenced, while it keeps running as a follower.
void Controller::enter_controlled_shutdown(std::int32_t broker_id) {
    BrokerRegistration& broker = brokers_.at(static_cast<std::size_t>(broker_id));
    broker.in_controlled_shutdown = true;
    sim().record_state(id(), sim::StateChange("controller.controlled_shutdown").with("broker", broker_id));
    for (auto& [tp, p] : partitions_) {
        if (!p.in_isr(broker_id) && p.leader != broker_id) continue;
        bool unclean = false;
        if (fence_broker(p, broker_id, live(), rules(), &unclean)) trace_change(p, "controlled_shutdown", unclean);
    }
    publish();
    broker.controlled_shutdown_version = version_;
}

void Controller::forget_unclean(std::int32_t broker) {
    sim().record_state(id(), sim::StateChange("controller.unclean_shutdown").with("broker", broker));
    bool changed = false;
    for (auto& [tp, p] : partitions_) {
        if (forget_unclean_replica(p, broker)) {
            trace_change(p, "unclean_shutdown", false);
            changed = true;
        }
    }
    if (changed) publish();
}

ElectionRules Controller::rules() const {
    return ElectionRules{layout_->replication.unclean_leader_election, layout_->replication.min_insync_replicas};
}

void Controller::unfence(std::int32_t broker) {
    brokers_.at(static_cast<std::size_t>(broker)).fenced = false;
    sim().record_state(id(), sim::StateChange("controller.unfence_broker").with("broker", broker));
    for (auto& [tp, p] : partitions_) {
        bool unclean = false;
        if (unfence_broker(p, broker, live(), rules(), &unclean)) trace_change(p, "broker_unfenced", unclean);
    }
    publish();  // the registration changed (KRaft's BrokerRegistrationChangeRecord): leaders may add it to ISRs
}

void Controller::trace_change(const PartitionRegistration& p, std::string_view reason, bool unclean) {
    if (unclean) ++unclean_elections_;
    auto [last, first_time] = last_leader_.emplace(p.partition, p.replicas.front());
    (void)first_time;
    if (last->second != p.leader) {
        if (p.leader == kNoLeader) {
            offline_windows_.push_back(OfflineWindow{p.partition, sim().now(), -1});
        } else {
            ++elections_;
            for (OfflineWindow& w : offline_windows_) {
                if (w.partition == p.partition && w.to_us < 0) w.to_us = sim().now();
            }
        }
        last->second = p.leader;
    }
    const std::string partition = p.partition.str();  // outlives the change that views it
    sim::StateChange change(unclean ? "controller.unclean_election" : "controller.partition");
    change.with("partition", partition)
        .with("reason", reason)
        .with("leader", p.leader)
        .with("leader_epoch", p.leader_epoch)
        .with("isr_size", static_cast<std::int64_t>(p.isr.size()))
        .with("partition_epoch", p.partition_epoch);
    sim().record_state(id(), change);
}

MetadataImage Controller::image() const {
    MetadataImage result{version_, {}, {}};
    for (const auto& [tp, p] : partitions_) result.partitions.push_back(p);
    for (std::size_t b = 0; b < brokers_.size(); ++b) {
        if (!live()(static_cast<std::int32_t>(b))) result.ineligible_brokers.push_back(static_cast<std::int32_t>(b));
    }
    return result;
}

void Controller::publish() {
    ++version_;
    for (BrokerRegistration& broker : brokers_) {
        if (!broker.connected) continue;
        sim().send(id(), broker.connection, std::make_unique<KafkaMessage>(-1, MetadataUpdate{image()}));
    }
}

void Controller::on_connection_closed(sim::ConnectionId connection) {
    for (BrokerRegistration& broker : brokers_) {
        if (broker.connected && broker.connection == connection) broker.connected = false;
    }
}

}  // namespace eosim::kafka
