#include "kafka/consumer_client.hpp"

#include <cassert>

#include "sim/simulation.hpp"

namespace eosim::kafka {

ConsumerClient::ConsumerClient(sim::Simulation& sim, sim::NodeId host,
                               std::shared_ptr<const ClusterLayout> layout,
                               ConsumerConfig config, std::string group_id,
                               std::vector<TopicPartition> assignment,
                               ConsumerListener& listener, std::uint64_t timer_tag)
    : sim_(sim),
      host_(host),
      layout_(std::move(layout)),
      config_(config),
      group_id_(std::move(group_id)),
      assignment_(std::move(assignment)),
      listener_(listener),
      wakeup_(sim, host, timer_tag) {}

void ConsumerClient::start() {
    started_ = true;
    poll();
}

std::vector<ConsumedRecord> ConsumerClient::take_records() {
    std::vector<ConsumedRecord> records;
    while (!buffer_.empty() && records.size() < static_cast<std::size_t>(config_.max_poll_records)) {
        records.push_back(buffer_.front());
        buffer_.pop_front();
        positions_[records.back().partition] = records.back().offset + 1;
    }
    poll();  // an emptied buffer means the next fetch can go out
    return records;
}

void ConsumerClient::commit(std::map<TopicPartition, std::int64_t> offsets) {
    assert(!pending_commit_.has_value());
    pending_commit_ = std::move(offsets);
    commit_sent_ = false;
    poll();
}

void ConsumerClient::on_timer() {
    wakeup_.fired();
    poll();
}

void ConsumerClient::poll() {
    if (!started_) return;
    const sim::TimeUs now = sim_.now();
    expire_requests(now);
    if (now >= retry_after_us_) {
        if (!committed_known_) {
            send_offset_fetch();
        } else {
            send_list_offsets();
            send_fetches();
        }
        send_commit();
    }
    schedule_wakeup();
}

void ConsumerClient::expire_requests(sim::TimeUs now) {
    for (auto& [broker, ch] : channels_) {
        bool timed_out = false;
        for (const auto& [correlation, pending] : ch.in_flight) {
            timed_out = timed_out || pending.deadline_us <= now;
        }
        if (!timed_out) continue;
        sim_.close(host_, ch.connection);
        fail_channel(broker, ErrorCode::REQUEST_TIMED_OUT);
    }
}

bool ConsumerClient::in_flight(RequestKind kind) const {
    for (const auto& [broker, ch] : channels_) {
        if (in_flight_to(broker, kind)) return true;
    }
    return false;
}

bool ConsumerClient::in_flight_to(std::int32_t broker, RequestKind kind) const {
    const auto found = channels_.find(broker);
    if (found == channels_.end()) return false;
    for (const auto& [correlation, pending] : found->second.in_flight) {
        if (pending.kind == kind) return true;
    }
    return false;
}

void ConsumerClient::send(std::int32_t broker, RequestKind kind, MessageBody body) {
    Channel& ch = channels_[broker];
    if (!ch.open) {
        ch.connection = sim_.connect(host_, layout_->broker_nodes.at(broker));
        ch.open = true;
    }
    const std::int32_t correlation = next_correlation_++;
    // A long poll may legitimately wait fetch.max.wait.ms before answering.
    const sim::TimeUs wait_us = kind == RequestKind::fetch ? sim::ms(config_.fetch_max_wait_ms) : 0;
    ch.in_flight.emplace(correlation,
                         Pending{kind, sim_.now() + wait_us + sim::ms(config_.request_timeout_ms)});
    sim_.send(host_, ch.connection, std::make_unique<KafkaMessage>(correlation, std::move(body)));
}

void ConsumerClient::send_offset_fetch() {
    if (in_flight(RequestKind::offset_fetch)) return;
    send(coordinator(), RequestKind::offset_fetch, OffsetFetchRequest{group_id_, assignment_});
}

void ConsumerClient::send_list_offsets() {
    if (in_flight(RequestKind::list_offsets)) return;
    std::map<std::int32_t, ListOffsetsRequest> by_leader;
    for (const TopicPartition& tp : assignment_) {
        if (positions_.count(tp) == 0) by_leader[layout_->leader_of(tp)].partitions.push_back(tp);
    }
    for (auto& [broker, request] : by_leader) {
        send(broker, RequestKind::list_offsets, std::move(request));
    }
}

void ConsumerClient::send_fetches() {
    if (!buffer_.empty()) return;  // fetch again once the application drained the buffer
    std::map<std::int32_t, FetchRequest> by_leader;
    for (const TopicPartition& tp : assignment_) {
        const auto position = positions_.find(tp);
        if (position == positions_.end()) continue;
        const std::int32_t leader = layout_->leader_of(tp);
        if (in_flight_to(leader, RequestKind::fetch)) continue;
        FetchRequest& request = by_leader[leader];
        request.max_wait_ms = config_.fetch_max_wait_ms;
        request.max_records = config_.max_poll_records;
        request.partitions.push_back({tp, position->second});
    }
    for (auto& [broker, request] : by_leader) send(broker, RequestKind::fetch, std::move(request));
}

void ConsumerClient::send_commit() {
    if (!pending_commit_.has_value() || commit_sent_) return;
    OffsetCommitRequest request{group_id_, -1, {}};
    for (const auto& [tp, offset] : *pending_commit_) request.partitions.push_back({tp, offset});
    commit_sent_ = true;
    send(coordinator(), RequestKind::offset_commit, std::move(request));
}

void ConsumerClient::request_failed(RequestKind kind, ErrorCode error) {
    retry_after_us_ = sim_.now() + sim::ms(config_.retry_backoff_ms);
    if (kind == RequestKind::offset_commit) {
        commit_sent_ = false;  // commitSync retries retriable errors
        (void)error;
    }
}

void ConsumerClient::fail_channel(std::int32_t broker, ErrorCode error) {
    Channel& ch = channels_[broker];
    ch.open = false;
    std::map<std::int32_t, Pending> failed = std::move(ch.in_flight);
    ch.in_flight.clear();
    for (const auto& [correlation, pending] : failed) request_failed(pending.kind, error);
}

void ConsumerClient::on_connection_closed(sim::ConnectionId connection) {
    for (auto& [broker, ch] : channels_) {
        if (ch.open && ch.connection == connection) {
            fail_channel(broker, ErrorCode::NETWORK_EXCEPTION);
            break;
        }
    }
    poll();
}

void ConsumerClient::on_message(const sim::Envelope& envelope) {
    const auto& message = static_cast<const KafkaMessage&>(*envelope.payload);
    for (auto& [broker, ch] : channels_) {
        if (!ch.open || ch.connection != envelope.connection) continue;
        if (ch.in_flight.erase(message.correlation_id) == 0) return;
        std::visit(
            [&](const auto& body) {
                using T = std::decay_t<decltype(body)>;
                if constexpr (std::is_same_v<T, OffsetFetchResponse> ||
                              std::is_same_v<T, ListOffsetsResponse> ||
                              std::is_same_v<T, FetchResponse> ||
                              std::is_same_v<T, OffsetCommitResponse>) {
                    handle(body);
                }
            },
            message.body);
        break;
    }
    poll();
}

void ConsumerClient::handle(const OffsetFetchResponse& response) {
    if (response.error != ErrorCode::NONE) {
        request_failed(RequestKind::offset_fetch, response.error);
        return;
    }
    committed_known_ = true;
    for (const auto& p : response.partitions) {
        if (p.committed_offset >= 0) {
            positions_[p.partition] = p.committed_offset;
        } else if (config_.auto_offset_reset == OffsetReset::earliest) {
            positions_[p.partition] = 0;  // log start offset (no retention in the model)
        }
        // latest: left absent, resolved by ListOffsets.
    }
}

void ConsumerClient::handle(const ListOffsetsResponse& response) {
    for (const auto& p : response.partitions) {
        if (p.error != ErrorCode::NONE) {
            request_failed(RequestKind::list_offsets, p.error);
            continue;
        }
        if (positions_.count(p.partition) == 0) positions_[p.partition] = p.offset;
    }
}

void ConsumerClient::handle(const FetchResponse& response) {
    bool added = false;
    for (const auto& p : response.partitions) {
        if (p.error != ErrorCode::NONE) {
            request_failed(RequestKind::fetch, p.error);
            continue;
        }
        const std::int64_t position = positions_.at(p.partition);
        for (const LogBatch& stored : p.batches) {
            for (std::int32_t i = 0; i < stored.batch.record_count(); ++i) {
                const std::int64_t offset = stored.base_offset + i;
                if (offset < position) continue;  // whole batches come back; skip consumed ones
                buffer_.push_back(ConsumedRecord{p.partition, offset, stored.batch.records[i]});
                added = true;
            }
        }
    }
    if (added) listener_.on_records_available();
}

void ConsumerClient::handle(const OffsetCommitResponse& response) {
    ErrorCode error = ErrorCode::NONE;
    for (const auto& p : response.partitions) {
        if (p.error != ErrorCode::NONE) error = p.error;
    }
    if (error != ErrorCode::NONE && is_retriable(error)) {
        request_failed(RequestKind::offset_commit, error);
        return;
    }
    pending_commit_.reset();
    commit_sent_ = false;
    listener_.on_commit_complete(error);
}

void ConsumerClient::schedule_wakeup() {
    const sim::TimeUs now = sim_.now();
    sim::TimeUs deadline = sim::kNever;
    if (retry_after_us_ > now) deadline = retry_after_us_;
    for (const auto& [broker, ch] : channels_) {
        for (const auto& [correlation, pending] : ch.in_flight) {
            if (pending.deadline_us > now && pending.deadline_us < deadline) deadline = pending.deadline_us;
        }
    }
    wakeup_.wake_at(deadline);
}

}  // namespace eosim::kafka
