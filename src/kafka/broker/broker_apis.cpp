// The broker's request dispatch, as Kafka's KafkaApis.handle: one case per message a broker
// receives, each naming its handler (handle_produce, handle_end_txn, ...), and the messages that
// are not for a broker listed as such. The transaction requests the broker forwards to the
// coordinator of the transactional id are here too; the rest live with their subsystem
// (broker.cpp, broker_lifecycle.cpp, broker_groups.cpp, broker_membership.cpp; the partitions' in
// replica_manager.cpp).
#include "kafka/broker/broker.hpp"

#include "kafka/protocol/dispatch.hpp"

namespace eosim::kafka {
namespace {

// Answers to the broker's own requests (matched by correlation id on the broker's channels, as
// Kafka's NetworkClient completes them) and the controller's pushed metadata.
template <typename T>
concept BrokerAnswer = OneOf<T, WriteTxnMarkersResponse, AddPartitionsToTxnResponse, BrokerHeartbeatResponse,
                             AlterPartitionResponse, ReplicaFetchResponse, MetadataUpdate>;

}  // namespace

bool Broker::is_request(const MessageBody& body) {
    return std::visit([](const auto& message) { return !BrokerAnswer<decltype(message)>; }, body);
}

void Broker::dispatch(const sim::Envelope& envelope, const KafkaMessage& message) {
    const sim::Envelope& env = envelope;
    const std::int32_t c = message.correlation_id;
    std::visit(
        Overloaded{
            [&](const ProduceRequest& r) { handle_produce(env, c, r); },
            [&](const FetchRequest& r) { handle_fetch(env, c, r); },
            [&](const ListOffsetsRequest& r) { handle_list_offsets(env, c, r); },
            [&](const MetadataRequest& r) { handle_metadata(env, c, r); },
            [&](const ApiVersionsRequest& r) { handle_api_versions(env, c, r); },
            [&](const InitProducerIdRequest& r) { handle_init_producer_id(env, c, r); },
            [&](const AddPartitionsToTxnRequest& r) { handle_add_partitions_to_txn(env, c, r); },
            [&](const AddOffsetsToTxnRequest& r) { handle_add_offsets_to_txn(env, c, r); },
            [&](const EndTxnRequest& r) { handle_end_txn(env, c, r); },
            [&](const WriteTxnMarkersRequest& r) { handle_write_txn_markers(env, c, r); },
            [&](const TxnOffsetCommitRequest& r) { handle_txn_offset_commit(env, c, r); },
            [&](const OffsetCommitRequest& r) { handle_offset_commit(env, c, r); },
            [&](const OffsetFetchRequest& r) { handle_offset_fetch(env, c, r); },
            [&](const JoinGroupRequest& r) { handle_join_group(env, c, r); },
            [&](const SyncGroupRequest& r) { handle_sync_group(env, c, r); },
            [&](const HeartbeatRequest& r) { handle_heartbeat(env, c, r); },
            [&](const LeaveGroupRequest& r) { handle_leave_group(env, c, r); },
            // A follower's fetch (Kafka: FETCH with a replica id, KafkaApis.handleFetchRequest).
            [&](const ReplicaFetchRequest& r) { handle_replica_fetch(env, c, r); },
            [&](const MetadataUpdate& r) { apply_image(r.image); },
            [&](const OneOf<WriteTxnMarkersResponse, AddPartitionsToTxnResponse, BrokerHeartbeatResponse,
                            AlterPartitionResponse, ReplicaFetchResponse> auto&) {
                handle_broker_response(env, message);
            },
            // Client-bound answers and the controller's requests.
            [&](const OneOf<InitProducerIdResponse, ProduceResponse, FetchResponse, ListOffsetsResponse,
                            OffsetCommitResponse, OffsetFetchResponse, AddOffsetsToTxnResponse, EndTxnResponse,
                            TxnOffsetCommitResponse, JoinGroupResponse, SyncGroupResponse, HeartbeatResponse,
                            LeaveGroupResponse, MetadataResponse, ApiVersionsResponse, BrokerHeartbeatRequest,
                            AlterPartitionRequest> auto&) { not_for_this_node("a broker", message); },
        },
        message.body);
}

void Broker::handle_api_versions(const sim::Envelope& env, std::int32_t correlation, const ApiVersionsRequest&) {
    reply(env.connection, correlation, ApiVersionsResponse{ErrorCode::NONE});
}

TransactionCoordinator::Reply Broker::answer_to(const sim::Envelope& env, std::int32_t correlation) {
    const sim::ConnectionId connection = env.connection;
    return [this, connection, correlation](MessageBody body) { reply(connection, correlation, std::move(body)); };
}

void Broker::handle_init_producer_id(const sim::Envelope& env, std::int32_t correlation,
                                     const InitProducerIdRequest& request) {
    if (request.transactional_id.has_value()) {
        TransactionCoordinator* coordinator = memory_.coordinators.transaction_coordinator(*request.transactional_id);
        if (coordinator == nullptr) {
            reply(env.connection, correlation, InitProducerIdResponse{ErrorCode::NOT_COORDINATOR, -1, -1});
            return;
        }
        coordinator->handle_init_producer_id(request, answer_to(env, correlation));
        return;
    }
    // Idempotent producer: a fresh id, epoch 0, no log write (TC handleInitProducerId).
    reply(env.connection, correlation, InitProducerIdResponse{ErrorCode::NONE, allocate_producer_id(), 0});
}

void Broker::handle_add_partitions_to_txn(const sim::Envelope& env, std::int32_t correlation,
                                          const AddPartitionsToTxnRequest& request) {
    TransactionCoordinator* coordinator = memory_.coordinators.transaction_coordinator(request.transactional_id);
    if (coordinator == nullptr) {
        return reply(env.connection, correlation,
                     AddPartitionsToTxnResponse{ErrorCode::NOT_COORDINATOR, request.partitions});
    }
    coordinator->handle_add_partitions(request, answer_to(env, correlation));
}

void Broker::handle_add_offsets_to_txn(const sim::Envelope& env, std::int32_t correlation,
                                       const AddOffsetsToTxnRequest& request) {
    TransactionCoordinator* coordinator = memory_.coordinators.transaction_coordinator(request.transactional_id);
    if (coordinator == nullptr) return reply(env.connection, correlation, AddOffsetsToTxnResponse{ErrorCode::NOT_COORDINATOR});
    coordinator->handle_add_offsets(request, answer_to(env, correlation));
}

void Broker::handle_end_txn(const sim::Envelope& env, std::int32_t correlation, const EndTxnRequest& request) {
    TransactionCoordinator* coordinator = memory_.coordinators.transaction_coordinator(request.transactional_id);
    if (coordinator == nullptr) return reply(env.connection, correlation, EndTxnResponse{ErrorCode::NOT_COORDINATOR, -1, -1});
    coordinator->handle_end_txn(request, answer_to(env, correlation));
}

}  // namespace eosim::kafka
