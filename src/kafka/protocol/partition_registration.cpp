#include "kafka/protocol/partition_registration.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::kafka {
namespace {

bool contains(const std::vector<std::int32_t>& list, std::int32_t broker) {
    return std::find(list.begin(), list.end(), broker) != list.end();
}

void erase(std::vector<std::int32_t>& list, std::int32_t broker) {
    list.erase(std::remove(list.begin(), list.end(), broker), list.end());
}

// KIP-966: whoever leaves an ISR that is (now) below min.insync.replicas becomes eligible;
// an ISR back at min.insync.replicas needs no ELR.
void update_elr(PartitionRegistration& p, const std::vector<std::int32_t>& removed, const ElectionRules& rules) {
    const bool below_min = static_cast<std::int32_t>(p.isr.size()) < rules.min_insync_replicas;
    if (!below_min) {
        p.elr.clear();
        return;
    }
    for (std::int32_t broker : removed) {
        if (!contains(p.elr, broker)) p.elr.push_back(broker);
    }
    for (std::int32_t broker : p.isr) erase(p.elr, broker);
}

void set_leader(PartitionRegistration& p, const Election& election) {
    p.leader = election.leader;
    ++p.leader_epoch;
    if (election.unclean) {
        p.isr = {election.leader};  // an unclean leader starts a new ISR
        p.elr.clear();
    } else if (!contains(p.isr, election.leader)) {
        // An ELR member leads: it is the ISR now (KIP-966).
        erase(p.elr, election.leader);
        p.isr = {election.leader};
    }
}

// After every change: ISR and ELR within the replicas and disjoint (KIP-966), the leader in the
// ISR (an ELR or unclean leader becomes the whole ISR).
void check_registration(const PartitionRegistration& p) {
    for (std::int32_t broker : p.isr) {
        EOSIM_ASSERT(contains(p.replicas, broker));
        EOSIM_ASSERT(!contains(p.elr, broker));
    }
    for (std::int32_t broker : p.elr) EOSIM_ASSERT(contains(p.replicas, broker));
    if (p.leader != kNoLeader) EOSIM_ASSERT(contains(p.isr, p.leader));
}

}  // namespace

bool PartitionRegistration::in_isr(std::int32_t broker) const { return contains(isr, broker); }
bool PartitionRegistration::in_elr(std::int32_t broker) const { return contains(elr, broker); }
bool PartitionRegistration::has_replica(std::int32_t broker) const { return contains(replicas, broker); }

Election elect_leader(const PartitionRegistration& partition, const IsLive& live, const ElectionRules& rules) {
    for (std::int32_t replica : partition.replicas) {
        if (partition.in_isr(replica) && live(replica)) return Election{replica, false};
    }
    for (std::int32_t replica : partition.replicas) {
        if (partition.in_elr(replica) && live(replica)) return Election{replica, false};
    }
    if (!rules.unclean_enabled) return Election{};
    for (std::int32_t replica : partition.replicas) {
        if (live(replica)) return Election{replica, true};
    }
    return Election{};
}

bool fence_broker(PartitionRegistration& p, std::int32_t broker, const IsLive& live,
                  const ElectionRules& rules, bool* unclean_election) {
    EOSIM_ASSERT(!live(broker));
    if (!p.has_replica(broker)) return false;
    bool changed = false;
    if (p.in_isr(broker)) {
        // KIP-966: even the last member leaves the ISR; below min.insync.replicas it stays
        // electable in the ELR.
        erase(p.isr, broker);
        update_elr(p, {broker}, rules);
        changed = true;
    }
    if (p.leader == broker) {
        const Election election = elect_leader(p, live, rules);
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
    check_registration(p);
    return changed;
}

bool unfence_broker(PartitionRegistration& p, std::int32_t broker, const IsLive& live,
                    const ElectionRules& rules, bool* unclean_election) {
    EOSIM_ASSERT(live(broker));
    if (!p.has_replica(broker) || p.leader != kNoLeader) return false;
    const Election election = elect_leader(p, live, rules);
    if (election.leader == kNoLeader) return false;
    set_leader(p, election);
    if (unclean_election != nullptr) *unclean_election = election.unclean;
    ++p.partition_epoch;
    check_registration(p);
    return true;
}

bool forget_unclean_replica(PartitionRegistration& p, std::int32_t broker) {
    if (!p.in_isr(broker) && !p.in_elr(broker)) return false;
    EOSIM_ASSERT(p.leader != broker && "the broker was fenced before it re-registered");
    erase(p.isr, broker);
    erase(p.elr, broker);
    ++p.partition_epoch;
    check_registration(p);
    return true;
}

ErrorCode alter_partition(PartitionRegistration& p, const AlterPartitionChange& change,
                          const IsLive& live, const ElectionRules& rules) {
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
    std::vector<std::int32_t> removed;
    for (std::int32_t member : p.isr) {
        if (!contains(change.new_isr, member)) removed.push_back(member);
    }
    p.isr = change.new_isr;
    update_elr(p, removed, rules);
    ++p.partition_epoch;
    check_registration(p);
    return ErrorCode::NONE;
}

}  // namespace eosim::kafka
