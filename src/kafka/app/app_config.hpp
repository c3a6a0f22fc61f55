#pragma once
// What the applications do (workloads) and the external sink's config, apart from the
// applications so that what configures a run (the scenario) does not include them.
#include <cstdint>
#include <string>
#include <vector>

#include "kafka/protocol/record_batch.hpp"
#include "sim/time.hpp"

namespace eosim::kafka {

enum class DeliveryMode { at_most_once, at_least_once };

struct ConsumerWorkload {
    std::string group_id;
    // assign mode: the partitions read; subscribe mode: every partition of the topic (what the
    // group as a whole must commit before the run is quiet).
    std::vector<TopicPartition> assignment;
    bool subscribe = false;  // group-managed partitions (subscribe()) instead of assign()
    DeliveryMode mode = DeliveryMode::at_least_once;
    sim::TimeUs processing_us = 100;  // per record
    sim::TimeUs start_us = 0;         // a late reader starts consuming then
    std::string sink;                 // external sink node called with each record, "" for none
    sim::TimeUs sink_timeout_us = sim::ms(30000);
    // After a fatal consumer error (FENCED_INSTANCE_ID) start a new consumer, as a supervisor
    // would (Kafka Streams' REPLACE_THREAD); else the application stops.
    bool restart_when_fenced = false;
    // While polling, the application commits its positions again this often even when nothing
    // new was consumed, as a poll loop's commitSync() or enable.auto.commit does
    // (auto.commit.interval.ms). It repairs a commit that a crashed predecessor's late
    // OffsetCommit overwrote (an assign() commit is not fenced). 0: never.
    sim::TimeUs commit_interval_us = sim::ms(5000);
};

struct ProducerWorkload {
    std::string topic;
    std::uint64_t first_value = 0;
    std::int64_t messages = 100;
    sim::TimeUs start_us = 0;
    sim::TimeUs interval_us = 1000;
    std::int64_t keys = 16;
    std::int32_t value_bytes = 100;
    std::int64_t transaction_records = 10;  // with a transactional.id: values per transaction
    std::int64_t abort_every = 0;           // N > 0: every N-th transaction is aborted on purpose
    // The application thread's time in KafkaProducer.send() per record (serialisation,
    // partitioning, the accumulator append): sends are at least this far apart (cluster.cost).
    std::int64_t send_ns = 0;
};

enum class ProcessingMode { at_most_once, at_least_once, exactly_once };

struct ProcessorWorkload {
    std::string group_id;
    std::vector<TopicPartition> assignment;  // subscribe: every input partition (see ConsumerWorkload)
    bool subscribe = false;
    std::string output_topic;
    ProcessingMode mode = ProcessingMode::exactly_once;
    sim::TimeUs start_us = 0;
    sim::TimeUs processing_us = 100;  // per record, after the external call
    std::uint64_t first_output_value = 0;
    std::string sink;  // external sink node name, "" for none
    sim::TimeUs sink_timeout_us = sim::ms(30000);
    bool rewind_after_abort = true;     // false reproduces KAFKA-17582's skipped records
    bool offsets_in_transaction = true; // knock-out: commit offsets outside the transaction
    std::int64_t abort_every = 0;       // N > 0: every N-th transaction is aborted on purpose
    bool restart_when_fenced = true;    // a fenced processor starts over (else it stops)
    // Each output goes to the input's partition number (TransactionalMessageCopier's
    // producerRecordFromConsumerRecord) instead of key mod output partitions.
    bool output_to_input_partition = false;
    // Without transactions, as ConsumerWorkload::commit_interval_us: while waiting for records
    // the application commits its positions again this often. 0: never. Unused under
    // exactly_once, whose offsets are committed only inside transactions.
    sim::TimeUs commit_interval_us = sim::ms(5000);
};

struct SinkConfig {
    sim::TimeUs latency_us = 1000;  // time to apply one write
    bool idempotent = false;        // deduplicate by key
};

}  // namespace eosim::kafka
