#pragma once
// Requests of the classic group protocol as the group tests send them: group "g", a 10 s session.
#include <cstdint>
#include <string>

#include "kafka/protocol/messages.hpp"

namespace eosim::test {

struct JoinOptions {
    std::string topic;                    // the one subscribed topic
    std::int32_t rebalance_timeout_ms = 0;
};

inline kafka::JoinGroupRequest join_group_request(const JoinOptions& options, const std::string& client,
                                                  const std::string& member = "", const std::string& instance = "") {
    kafka::JoinGroupRequest r;
    r.group_id = "g";
    r.member_id = member;
    r.group_instance_id = instance;
    r.client_id = client;
    r.session_timeout_ms = 10000;
    r.rebalance_timeout_ms = options.rebalance_timeout_ms;
    r.protocol = "range";
    r.topics = {options.topic};
    return r;
}

}  // namespace eosim::test
