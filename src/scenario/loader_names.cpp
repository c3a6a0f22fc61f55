// Names a scenario gives: topics follow Kafka's rules; node names are one line of safe
// characters (they appear in traces, histories and fault targets) and avoid the names eosim gives
// its own nodes.
#include <fmt/format.h>

#include <set>
#include <string>

#include "scenario/json_reader.hpp"
#include "scenario/loader_internal.hpp"
#include "scenario/scenario.hpp"

namespace eosim::scenario {
namespace {

constexpr std::size_t kMaxNameLength = 249;  // Kafka's Topic.MAX_NAME_LENGTH, for nodes too

// Kafka's Topic.containsValidPattern: ASCII alphanumerics, '.', '_' and '-'.
bool legal_chars(const std::string& name) {
    for (const char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                        c == '_' || c == '-';
        if (!ok) return false;
    }
    return true;
}

// The reason a name breaks Kafka's Topic.detectInvalidTopic rules, or "".
std::string invalid_name_reason(const std::string& name) {
    if (name.empty()) return "the empty string is not allowed";
    if (name == "." || name == "..") return fmt::format("\"{}\" is not allowed", name);
    if (name.size() > kMaxNameLength) {
        return fmt::format("{} characters is longer than the maximum of {}", name.size(), kMaxNameLength);
    }
    if (!legal_chars(name)) {
        return "it contains characters other than ASCII letters, digits, '.', '_' and '-'";
    }
    return "";
}

}  // namespace

void check_topic_name(ObjectReader& topic, const std::string& name) {
    if (const std::string reason = invalid_name_reason(name); !reason.empty()) {
        topic.fail("name", "invalid topic name: " + reason);
    }
    // Topic.isInternal: the brokers keep group offsets and transaction state in these topics
    // (eosim models them inside the coordinators); Kafka refuses to create them by request.
    for (const char* internal : {"__consumer_offsets", "__transaction_state", "__cluster_metadata"}) {
        if (name == internal) topic.fail("name", fmt::format("\"{}\" is an internal Kafka topic", name));
    }
}

void check_node_name(ObjectReader& root, const std::string& key, const std::string& name) {
    if (const std::string reason = invalid_name_reason(name); !reason.empty()) {
        root.fail(key, "invalid node name: " + reason);
    }
    if (name == "controller") {
        root.fail(key, "node name \"controller\" is reserved (with cluster.replication, eosim runs the controller "
                       "under that name)");
    }
}

}  // namespace eosim::scenario
