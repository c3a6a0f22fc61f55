#include "kafka/controller.hpp"

#include <cassert>

#include "sim/simulation.hpp"

namespace eosim::kafka {

Controller::Controller(std::string name, std::shared_ptr<const ClusterLayout> layout)
    : sim::Node(std::move(name)), layout_(std::move(layout)) {
    assert(layout_->replication.enabled);
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
    return [this](std::int32_t broker) { return !brokers_.at(static_cast<std::size_t>(broker)).fenced; };
}

void Controller::reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body) {
    sim().send(id(), connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
}

void Controller::on_message(const sim::Envelope& envelope) {
    const auto& message = static_cast<const KafkaMessage&>(*envelope.payload);
    if (const auto* r = std::get_if<BrokerHeartbeatRequest>(&message.body)) {
        return handle_heartbeat(envelope, message.correlation_id, *r);
    }
    if (const auto* r = std::get_if<AlterPartitionRequest>(&message.body)) {
        return handle_alter_partition(envelope, message.correlation_id, *r);
    }
    assert(false && "unexpected message at the controller");
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
    if (request.incarnation > broker.incarnation) {
        // A restarted broker registers anew: its old registration is fenced first, so that it
        // leaves every ISR and leads nothing until it has caught up again (KRaft).
        broker.incarnation = request.incarnation;
        if (!broker.fenced) fence(request.broker_id);
        if (request.lost_unflushed_data) forget_unclean(request.broker_id);
    }
    // A fenced broker is unfenced once it has seen its own fencing in the metadata (KRaft
    // unfences a broker that caught up); a heartbeat sent before the fence does not count.
    if (broker.fenced && request.metadata_version >= broker.fenced_at_version) unfence(request.broker_id);
    BrokerHeartbeatResponse response{broker.fenced, std::nullopt};
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
    bool changed = false;
    for (auto& [tp, p] : partitions_) {
        bool unclean = false;
        if (unfence_broker(p, broker, live(), rules(), &unclean)) {
            trace_change(p, "broker_unfenced", unclean);
            changed = true;
        }
    }
    if (changed) publish();
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
    MetadataImage result{version_, {}};
    for (const auto& [tp, p] : partitions_) result.partitions.push_back(p);
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
