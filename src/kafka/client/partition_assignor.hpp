#pragma once
// The group leader's partition assignors (clients' ConsumerPartitionAssignor implementations):
// RangeAssignor and RoundRobinAssignor, over the members' subscriptions from the JoinGroup
// response and the partition counts the leader knows from metadata.
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "kafka/protocol/messages.hpp"

namespace eosim::kafka {

inline constexpr std::string_view kRangeAssignor = "range";
inline constexpr std::string_view kRoundRobinAssignor = "roundrobin";

// One entry per member, in the members' order; unknown strategy names assert.
std::vector<MemberAssignment> assign_partitions(std::string_view strategy, const std::vector<JoinGroupMember>& members,
                                                const std::map<std::string, std::int32_t>& partitions_per_topic);

}  // namespace eosim::kafka
