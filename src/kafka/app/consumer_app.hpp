#pragma once
// A consumer application: polls through a ConsumerClient and hands each record to its sink
// (recorded as a delivery) after processing_time. Its delivery mode decides when offsets are
// committed: before processing (at-most-once) or after (at-least-once).
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "history/recorder.hpp"
#include "kafka/app/app_config.hpp"
#include "kafka/client/consumer_client.hpp"
#include "sim/node.hpp"

namespace eosim::kafka {

class ConsumerApp final : public sim::Node, private ConsumerListener {
public:
    ConsumerApp(std::string name, std::shared_ptr<const ClusterLayout> layout,
                ConsumerConfig config, ConsumerWorkload workload, history::Recorder& recorder);

    void on_start() override;
    void on_message(const sim::Envelope& envelope) override;
    void on_timer(std::uint64_t tag) override;
    void on_connection_closed(sim::ConnectionId connection) override;
    void on_crash() override;

    // Waiting for records with nothing buffered, processing or committing.
    bool idle() const;
    const ConsumerWorkload& workload() const { return workload_; }

private:
    enum class Phase { waiting_to_start, polling, committing_before, processing, calling_sink, committing_after };

    void on_records_available() override;
    void on_commit_complete(ErrorCode error) override;
    void start_client();
    bool polling() const override { return phase_ == Phase::polling; }
    void on_partitions_revoked(const std::vector<TopicPartition>& partitions) override;
    void on_partitions_assigned(const std::vector<TopicPartition>& partitions) override;
    void on_consumer_fatal(ErrorCode error) override;
    void replace_client();
    void record_assignment(const std::vector<TopicPartition>& partitions);
    void begin_batch();
    void process_next();
    void call_sink();
    void after_record();
    void commit();
    void commit_again();
    std::vector<history::Element> commit_elements() const;

    std::shared_ptr<const ClusterLayout> layout_;
    ConsumerConfig config_;
    ConsumerWorkload workload_;
    history::Recorder& recorder_;
    std::uint32_t group_ = 0;
    std::uint32_t incarnation_ = 0;
    std::uint32_t process_ = 0;
    std::unique_ptr<ConsumerClient> client_;
    Phase phase_ = Phase::waiting_to_start;
    std::vector<ConsumedRecord> batch_;
    std::size_t next_record_ = 0;
    std::map<TopicPartition, std::int64_t> batch_commit_;
    std::map<TopicPartition, std::int64_t> last_committed_;  // what this process committed last
    sim::ConnectionId sink_connection_ = 0;
    bool sink_connected_ = false;
    std::int32_t sink_request_ = 0;
    sim::TimerId sink_timer_ = 0;
    bool replacing_client_ = false;  // a fatal client is replaced once the batch is over
};

}  // namespace eosim::kafka
