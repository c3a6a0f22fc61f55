#pragma once
// A consume-transform-produce processor: reads input records, optionally calls an external sink
// for each, writes one derived output record per input, and commits its input offsets, either
// around the processing (at-most-once / at-least-once) or inside a transaction together with the
// outputs (exactly-once: Kafka's transactions with sendOffsetsToTransaction).
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "history/recorder.hpp"
#include "kafka/app/app_config.hpp"
#include "kafka/protocol/cluster_layout.hpp"
#include "kafka/client/consumer_client.hpp"
#include "kafka/client/producer_client.hpp"
#include "sim/prng.hpp"
#include "sim/node.hpp"

namespace eosim::kafka {

class ProcessorApp final : public sim::Node,
                           private ConsumerListener,
                           private SendListener,
                           private TransactionListener {
public:
    ProcessorApp(std::string name, std::shared_ptr<const ClusterLayout> layout,
                 ConsumerConfig consumer_config, ProducerConfig producer_config,
                 ProcessorWorkload workload, history::Recorder& recorder);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_connection_closed(sim::ConnectionId connection) override;
    void on_crash() override;
    // A clean stop, as TransactionalMessageCopier's shutdown hook does: KafkaProducer.close()
    // lets a commit under way finish and aborts an open transaction (Sender.run on close), then
    // the consumer closes (a static member sends no LeaveGroup) and the process exits.
    void on_shutdown() override;

    bool idle() const;
    bool stopped() const { return phase_ == Phase::stopped; }
    const ProcessorWorkload& workload() const { return workload_; }

private:
    // Timer tags.
    static constexpr std::uint64_t kConsumerTimer = 1;
    static constexpr std::uint64_t kProducerTimer = 2;
    static constexpr std::uint64_t kStepTimer = 3;
    static constexpr std::uint64_t kStartTimer = 4;
    static constexpr std::uint64_t kSinkTimeout = 5;
    static constexpr std::uint64_t kCommitAgainTimer = 6;

    enum class Phase {
        waiting_to_start,
        initializing,
        idle,
        committing_before,  // at-most-once: offsets first
        processing,
        calling_sink,
        flushing,           // at-least-once: waiting for every output to be acknowledged
        committing_after,   // at-least-once: offsets after the outputs
        sending_offsets,
        committing_txn,
        aborting_txn,
        stopped,
    };
    struct Output {
        std::uint64_t value = 0;
        TopicPartition partition;
        std::uint64_t source = 0;
        std::optional<SendOutcome> outcome;
        std::int64_t acked_us = history::kNoTime;  // when its produce request was acknowledged
    };

    void start_clients();
    void on_records_available() override;
    void on_commit_complete(ErrorCode error) override;
    bool polling() const override { return phase_ == Phase::idle; }
    void on_partitions_revoked(const std::vector<TopicPartition>& partitions) override;
    void on_partitions_assigned(const std::vector<TopicPartition>& partitions) override;
    void on_consumer_fatal(ErrorCode error) override;
    void record_assignment(const std::vector<TopicPartition>& partitions);
    void stop();
    void on_send_complete(std::uint64_t value, const TopicPartition& partition,
                          const SendOutcome& outcome) override;
    void on_transaction_result(TxnOperation operation, ErrorCode error, bool fatal) override;

    void begin_batch();
    void record_input_poll();
    void process_current();
    void emit_output();
    void finish_batch();
    void commit_or_abort();
    void end_transaction_in_history(history::OpType type, std::string_view error);
    void after_batch();
    void maybe_finish_flush();
    void on_fenced();
    void exit_if_shutting_down();
    void abort_for_shutdown();
    void close_and_exit();
    void commit_offsets_outside();
    void commit_again();
    std::vector<history::Element> offsets_elements() const;
    history::Element output_element(const Output& output) const;
    bool transactional() const { return workload_.mode == ProcessingMode::exactly_once; }

    std::shared_ptr<const ClusterLayout> layout_;
    ConsumerConfig consumer_config_;
    ProducerConfig producer_config_;
    ProcessorWorkload workload_;
    history::Recorder& recorder_;
    std::uint32_t group_ = 0;
    std::uint32_t incarnation_ = 0;
    std::uint32_t process_ = 0;
    std::uint64_t next_output_ = 0;     // persisted: output values stay unique across restarts
    std::int64_t transactions_ = 0;     // persisted count, for abort_every
    std::unique_ptr<ConsumerClient> consumer_;
    std::unique_ptr<ProducerClient> producer_;
    std::unique_ptr<ConsumerClient> retired_consumer_;  // fenced clients, kept until safe to free
    std::unique_ptr<ProducerClient> retired_producer_;
    Phase phase_ = Phase::waiting_to_start;
    std::vector<ConsumedRecord> batch_;
    std::size_t next_record_ = 0;
    std::map<TopicPartition, std::int64_t> batch_offsets_;
    std::vector<Output> outputs_;  // of the current batch / transaction
    bool txn_recorded_ = false;    // the txn op was invoked in the history
    bool rejoin_after_abort_ = false;  // the group fenced this member: join again after the abort
    bool stop_after_abort_ = false;    // FENCED_INSTANCE_ID: another instance took our group.instance.id
    GroupMetadata batch_group_;        // consumer.groupMetadata() when the batch was polled
    bool shutting_down_ = false;
    sim::ConnectionId sink_connection_ = 0;
    bool sink_connected_ = false;
    std::int32_t sink_request_ = 0;
    sim::TimerId sink_timer_ = 0;
    // Starts that ended in a fatal error before initTransactions succeeded: the next start backs
    // off exponentially (retry.backoff.ms .. retry.backoff.max.ms, KIP-580) instead of looping.
    std::int64_t failed_starts_ = 0;
    bool initialised_ = false;
    sim::Prng restart_prng_{0};
};

}  // namespace eosim::kafka
