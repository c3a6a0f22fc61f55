#pragma once
// A broker: partition leader (one replica for now), producer-id allocator and group coordinator
// for committed offsets. One handler per request type, with Kafka's error names.
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "kafka/cluster_layout.hpp"
#include "kafka/messages.hpp"
#include "kafka/partition_log.hpp"
#include "kafka/producer_state.hpp"
#include "sim/node.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

// Knock-out switches for experiments: each disables one mechanism. Off by default and always
// reported by the run.
struct BrokerKnockouts {
    bool disable_idempotent_dedup = false;  // skip the duplicate check: retries append again
};

// What survives a broker crash (every append is treated as flushed for now).
struct BrokerStorage {
    std::map<TopicPartition, PartitionLog> logs;
    std::map<std::string, std::map<TopicPartition, std::int64_t>> group_offsets;
    std::int64_t producer_ids_allocated = 0;
};

class Broker final : public sim::Node {
public:
    Broker(std::string name, std::int32_t broker_id, std::shared_ptr<const ClusterLayout> layout,
           BrokerKnockouts knockouts);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_crash() override;

    const BrokerStorage& storage() const { return storage_; }
    std::int32_t broker_id() const { return broker_id_; }
    static constexpr std::int64_t kProducerIdBlock = 1'000'000;

private:
    struct ParkedFetch {
        sim::ConnectionId connection = 0;
        std::int32_t correlation_id = 0;
        FetchRequest request;
        sim::TimerId timer = 0;
    };

    void handle_init_producer_id(const sim::Envelope& env, std::int32_t correlation,
                                 const InitProducerIdRequest& request);
    void handle_produce(const sim::Envelope& env, std::int32_t correlation,
                        const ProduceRequest& request);
    void handle_fetch(const sim::Envelope& env, std::int32_t correlation,
                      const FetchRequest& request);
    void handle_list_offsets(const sim::Envelope& env, std::int32_t correlation,
                             const ListOffsetsRequest& request);
    void handle_offset_commit(const sim::Envelope& env, std::int32_t correlation,
                              const OffsetCommitRequest& request);
    void handle_offset_fetch(const sim::Envelope& env, std::int32_t correlation,
                             const OffsetFetchRequest& request);

    ProduceResponse::PartitionResponse append_to_partition(const TopicPartition& partition,
                                                           const RecordBatch& batch);
    bool leads(const TopicPartition& partition) const;
    bool coordinates(const std::string& group_id) const;
    FetchResponse read_fetch(const FetchRequest& request) const;
    void complete_parked_fetches(const TopicPartition& appended);
    void reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body);
    void rebuild_producer_state();

    std::int32_t broker_id_;
    std::shared_ptr<const ClusterLayout> layout_;
    BrokerKnockouts knockouts_;
    BrokerStorage storage_;  // persisted
    // Volatile: rebuilt from the log on start, as Kafka does from snapshots plus replay.
    std::map<TopicPartition, ProducerStateTable> producer_states_;
    std::map<std::uint64_t, ParkedFetch> parked_fetches_;  // by timer tag
    std::uint64_t next_parked_tag_ = 0;
};

}  // namespace eosim::kafka
