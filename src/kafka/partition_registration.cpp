#include "kafka/partition_registration.hpp"

#include <algorithm>
#include <cassert>

namespace eosim::kafka {
namespace {

bool contains(const std::vector<std::int32_t>& list, std::int32_t broker) {
    return std::find(list.begin(), list.end(), broker) != list.end();
}

void set_leader(PartitionRegistration& p, const Election& election) {
    p.leader = election.leader;
    ++p.leader_epoch;
    if (election.unclean) p.isr = {election.leader};  // an unclean leader starts a new ISR
}

}  // namespace

bool PartitionRegistration::in_isr(std::int32_t broker) const { return contains(isr, broker); }
bool PartitionRegistration::has_replica(std::int32_t broker) const { return contains(replicas, broker); }

Election elect_leader(const PartitionRegistration& partition, const IsLive& live,
                      bool unclean_enabled) {
    for (std::int32_t replica : partition.replicas) {
        if (partition.in_isr(replica) && live(replica)) return Election{replica, false};
    }
    if (!unclean_enabled) return Election{};
    for (std::int32_t replica : partition.replicas) {
        if (live(replica)) return Election{replica, true};
    }
    return Election{};
}

bool fence_broker(PartitionRegistration& p, std::int32_t broker, const IsLive& live,
                  bool unclean_enabled, bool* unclean_election) {
    assert(!live(broker));
    if (!p.has_replica(broker)) return false;
    bool changed = false;
    if (p.in_isr(broker) && p.isr.size() > 1) {
        p.isr.erase(std::find(p.isr.begin(), p.isr.end(), broker));
        changed = true;
    }
    if (p.leader == broker) {
        const Election election = elect_leader(p, live, unclean_enabled);
        if (election.leader == kNoLeader) {
            p.leader = kNoLeader;
            ++p.leader_epoch;
        } else {
            set_leader(p, election);
        }
        if (unclean_election != nullptr) *unclean_election = election.unclean;
        changed = true;
    }
    if (changed) ++p.partition_epoch;
    return changed;
}

bool unfence_broker(PartitionRegistration& p, std::int32_t broker, const IsLive& live,
                    bool unclean_enabled, bool* unclean_election) {
    assert(live(broker));
    if (!p.has_replica(broker) || p.leader != kNoLeader) return false;
    const Election election = elect_leader(p, live, unclean_enabled);
    if (election.leader == kNoLeader) return false;
    set_leader(p, election);
    if (unclean_election != nullptr) *unclean_election = election.unclean;
    ++p.partition_epoch;
    return true;
}

ErrorCode alter_partition(PartitionRegistration& p, const AlterPartitionChange& change,
                          const IsLive& live) {
    if (change.broker_id != p.leader) return ErrorCode::NOT_LEADER_OR_FOLLOWER;
    if (change.leader_epoch < p.leader_epoch) return ErrorCode::FENCED_LEADER_EPOCH;
    if (change.partition_epoch != p.partition_epoch) return ErrorCode::INVALID_UPDATE_VERSION;
    if (!contains(change.new_isr, p.leader)) return ErrorCode::INVALID_REQUEST;
    for (std::int32_t replica : change.new_isr) {
        // A fenced broker may not join the ISR (KIP-841).
        if (!p.has_replica(replica) || (!p.in_isr(replica) && !live(replica))) {
            return ErrorCode::INELIGIBLE_REPLICA;
        }
    }
    p.isr = change.new_isr;
    ++p.partition_epoch;
    return ErrorCode::NONE;
}

}  // namespace eosim::kafka
