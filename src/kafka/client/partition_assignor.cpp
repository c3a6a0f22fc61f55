#include "kafka/client/partition_assignor.hpp"

#include <algorithm>

#include "base/assert.hpp"

namespace eosim::kafka {
namespace {

// AbstractPartitionAssignor.MemberInfo.compareTo: static members first, by group.instance.id,
// then dynamic members by member id.
bool member_before(const JoinGroupMember& a, const JoinGroupMember& b) {
    const bool a_static = !a.group_instance_id.empty();
    const bool b_static = !b.group_instance_id.empty();
    if (a_static && b_static) return a.group_instance_id < b.group_instance_id;
    if (a_static != b_static) return a_static;
    return a.member_id < b.member_id;
}

bool subscribes(const JoinGroupMember& member, const std::string& topic) {
    return std::find(member.topics.begin(), member.topics.end(), topic) != member.topics.end();
}

// RangeAssignor.assign: per topic, the sorted subscribers get consecutive ranges; the first
// (partitions mod subscribers) of them one partition more.
void range(const std::vector<JoinGroupMember>& sorted, const std::map<std::string, std::int32_t>& partitions_per_topic,
           std::map<std::string, std::vector<TopicPartition>>& out) {
    for (const auto& [topic, partitions] : partitions_per_topic) {
        std::vector<const JoinGroupMember*> consumers;
        for (const JoinGroupMember& m : sorted) {
            if (subscribes(m, topic)) consumers.push_back(&m);
        }
        if (consumers.empty()) continue;
        const auto n = static_cast<std::int32_t>(consumers.size());
        const std::int32_t per_consumer = partitions / n;
        const std::int32_t with_extra = partitions % n;
        for (std::int32_t i = 0; i < n; ++i) {
            const std::int32_t start = per_consumer * i + std::min(i, with_extra);
            const std::int32_t length = per_consumer + (i + 1 > with_extra ? 0 : 1);
            for (std::int32_t p = start; p < start + length; ++p) {
                out[consumers[static_cast<std::size_t>(i)]->member_id].push_back({topic, p});
            }
        }
    }
}

// RoundRobinAssignor.assign: every partition of every subscribed topic in (topic, partition)
// order goes to the next sorted member, round the circle, skipping members not subscribed.
void round_robin(const std::vector<JoinGroupMember>& sorted, const std::map<std::string, std::int32_t>& partitions_per_topic,
                 std::map<std::string, std::vector<TopicPartition>>& out) {
    if (sorted.empty()) return;
    std::size_t next = 0;
    for (const auto& [topic, partitions] : partitions_per_topic) {
        bool anyone = false;
        for (const JoinGroupMember& m : sorted) anyone = anyone || subscribes(m, topic);
        if (!anyone) continue;
        for (std::int32_t p = 0; p < partitions; ++p) {
            while (!subscribes(sorted[next % sorted.size()], topic)) ++next;
            out[sorted[next % sorted.size()].member_id].push_back({topic, p});
            ++next;
        }
    }
}

}  // namespace

std::vector<MemberAssignment> assign_partitions(std::string_view strategy, const std::vector<JoinGroupMember>& members,
                                                const std::map<std::string, std::int32_t>& partitions_per_topic) {
    std::vector<JoinGroupMember> sorted = members;
    std::sort(sorted.begin(), sorted.end(), member_before);
    std::map<std::string, std::vector<TopicPartition>> by_member;
    if (strategy == kRangeAssignor) {
        range(sorted, partitions_per_topic, by_member);
    } else {
        EOSIM_ASSERT(strategy == kRoundRobinAssignor);
        round_robin(sorted, partitions_per_topic, by_member);
    }
    std::vector<MemberAssignment> result;
    for (const JoinGroupMember& m : members) result.push_back({m.member_id, by_member[m.member_id]});
    return result;
}

}  // namespace eosim::kafka
