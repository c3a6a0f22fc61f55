#include "kafka/broker/broker.hpp"

#include "kafka/broker/delayed_operations.hpp"

#include <algorithm>
#include <type_traits>
#include <variant>

#include "base/assert.hpp"
#include "sim/simulation.hpp"

namespace eosim::kafka {

Broker::Broker(std::string name, std::int32_t broker_id,
               std::shared_ptr<const ClusterLayout> layout, BrokerConfig config)
    : sim::Node(std::move(name)),
      broker_id_(broker_id),
      layout_(std::move(layout)),
      config_(config),
      memory_(*this) {
    for (const TopicSpec& topic : layout_->topics) {
        for (const TopicPartition& tp : layout_->partitions_of(topic.name)) {
            const std::vector<std::int32_t> replicas = layout_->replicas_of(tp);
            const bool holds = replicated() ? std::find(replicas.begin(), replicas.end(), broker_id_) != replicas.end()
                                            : layout_->leader_of(tp) == broker_id_;
            if (holds) storage_.logs[tp];
        }
    }
    if (replicated()) {
        for (const char* internal : {ClusterLayout::kTransactionState, ClusterLayout::kConsumerOffsets}) {
            for (std::int32_t p = 0; p < layout_->broker_count(); ++p) {
                const TopicPartition tp{internal, p};
                const std::vector<std::int32_t> replicas = layout_->replicas_of(tp);
                if (std::find(replicas.begin(), replicas.end(), broker_id_) != replicas.end()) storage_.logs[tp];
            }
        }
    }
}

void Broker::on_start() {
    // Every stop went through on_crash: the memory is fresh.
    replicas().load_partitions();
    if (!replicated()) memory_.coordinators.load_static();
    schedule_timeout_check();
    ++storage_.incarnation;
    if (replicated()) start_replication();
    storage_.started_before = true;
}

// A crash loses the process's memory, all of it at once; storage_ (the disk) stays.
void Broker::on_crash() { memory_ = BrokerMemory(*this); }

const Partition* Broker::partition(const TopicPartition& tp) const { return replicas().partition(tp); }

std::int32_t Broker::leader_of(const TopicPartition& tp) const { return replicas().leader_of(tp); }

const PartitionRegistration* Broker::registration(const TopicPartition& tp) const {
    return replicas().registration(tp);
}

void Broker::reply(sim::ConnectionId connection, std::int32_t correlation, MessageBody body) {
    sim().send(id(), connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
    unmute(connection, correlation);
}

void Broker::on_message(const sim::Envelope& envelope) {
    const auto& message = static_cast<const KafkaMessage&>(*envelope.payload);
    if (is_request(message.body)) {
        const auto [it, first] = memory_.muted.try_emplace(envelope.connection);
        if (!first) {  // muted: read once the current request's response is sent
            it->second.waiting.emplace_back(envelope, message);
            return;
        }
        it->second.in_progress = message.correlation_id;
        return admit(envelope, message);
    }
    dispatch(envelope, message);
}

sim::TimeUs Broker::service_us(const KafkaMessage& message) const {
    const BrokerCost& cost = config_.cost;
    const std::int64_t appended = std::visit(
        [](const auto& body) -> std::int64_t {
            using Body = std::decay_t<decltype(body)>;
            if constexpr (std::is_same_v<Body, ProduceRequest> || std::is_same_v<Body, WriteTxnMarkersRequest>) {
                return static_cast<std::int64_t>(body.partitions.size());
            }
            return 0;
        },
        message.body);
    return cost.request_us + (cost.byte_ns * message.size_bytes() + 999) / 1000 + cost.append_us * appended;
}

void Broker::admit(const sim::Envelope& envelope, const KafkaMessage& message) {
    if (config_.cost.free()) return dispatch(envelope, message);
    std::vector<sim::TimeUs>& threads = memory_.handler_free_at_us;
    if (threads.empty()) threads.assign(static_cast<std::size_t>(config_.cost.request_handler_threads), 0);
    // The thread that is free first (the lowest index among equals: deterministic).
    const auto thread = std::min_element(threads.begin(), threads.end());
    const sim::TimeUs done_us = std::max(*thread, sim().now()) + service_us(message);
    *thread = done_us;
    after(done_us - sim().now(), [this, envelope, held = message]() mutable {
        sim::Envelope handled = envelope;
        handled.payload = &held;
        dispatch(handled, held);
    });
}

void Broker::unmute(sim::ConnectionId connection, std::int32_t correlation) {
    const auto found = memory_.muted.find(connection);
    if (found == memory_.muted.end() || found->second.in_progress != correlation) return;
    if (found->second.waiting.empty()) {
        memory_.muted.erase(found);
        return;
    }
    // The next request is read in its own event, after the response went out.
    after(0, [this, connection] {
        const auto muted = memory_.muted.find(connection);
        if (muted == memory_.muted.end() || muted->second.waiting.empty()) return;
        auto [envelope, message] = std::move(muted->second.waiting.front());
        muted->second.waiting.pop_front();
        muted->second.in_progress = message.correlation_id;
        envelope.payload = &message;
        admit(envelope, message);
    });
}

void Broker::handle_produce(const sim::Envelope& env, std::int32_t correlation,
                            const ProduceRequest& request) {
    HeldProduce held{env.connection, correlation, request};
    std::vector<TopicPartition> unverified = partitions_to_verify(request);
    if (unverified.empty()) {
        finish_produce(held, {}, ErrorCode::NONE);
        return;
    }
    verify_then_produce(std::move(held), std::move(unverified));
}

void Broker::finish_produce(const HeldProduce& held, const std::vector<TopicPartition>& rejected,
                            ErrorCode rejection) {
    const std::int16_t acks = held.request.acks;
    replicas().append_records(held.request, rejected, rejection,
                              [this, connection = held.connection, correlation = held.correlation, acks](ProduceResponse r) {
                                  // acks=0: no response at all; the connection is unmuted at once.
                                  if (acks == 0) return unmute(connection, correlation);
                                  reply(connection, correlation, std::move(r));
                              });
}

void Broker::handle_fetch(const sim::Envelope& env, std::int32_t correlation,
                          const FetchRequest& request) {
    replicas().fetch_messages(env.connection, correlation, request);
}

void Broker::handle_replica_fetch(const sim::Envelope& env, std::int32_t correlation,
                                  const ReplicaFetchRequest& request) {
    replicas().fetch_for_follower(env.connection, correlation, request);
}

void Broker::on_timer(std::uint64_t tag) {
    const auto action = memory_.actions.find(tag);
    if (action == memory_.actions.end()) return;
    auto run = std::move(action->second.run);
    memory_.actions.erase(action);
    run();
}

void Broker::handle_list_offsets(const sim::Envelope& env, std::int32_t correlation,
                                 const ListOffsetsRequest& request) {
    ListOffsetsResponse response;
    for (const TopicPartition& tp : request.partitions) {
        const Partition* partition = replicas().partition(tp);
        if (partition == nullptr || !replicas().leads(tp)) {
            response.partitions.push_back({tp, ErrorCode::NOT_LEADER_OR_FOLLOWER, -1});
        } else {
            // Partition.fetchOffsetForTimestamp, LATEST_TIMESTAMP: the last stable offset for
            // read_committed, the high watermark for read_uncommitted.
            const std::int64_t latest = request.isolation == Isolation::read_committed
                                            ? partition->last_stable_offset()
                                            : partition->high_watermark();
            response.partitions.push_back({tp, ErrorCode::NONE, latest});
        }
    }
    reply(env.connection, correlation, std::move(response));
}

WriteTxnMarkersResponse Broker::write_txn_markers(const WriteTxnMarkersRequest& request) {
    WriteTxnMarkersResponse response{request.producer_id, {}};
    const ControlType type = request.committed ? ControlType::commit : ControlType::abort;
    for (const TopicPartition& tp : request.partitions) {
        ErrorCode error = ErrorCode::NONE;
        if (!replicas().leads(tp)) {
            error = ErrorCode::NOT_LEADER_OR_FOLLOWER;
        } else if (tp.topic == ClusterLayout::kConsumerOffsets) {
            error = write_group_marker(tp, request.producer_id, request.producer_epoch, request.committed);
        } else {
            PartitionRules marker_rules = replicas().rules();
            marker_rules.strict_marker_epoch = request.strict_epoch;
            error = replicas()
                        .local_partition(tp)
                        .append_marker(request.producer_id, request.producer_epoch,
                                       request.coordinator_epoch, type, marker_rules)
                        .error;
        }
        sim().record_state(id(), sim::StateChange("broker.marker")
                                     .with("partition", tp.str())
                                     .with("pid", request.producer_id)
                                     .with("epoch", request.producer_epoch)
                                     .with("result", request.committed ? "COMMIT" : "ABORT")
                                     .with("error", error_name(error)));
        response.partitions.emplace_back(tp, error);
        if (error == ErrorCode::NONE) replicas().appended_marker(tp);
    }
    return response;
}

// Markers are written with acks=all: the answer waits until they are replicated.
void Broker::write_txn_markers_then(const WriteTxnMarkersRequest& request,
                                    std::function<void(const WriteTxnMarkersResponse&)> done) {
    WriteTxnMarkersResponse response = write_txn_markers(request);
    std::vector<ProducePartitionStatus> waiting;
    for (const auto& [tp, error] : response.partitions) {
        if (error != ErrorCode::NONE || tp.topic == ClusterLayout::kTransactionState || !replicated()) continue;
        waiting.push_back({tp, replicas().local_partition(tp).log().log_end_offset()});
    }
    if (waiting.empty()) {
        done(response);
        return;
    }
    replicas().wait_for_replication(std::move(waiting), config_.request_timeout_ms,
                         [response, done](const std::vector<ProducePartitionStatus>& results) mutable {
                             for (auto& [tp, error] : response.partitions) {
                                 for (const auto& w : results) {
                                     if (w.partition == tp && w.result != ErrorCode::NONE) error = w.result;
                                 }
                             }
                             done(response);
                         });
}

void Broker::handle_write_txn_markers(const sim::Envelope& env, std::int32_t correlation,
                                      const WriteTxnMarkersRequest& request) {
    const sim::ConnectionId connection = env.connection;
    write_txn_markers_then(request, [this, connection, correlation](const WriteTxnMarkersResponse& response) {
        reply(connection, correlation, response);
    });
}

void Broker::schedule_timeout_check() {
    after(sim::ms(config_.transactions.abort_timed_out_interval_ms), [this] {
        memory_.coordinators.abort_timed_out_transactions();
        schedule_timeout_check();
    });
}

// --- TxnCoordinatorHost ---

// The unreplicated log: a durable list, written after log_write_us.
void Broker::append_transaction_record(const TransactionLogRecord& record, std::function<void(ErrorCode)> done) {
    storage_.transaction_log.push_back(record);
    after(config_.transactions.log_write_us, [done = std::move(done)] { done(ErrorCode::NONE); });
}

std::vector<const TransactionCoordinator*> Broker::coordinators() const {
    return memory_.coordinators.transaction_coordinators();
}

std::int32_t Broker::coordinator_broker(const std::string& transactional_id) const {
    return leader_of(layout_->transaction_partition_of(transactional_id));
}

sim::TimeUs Broker::now() const { return sim().now(); }

std::int64_t Broker::allocate_producer_id() {
    const std::int64_t pid = broker_id_ * kProducerIdBlock + storage_.producer_ids_allocated;
    ++storage_.producer_ids_allocated;
    EOSIM_ASSERT(storage_.producer_ids_allocated < kProducerIdBlock);
    return pid;
}

void Broker::after(sim::TimeUs delay_us, std::function<void()> action) { schedule(delay_us, std::move(action)); }

Broker::Handle Broker::schedule(sim::TimeUs delay_us, std::function<void()> action) {
    const Handle tag = next_tag_++;
    const sim::TimerId timer = sim().set_timer(id(), delay_us, tag);
    memory_.actions.emplace(tag, BrokerMemory::Action{timer, std::move(action)});
    return tag;
}

void Broker::cancel(Handle timer) {
    const auto found = memory_.actions.find(timer);
    if (found == memory_.actions.end()) return;  // it ran already
    sim().cancel_timer(found->second.timer);
    memory_.actions.erase(found);
}

void Broker::trace(const sim::Describable& change) { sim().record_state(id(), change); }

void Broker::send_markers(std::int32_t broker, WriteTxnMarkersRequest request,
                          std::function<void(const WriteTxnMarkersResponse*)> on_response) {
    if (broker == broker_id_) {
        // The partition is local: apply it in a separate event, as a request would be.
        after(0, [this, request = std::move(request), on_response = std::move(on_response)] {
            write_txn_markers_then(request, [on_response](const WriteTxnMarkersResponse& response) {
                on_response(&response);
            });
        });
        return;
    }
    if (broker == kNoLeader) {  // offline partition: fail now, the coordinator retries
        after(0, [on_response = std::move(on_response)] { on_response(nullptr); });
        return;
    }
    send_to_broker(broker, std::move(request), [on_response = std::move(on_response)](const MessageBody* body) {
        on_response(body == nullptr ? nullptr : &std::get<WriteTxnMarkersResponse>(*body));
    });
}

void Broker::send_to_broker(std::int32_t broker, MessageBody request, BrokerCallback on_response) {
    EOSIM_ASSERT(broker != broker_id_);
    memory_.inter_broker.send(broker, std::move(request), std::move(on_response));
}

sim::ConnectionId Broker::connect_to(sim::NodeId peer) { return sim().connect(id(), peer); }

void Broker::close_connection(sim::ConnectionId connection) { sim().close(id(), connection); }

void Broker::send_on(sim::ConnectionId connection, std::int32_t correlation, MessageBody request) {
    sim().send(id(), connection, std::make_unique<KafkaMessage>(correlation, std::move(request)));
}

void Broker::handle_broker_response(const sim::Envelope& env, const KafkaMessage& message) {
    memory_.inter_broker.on_response(env.connection, message);
}

void Broker::on_connection_closed(sim::ConnectionId connection) {
    memory_.muted.erase(connection);  // the client went away: its unread requests with it
    memory_.inter_broker.on_connection_closed(connection);
}

}  // namespace eosim::kafka
