#include "scenario/trace_types.hpp"

#include <algorithm>

#include "kafka/protocol/message_names.hpp"

namespace eosim::scenario {
namespace {

// State changes, faults and node events, by the name the code records them under.
// BEGIN NAMED RECORD TYPES (tests/check_trace_types.py reads this list)
constexpr const char* kNamedRecordTypes[] = {
    "broker.duplicate_batch", "broker.lost_unflushed", "broker.marker", "broker.shutdown",
    "broker.shutdown_complete", "broker.verification_failed", "consumer.fatal", "consumer.joined",
    "consumer.offset_out_of_range", "consumer.poll_timeout", "consumer.revoke",
    "consumer_app.fatal", "controller.controlled_shutdown", "controller.fence_broker",
    "controller.unclean_shutdown", "controller.unfence_broker", "fault.end", "fault.message_lost",
    "fault.shutdown_timed_out", "fault.start", "group.coordinator_load", "group.state", "net.held",
    "node.crash", "node.exit", "node.pause", "node.power_loss", "node.restart", "node.resume", "node.shutdown",
    "processor.fenced", "processor.output_failed", "processor.shutdown", "processor.stopped",
    "producer.batch_failed", "producer.connection_ready", "producer.epoch_bump",
    "producer.fatal_restart", "producer.leader_moved", "producer.producer_id",
    "producer.request_timeout", "producer.retry", "producer.send_blocked", "producer.send_block_timeout",
    "producer.txn_state", "replica.become_follower",
    "replica.become_leader", "replica.truncate", "txn.coordinator_unload", "txn.fence",
    "txn.marker_rejected", "txn.markers_abandoned", "txn.recover_prepare", "txn.state",
    "txn.timeout"
};
// END NAMED RECORD TYPES

std::vector<std::string> collect() {
    std::vector<std::string> types;
    for (std::string_view name : kafka::message_type_names()) types.emplace_back(name);
    types.emplace_back("SinkWrite");
    types.emplace_back("SinkAck");
    for (const char* name : kNamedRecordTypes) types.emplace_back(name);
    return types;
}

}  // namespace

const std::vector<std::string>& trace_record_types() {
    static const std::vector<std::string> types = collect();  // immutable once built
    return types;
}

}  // namespace eosim::scenario
