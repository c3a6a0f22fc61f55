// KIP-890 part 1 at the partition leader (Kafka's AddPartitionsToTxnManager and
// ReplicaManager.appendRecords' verification guard): a transactional write by a producer with no
// open transaction on the partition waits while the coordinator confirms that the partition is
// in the producer's transaction, and the coordinator's answer decides the append.
#include "kafka/broker/broker.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

// The partitions of a produce that need the coordinator's confirmation.
std::vector<TopicPartition> Broker::partitions_to_verify(const ProduceRequest& request) const {
    std::vector<TopicPartition> result;
    if (!config_.partition_verification || config_.knockouts.disable_partition_verification ||
        !request.transactional_id) {
        return result;
    }
    for (const auto& data : request.partitions) {
        const Partition* partition = replicas().partition(data.partition);
        if (!data.batch.transactional || partition == nullptr) continue;
        const ProducerStateEntry* entry = partition->producers().find(data.batch.producer_id);
        if (entry == nullptr || entry->current_txn_first_offset < 0) result.push_back(data.partition);
    }
    return result;
}

void Broker::verify_then_produce(HeldProduce held, std::vector<TopicPartition> partitions) {
    const RecordBatch& batch = held.request.partitions.front().batch;
    AddPartitionsToTxnRequest verify{*held.request.transactional_id, batch.producer_id, batch.producer_epoch,
                                     partitions, true};
    auto on_answer = [this, held, partitions](const MessageBody* body) {
        ErrorCode error = ErrorCode::NETWORK_EXCEPTION;
        if (body != nullptr) error = std::get<AddPartitionsToTxnResponse>(*body).error;
        // RM.handleProduceAppend's mapping for clients: fenced -> INVALID_PRODUCER_EPOCH;
        // coordinator trouble -> NOT_ENOUGH_REPLICAS so that the client retries.
        if (error == ErrorCode::PRODUCER_FENCED) error = ErrorCode::INVALID_PRODUCER_EPOCH;
        if (error == ErrorCode::CONCURRENT_TRANSACTIONS || error == ErrorCode::COORDINATOR_NOT_AVAILABLE ||
            error == ErrorCode::NOT_COORDINATOR || error == ErrorCode::COORDINATOR_LOAD_IN_PROGRESS ||
            error == ErrorCode::NETWORK_EXCEPTION) {
            error = ErrorCode::NOT_ENOUGH_REPLICAS;
        }
        if (error != ErrorCode::NONE) {
            sim().record_state(id(), sim::StateChange("broker.verification_failed")
                                         .with("pid", held.request.partitions.front().batch.producer_id)
                                         .with("error", error_name(error)));
        }
        finish_produce(held, partitions, error);
    };
    const std::string& txn_id = *held.request.transactional_id;
    const std::int32_t coordinator = coordinator_broker(txn_id);
    if (coordinator == broker_id_) {
        after(0, [this, verify, on_answer, txn_id] {
            TransactionCoordinator* local = memory_.coordinators.transaction_coordinator(txn_id);
            if (local == nullptr) {
                const MessageBody refused = AddPartitionsToTxnResponse{ErrorCode::NOT_COORDINATOR, verify.partitions};
                on_answer(&refused);
                return;
            }
            local->handle_add_partitions(verify, [on_answer](MessageBody body) { on_answer(&body); });
        });
        return;
    }
    if (coordinator == kNoLeader) {
        after(0, [on_answer] { on_answer(nullptr); });
        return;
    }
    send_to_broker(coordinator, verify, on_answer);
}

}  // namespace eosim::kafka
