#include "kafka/broker.hpp"

#include <cassert>

#include "sim/simulation.hpp"

namespace eosim::kafka {

Broker::Broker(std::string name, std::int32_t broker_id,
               std::shared_ptr<const ClusterLayout> layout, BrokerKnockouts knockouts)
    : sim::Node(std::move(name)),
      broker_id_(broker_id),
      layout_(std::move(layout)),
      knockouts_(knockouts) {
    for (const TopicSpec& topic : layout_->topics) {
        for (const TopicPartition& tp : layout_->partitions_of(topic.name)) {
            if (leads(tp)) storage_.logs[tp];
        }
    }
}

void Broker::on_start() { rebuild_producer_state(); }

void Broker::on_crash() {
    producer_states_.clear();
    parked_fetches_.clear();
}

void Broker::rebuild_producer_state() {
    producer_states_.clear();
    for (const auto& [tp, log] : storage_.logs) {
        ProducerStateTable& table = producer_states_[tp];
        for (const LogBatch& stored : log.batches()) table.replay(stored);
    }
}

bool Broker::leads(const TopicPartition& partition) const {
    const TopicSpec* topic = layout_->find_topic(partition.topic);
    if (topic == nullptr || partition.partition < 0 || partition.partition >= topic->partitions) {
        return false;
    }
    return layout_->leader_of(partition) == broker_id_;
}

bool Broker::coordinates(const std::string& group_id) const {
    return layout_->coordinator_of_group(group_id) == broker_id_;
}

void Broker::reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body) {
    sim().send(id(), connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
}

void Broker::on_message(const sim::Envelope& envelope) {
    const auto& message = static_cast<const KafkaMessage&>(*envelope.payload);
    const std::int32_t correlation = message.correlation_id;
    std::visit(
        [&](const auto& body) {
            using T = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<T, InitProducerIdRequest>) {
                handle_init_producer_id(envelope, correlation, body);
            } else if constexpr (std::is_same_v<T, ProduceRequest>) {
                handle_produce(envelope, correlation, body);
            } else if constexpr (std::is_same_v<T, FetchRequest>) {
                handle_fetch(envelope, correlation, body);
            } else if constexpr (std::is_same_v<T, ListOffsetsRequest>) {
                handle_list_offsets(envelope, correlation, body);
            } else if constexpr (std::is_same_v<T, OffsetCommitRequest>) {
                handle_offset_commit(envelope, correlation, body);
            } else if constexpr (std::is_same_v<T, OffsetFetchRequest>) {
                handle_offset_fetch(envelope, correlation, body);
            } else {
                assert(false && "broker received a response");
            }
        },
        message.body);
}

void Broker::handle_init_producer_id(const sim::Envelope& env, std::int32_t correlation,
                                     const InitProducerIdRequest& request) {
    InitProducerIdResponse response;
    if (request.transactional_id.has_value()) {
        response.error = ErrorCode::NOT_COORDINATOR;  // transactions arrive with a later issue
    } else {
        // Idempotent producer: a fresh id, epoch 0, no log write (TC handleInitProducerId).
        response.producer_id = broker_id_ * kProducerIdBlock + storage_.producer_ids_allocated;
        ++storage_.producer_ids_allocated;
        assert(storage_.producer_ids_allocated < kProducerIdBlock);
        response.producer_epoch = 0;
    }
    reply(env.connection, correlation, response);
}

ProduceResponse::PartitionResponse Broker::append_to_partition(const TopicPartition& partition,
                                                               const RecordBatch& batch) {
    ProduceResponse::PartitionResponse result{partition, ErrorCode::NONE, -1, 0};
    if (!leads(partition)) {
        result.error = layout_->find_topic(partition.topic) == nullptr
                           ? ErrorCode::UNKNOWN_TOPIC_OR_PARTITION
                           : ErrorCode::NOT_LEADER_OR_FOLLOWER;
        return result;
    }
    PartitionLog& log = storage_.logs.at(partition);
    ProducerStateTable& producers = producer_states_[partition];
    if (batch.has_producer_id()) {
        AppendCheck check = producers.check(batch);
        if (knockouts_.disable_idempotent_dedup && check.kind == AppendCheck::Kind::duplicate) {
            check = AppendCheck{};  // knocked out: the retry is appended as new data
        }
        if (check.kind == AppendCheck::Kind::duplicate) {
            sim().record_state(id(), sim::StateChange("broker.duplicate_batch")
                                         .with("partition", partition.str())
                                         .with("pid", batch.producer_id)
                                         .with("seq", batch.base_sequence)
                                         .with("original_offset", check.original.first_offset));
            result.base_offset = check.original.first_offset;
            return result;
        }
        if (check.kind == AppendCheck::Kind::reject) {
            result.error = check.error;
            return result;
        }
    }
    const std::int64_t base_offset = log.append(batch);
    log.set_high_watermark(log.log_end_offset());  // single replica: committed on append
    if (batch.has_producer_id()) producers.on_append(batch, base_offset);
    result.base_offset = base_offset;
    return result;
}

