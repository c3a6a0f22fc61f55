#pragma once
// A producer application: sends a fixed workload of uniquely numbered values through a
// ProducerClient and records each send in the history. Its position in the workload is
// persisted (like a source file offset), so a restarted producer continues where it was and does
// not resend the values that were in flight when it died (those end indeterminate).
// With a transactional.id it runs transactions (producer_app_transactions.cpp): begin, send
// transaction_records values, commit (every abort_every-th one is aborted on purpose); the
// history records each transaction, and its values complete when it ends.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "base/u64_map.hpp"
#include "history/recorder.hpp"
#include "kafka/app/app_config.hpp"
#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/client/producer_client.hpp"
#include "sim/node.hpp"
#include "sim/prng.hpp"

namespace eosim::kafka {

class ProducerApp final : public sim::Node, private SendListener, private TransactionListener {
public:
    ProducerApp(std::string name, std::shared_ptr<const ClusterLayout> layout,
                ProducerConfig config, ProducerWorkload workload, history::Recorder& recorder);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_connection_closed(sim::ConnectionId connection) override;
    void on_crash() override;
    // KafkaProducer.close(): no new sends; pending sends complete (close() flushes) and an open
    // transaction is aborted (Sender.run on close), then the process exits.
    void on_shutdown() override;

    // Every value has been handed to the client and has completed.
    bool done() const;
    const ProducerClient* client() const { return client_.get(); }

private:
    void on_send_complete(std::uint64_t value, const TopicPartition& partition,
                          const SendOutcome& outcome) override;
    void send_next();
    void hand_to_client(std::uint64_t value, std::int64_t key, const TopicPartition& partition, std::uint32_t history_key);
    // buffer.memory (producer_app_buffer.cpp): send() blocks while the client's buffer is full,
    // for at most max.block.ms, then fails.
    void block_send(std::uint64_t value, std::int64_t key, const TopicPartition& partition, std::uint32_t history_key);
    void maybe_unblock_send();
    void unblock_if_room();
    void fail_blocked_send();
    std::string record_too_large() const;
    void fail_send_at_once(std::uint64_t value, std::uint32_t history_key, const std::string& error);
    std::int32_t record_bytes() const;
    static constexpr std::uint64_t kSendTimer = 2;  // 1 and 3: the client and the restart
    static constexpr std::uint64_t kUnblockTimer = 4;
    static constexpr std::uint64_t kBlockDeadlineTimer = 5;
    sim::TimeUs next_send_delay_us();
    TopicPartition partition_for(std::int64_t key) const;

    // Transactions (producer_app_transactions.cpp).
    enum class TxnPhase : std::uint8_t { none, initializing, in_transaction, committing, aborting, restarting };
    bool transactional() const { return config_.transactional_id.has_value(); }
    void start_transactional_client();
    void on_transaction_result(TxnOperation operation, ErrorCode error, bool fatal) override;
    bool transaction_ready_for_send();
    void after_transactional_send(const history::Element& element);
    void begin_next_transaction();
    void end_current_transaction();
    void finish_transaction_in_history(history::OpType type, std::string_view error);
    void restart_after_fatal_error();
    void exit_once();
    bool closing_ = false;
    bool exit_requested_ = false;

    std::shared_ptr<const ClusterLayout> layout_;
    ProducerConfig config_;
    ProducerWorkload workload_;
    history::Recorder& recorder_;
    std::int64_t sent_ = 0;  // persisted
    std::int64_t send_cpu_carry_ns_ = 0;  // send time below a microsecond, carried to the next send
    std::uint32_t incarnation_ = 0;
    std::uint32_t process_ = 0;
    std::unique_ptr<ProducerClient> client_;
    std::vector<std::uint32_t> history_keys_;  // by partition number (the topic is fixed)
    struct BlockedSend {
        std::uint64_t value = 0;
        std::int64_t key = 0;
        TopicPartition partition;
        std::uint32_t history_key = 0;
        sim::TimerId deadline_timer = 0;
        bool retry_scheduled = false;
    };
    std::optional<BlockedSend> blocked_;  // the application thread waits in send()
    // Transactions.
    std::unique_ptr<ProducerClient> retired_client_;  // replaced inside its own callback
    TxnPhase txn_phase_ = TxnPhase::none;
    std::vector<history::Element> txn_values_;  // sent in the open transaction
    base::U64Map<std::int64_t> txn_acked_us_;   // value -> when its produce request was acknowledged
    bool txn_recorded_ = false;                 // its txn operation was invoked
    bool send_due_ = false;                     // a send waits for the next transaction
    std::int64_t transactions_ = 0;             // persisted count, for abort_every
    std::int64_t failed_starts_ = 0;            // fatal errors before initTransactions succeeded
    bool initialised_ = false;
    sim::Prng restart_prng_{0};
    std::uint32_t history_key(const TopicPartition& partition);
};

}  // namespace eosim::kafka
