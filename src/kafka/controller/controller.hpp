#pragma once
// The controller (KRaft's QuorumController, simplified to a single node that does not fail):
// brokers heartbeat to it; a broker silent for broker.session.timeout.ms is fenced, which removes
// it from ISRs and moves leadership (clean from the ISR, or unclean if enabled); a broker that
// heartbeats again is unfenced and may take an offline partition. Leaders shrink and expand ISRs
// through AlterPartition. Every change bumps the image version and is pushed to the brokers.
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/protocol/messages.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

// A broker's state at the controller as far as shutting down goes (BrokerControlState).
enum class BrokerControlState : std::uint8_t { fenced, unfenced, controlled_shutdown, shutdown_now };

// BrokerHeartbeatManager.calculateNextBrokerState for a heartbeat with wantShutDown: a fenced
// broker, or one that leads nothing, may go at once; one that leads partitions enters controlled
// shutdown (its leaderships are moved away) and is let go once it leads nothing and every active
// broker has seen the metadata that moved them (controlledShutdownOffset <= lowestActiveOffset).
BrokerControlState next_state_on_shutdown(BrokerControlState current, bool has_leaderships,
                                          bool active_brokers_caught_up);

class Controller final : public sim::Node {
public:
    Controller(std::string name, std::shared_ptr<const ClusterLayout> layout);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_connection_closed(sim::ConnectionId connection) override;
    void on_crash() override {}

    const std::map<TopicPartition, PartitionRegistration>& partitions() const { return partitions_; }
    std::int32_t unclean_elections() const { return unclean_elections_; }
    std::int32_t elections() const { return elections_; }
    // A window during which a partition had no leader (to_us < 0: still offline at the end).
    struct OfflineWindow {
        TopicPartition partition;
        sim::TimeUs from_us = 0;
        sim::TimeUs to_us = -1;
    };
    const std::vector<OfflineWindow>& offline_windows() const { return offline_windows_; }

private:
    struct BrokerRegistration {
        bool fenced = false;
        sim::TimeUs last_heartbeat_us = 0;
        sim::ConnectionId connection = 0;
        bool connected = false;
        std::int32_t incarnation = 1;  // the first start registered the cluster
        std::int64_t fenced_at_version = 0;  // the metadata version that fenced it
        std::int64_t metadata_version = -1;  // as its last heartbeat reported
        // Controlled shutdown: not an acceptable leader nor ISR candidate (ClusterControlManager
        // .isActive), let go once every active broker has this metadata version.
        bool in_controlled_shutdown = false;
        std::int64_t controlled_shutdown_version = -1;
    };

    void handle_heartbeat(const sim::Envelope& env, std::int32_t correlation,
                          const BrokerHeartbeatRequest& request);
    void handle_alter_partition(const sim::Envelope& env, std::int32_t correlation,
                                const AlterPartitionRequest& request);
    void check_sessions();
    void fence(std::int32_t broker);
    void unfence(std::int32_t broker);
    void forget_unclean(std::int32_t broker);
    bool controlled_shutdown(std::int32_t broker);  // true: it may shut down now
    void enter_controlled_shutdown(std::int32_t broker);
    bool leads_any(std::int32_t broker) const;
    std::int64_t lowest_active_version() const;
    ElectionRules rules() const;
    void trace_change(const PartitionRegistration& p, std::string_view reason, bool unclean);
    void publish();
    MetadataImage image() const;
    IsLive live() const;
    void reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body);

    std::shared_ptr<const ClusterLayout> layout_;
    std::map<TopicPartition, PartitionRegistration> partitions_;
    std::vector<BrokerRegistration> brokers_;
    std::int64_t version_ = 0;
    std::int32_t unclean_elections_ = 0;
    std::int32_t elections_ = 0;
    std::map<TopicPartition, std::int32_t> last_leader_;
    std::vector<OfflineWindow> offline_windows_;
};

}  // namespace eosim::kafka