void Broker::handle_produce(const sim::Envelope& env, std::int32_t correlation,
                            const ProduceRequest& request) {
    ProduceResponse response;
    for (const auto& data : request.partitions) {
        response.partitions.push_back(append_to_partition(data.partition, data.batch));
    }
    for (const auto& data : request.partitions) complete_parked_fetches(data.partition);
    if (request.acks == 0) return;  // acks=0: the broker sends no response at all
    reply(env.connection, correlation, std::move(response));
}

FetchResponse Broker::read_fetch(const FetchRequest& request) const {
    FetchResponse response;
    std::int32_t budget = request.max_records;
    for (const auto& wanted : request.partitions) {
        FetchResponse::PartitionData data{wanted.partition, ErrorCode::NONE, 0, {}};
        if (!leads(wanted.partition)) {
            data.error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
        } else {
            const PartitionLog& log = storage_.logs.at(wanted.partition);
            data.high_watermark = log.high_watermark();
            if (budget > 0) {
                // read_uncommitted: up to the high watermark.
                data.batches = log.read(wanted.fetch_offset, log.high_watermark(), budget);
                for (const LogBatch& b : data.batches) budget -= b.batch.record_count();
            }
        }
        response.partitions.push_back(std::move(data));
    }
    return response;
}

void Broker::handle_fetch(const sim::Envelope& env, std::int32_t correlation,
                          const FetchRequest& request) {
    FetchResponse response = read_fetch(request);
    bool has_data = false;
    for (const auto& p : response.partitions) has_data = has_data || !p.batches.empty() ||
                                                         p.error != ErrorCode::NONE;
    if (has_data || request.max_wait_ms <= 0) {
        reply(env.connection, correlation, std::move(response));
        return;
    }
    // DelayedFetch: wait for data up to max_wait_ms (fetch.min.bytes = 1).
    const std::uint64_t tag = next_parked_tag_++;
    const sim::TimerId timer = sim().set_timer(id(), sim::ms(request.max_wait_ms), tag);
    parked_fetches_.emplace(tag, ParkedFetch{env.connection, correlation, request, timer});
}

void Broker::complete_parked_fetches(const TopicPartition& appended) {
    for (auto it = parked_fetches_.begin(); it != parked_fetches_.end();) {
        bool wants = false;
        for (const auto& p : it->second.request.partitions) wants = wants || p.partition == appended;
        if (!wants) {
            ++it;
            continue;
        }
        sim().cancel_timer(it->second.timer);
        reply(it->second.connection, it->second.correlation_id, read_fetch(it->second.request));
        it = parked_fetches_.erase(it);
    }
}

void Broker::on_timer(std::uint64_t tag) {
    const auto found = parked_fetches_.find(tag);
    if (found == parked_fetches_.end()) return;
    reply(found->second.connection, found->second.correlation_id,
          read_fetch(found->second.request));
    parked_fetches_.erase(found);
}

void Broker::handle_list_offsets(const sim::Envelope& env, std::int32_t correlation,
                                 const ListOffsetsRequest& request) {
    ListOffsetsResponse response;
    for (const TopicPartition& tp : request.partitions) {
        if (!leads(tp)) {
            response.partitions.push_back({tp, ErrorCode::NOT_LEADER_OR_FOLLOWER, -1});
        } else {
            response.partitions.push_back({tp, ErrorCode::NONE, storage_.logs.at(tp).high_watermark()});
        }
    }
    reply(env.connection, correlation, std::move(response));
}

void Broker::handle_offset_commit(const sim::Envelope& env, std::int32_t correlation,
                                  const OffsetCommitRequest& request) {
    OffsetCommitResponse response;
    const bool is_coordinator = coordinates(request.group_id);
    for (const auto& p : request.partitions) {
        if (!is_coordinator) {
            response.partitions.push_back({p.partition, ErrorCode::NOT_COORDINATOR});
            continue;
        }
        storage_.group_offsets[request.group_id][p.partition] = p.committed_offset;
        response.partitions.push_back({p.partition, ErrorCode::NONE});
    }
    reply(env.connection, correlation, std::move(response));
}

void Broker::handle_offset_fetch(const sim::Envelope& env, std::int32_t correlation,
                                 const OffsetFetchRequest& request) {
    OffsetFetchResponse response;
    if (!coordinates(request.group_id)) {
        response.error = ErrorCode::NOT_COORDINATOR;
        reply(env.connection, correlation, std::move(response));
        return;
    }
    const auto group = storage_.group_offsets.find(request.group_id);
    for (const TopicPartition& tp : request.partitions) {
        std::int64_t offset = -1;
        if (group != storage_.group_offsets.end()) {
            const auto found = group->second.find(tp);
            if (found != group->second.end()) offset = found->second;
        }
        response.partitions.push_back({tp, offset, ErrorCode::NONE});
    }
    reply(env.connection, correlation, std::move(response));
}

}  // namespace eosim::kafka
