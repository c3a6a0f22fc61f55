// Scenario parts for pipelines: external sinks and consume-transform-produce processors.
#include <fmt/format.h>

#include <limits>

#include "scenario/loader_internal.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/scenario.hpp"

namespace eosim::scenario {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::uint64_t kOutputValueBlock = 1'000'000'000;

kafka::ProcessingMode parse_mode(ObjectReader& p) {
    const std::string mode = p.choice("delivery", {"exactly_once", "at_least_once", "at_most_once"}, "exactly_once");
    if (mode == "at_least_once") return kafka::ProcessingMode::at_least_once;
    if (mode == "at_most_once") return kafka::ProcessingMode::at_most_once;
    return kafka::ProcessingMode::exactly_once;
}

void parse_processor_clients(ObjectReader& p, ProcessorSpec& spec, Scenario& s) {
    std::optional<ObjectReader> consumer = p.object("consumer");
    const bool isolation_given = consumer && consumer->has("isolation.level");
    spec.consumer = parse_consumer_config(std::move(consumer));
    spec.producer = parse_producer_config(p.object("producer"));
    spec.producer.transaction_version_2 = s.broker.transactions.transaction_version_2;
    if (spec.workload.mode == kafka::ProcessingMode::exactly_once) {
        if (!spec.producer.transactional_id) spec.producer.transactional_id = spec.name;
        if (!isolation_given) {
            // Exactly-once processing reads its input read_committed by default (as Kafka
            // Streams does); a plain KafkaConsumer uses what it is given, so an explicit
            // read_uncommitted is kept, and said.
            spec.consumer.isolation = kafka::Isolation::read_committed;
        } else if (spec.consumer.isolation == kafka::Isolation::read_uncommitted) {
            s.config_notes.push_back(spec.name + ": isolation.level read_uncommitted with exactly_once delivery: "
                                     "records of aborted input transactions are processed");
        }
    } else if (spec.producer.transactional_id) {
        p.fail("producer", "transactional.id is only used with \"delivery\": \"exactly_once\"");
    }
    const std::string error = kafka::resolve_producer_config(spec.producer, s.config_notes);
    if (!error.empty()) p.fail("producer", "invalid producer config: " + error);
}

}  // namespace

void parse_sinks(ObjectReader& root, Scenario& s) {
    for (ObjectReader& k : root.objects("sinks")) {
        SinkSpec spec;
        spec.name = k.required_string("name");
        spec.config.latency_us = k.integer("latency_us", 0, kHourMs * 1000, spec.config.latency_us);
        spec.config.idempotent = k.boolean("idempotent", false);
        k.finish();
        s.sinks.push_back(spec);
    }
}

void parse_processors(ObjectReader& root, Scenario& s) {
    std::uint64_t block = 1;
    for (ObjectReader& p : root.objects("processors")) {
        ProcessorSpec spec;
        spec.name = p.required_string("name");
        spec.workload.group_id = p.required_string("group");
        spec.input_topic = p.required_string("input");
        require_topic(p, "input", s, spec.input_topic);
        spec.workload.output_topic = p.required_string("output");
        require_topic(p, "output", s, spec.workload.output_topic);
        spec.workload.mode = parse_mode(p);
        spec.workload.start_us = sim::ms(p.integer("start_ms", 0, kHourMs, 0));
        spec.workload.processing_us = p.integer("processing_us", 0, kHourMs * 1000, 100);
        for (const std::int64_t part : p.integers("partitions", 0, partitions_of(s, spec.input_topic) - 1)) {
            spec.partitions.push_back(static_cast<std::int32_t>(part));
        }
        if (p.has("partitions") && spec.partitions.empty()) {
            p.fail("partitions", "expected at least one partition (leave \"partitions\" out to read them all)");
        }
        spec.workload.subscribe = parse_subscribe(p, !spec.partitions.empty());
        spec.workload.sink = p.string("sink", "");
        bool sink_known = spec.workload.sink.empty();
        for (const SinkSpec& sink : s.sinks) sink_known = sink_known || sink.name == spec.workload.sink;
        if (!sink_known) p.fail("sink", "unknown sink \"" + spec.workload.sink + "\"");
        spec.workload.sink_timeout_us = sim::ms(p.integer("sink_timeout_ms", 1, kHourMs, 30000));
        spec.workload.rewind_after_abort = p.boolean("rewind_after_abort", true);
        spec.workload.abort_every = p.integer("abort_every", 0, 1'000'000, 0);
        spec.workload.restart_when_fenced = p.boolean("restart_when_fenced", true);
        spec.workload.commit_interval_us = sim::ms(p.integer("commit_interval_ms", 0, kHourMs, 5000));
        if (p.has("commit_interval_ms") && spec.workload.mode == kafka::ProcessingMode::exactly_once) {
            p.fail("commit_interval_ms", "only an at_least_once or at_most_once processor commits offsets outside "
                                         "transactions");
        }
        spec.workload.output_to_input_partition = p.choice("output_partition", {"key", "input"}, "key") == "input";
        if (spec.workload.output_to_input_partition &&
            partitions_of(s, spec.workload.output_topic) < partitions_of(s, spec.input_topic)) {
            p.fail("output_partition", "\"input\" needs at least as many output partitions as input partitions");
        }
        spec.workload.first_output_value = kOutputValueBlock * block++;
        parse_processor_clients(p, spec, s);
        p.finish();
        s.processors.push_back(std::move(spec));
    }
}

}  // namespace eosim::scenario
