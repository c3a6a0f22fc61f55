#include <fmt/format.h>

#include <limits>
#include <set>

#include "base/input_file.hpp"
#include "base/strict_json.hpp"
#include "scenario/cost_profile.hpp"
#include "scenario/loader_internal.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/scenario.hpp"
#include "sim/prng.hpp"

namespace eosim::scenario {
namespace {

constexpr std::int64_t kInt32Max = std::numeric_limits<std::int32_t>::max();
constexpr std::int64_t kHourMs = 3'600'000;

std::int16_t parse_acks(ObjectReader& config) {
    const nlohmann::json* acks = config.raw("acks");
    if (acks == nullptr) return -1;
    if (acks->is_string()) {
        const auto text = acks->get<std::string>();
        if (text == "all" || text == "-1") return -1;
        if (text == "1") return 1;
        if (text == "0") return 0;
    } else if (acks->is_number_integer()) {
        const auto number = acks->get<std::int64_t>();
        if (number == -1 || number == 0 || number == 1) return static_cast<std::int16_t>(number);
    }
    config.fail("acks", "expected \"all\", \"1\", \"0\" or -1, 0, 1, got " + describe_json_type(*acks));
}

}  // namespace

std::int32_t partitions_of(const Scenario& s, const std::string& topic) {
    for (const auto& t : s.topics) {
        if (t.name == topic) return t.partitions;
    }
    return 0;
}

void require_topic(ObjectReader& reader, const std::string& key, const Scenario& s, const std::string& topic) {
    if (partitions_of(s, topic) == 0) reader.fail(key, "unknown topic \"" + topic + "\"");
}

kafka::ProducerConfig parse_producer_config(std::optional<ObjectReader> config) {
    kafka::ProducerConfig c;
    if (!config) return c;
    c.acks_set = config->has("acks");
    c.acks = parse_acks(*config);
    c.retries_set = config->has("retries");
    c.retries = static_cast<std::int32_t>(config->integer("retries", 0, kInt32Max, c.retries));
    c.request_timeout_ms = static_cast<std::int32_t>(
        config->integer("request.timeout.ms", 1, kInt32Max, c.request_timeout_ms));
    c.delivery_timeout_set = config->has("delivery.timeout.ms");
    c.delivery_timeout_ms = static_cast<std::int32_t>(
        config->integer("delivery.timeout.ms", 1, kInt32Max, c.delivery_timeout_ms));
    c.max_in_flight_set = config->has("max.in.flight.requests.per.connection");
    c.max_in_flight_requests_per_connection = static_cast<std::int32_t>(config->integer(
        "max.in.flight.requests.per.connection", 1, kInt32Max, c.max_in_flight_requests_per_connection));
    c.linger_ms = static_cast<std::int32_t>(config->integer("linger.ms", 0, kInt32Max, c.linger_ms));
    c.batch_size = static_cast<std::int32_t>(config->integer("batch.size", 1, kInt32Max, c.batch_size));
    c.max_request_size = static_cast<std::int32_t>(config->integer("max.request.size", 1, kInt32Max, c.max_request_size));
    c.buffer_memory = config->integer("buffer.memory", 1, std::int64_t{1} << 40, c.buffer_memory);
    c.max_block_ms = config->integer("max.block.ms", 0, kInt32Max, c.max_block_ms);
    if (c.buffer_memory < c.batch_size) {
        // BufferPool.allocate throws IllegalArgumentException for a batch larger than the pool.
        config->fail("buffer.memory", "must be at least batch.size (" + std::to_string(c.batch_size) +
                                          "): Kafka's BufferPool cannot allocate a batch larger than the whole buffer");
    }
    c.retry_backoff_ms = static_cast<std::int32_t>(
        config->integer("retry.backoff.ms", 0, kInt32Max, c.retry_backoff_ms));
    c.retry_backoff_max_ms = static_cast<std::int32_t>(
        config->integer("retry.backoff.max.ms", 0, kInt32Max, c.retry_backoff_max_ms));
    c.reconnect_backoff_ms = static_cast<std::int32_t>(
        config->integer("reconnect.backoff.ms", 0, kInt32Max, c.reconnect_backoff_ms));
    c.reconnect_backoff_max_ms = static_cast<std::int32_t>(
        config->integer("reconnect.backoff.max.ms", 0, kInt32Max, c.reconnect_backoff_max_ms));
    c.idempotence_set = config->has("enable.idempotence");
    c.enable_idempotence = config->boolean("enable.idempotence", c.enable_idempotence);
    if (config->has("transactional.id")) c.transactional_id = config->required_string("transactional.id");
    c.transaction_timeout_ms = static_cast<std::int32_t>(
        config->integer("transaction.timeout.ms", 1, kInt32Max, c.transaction_timeout_ms));
    config->finish();
    return c;
}

bool parse_subscribe(ObjectReader& app, bool explicit_partitions) {
    const bool subscribe = app.boolean("subscribe", false);
    if (subscribe && explicit_partitions) {
        // KafkaConsumer: subscribe() and assign() cannot be mixed.
        app.fail("subscribe", "a group-managed subscription cannot also list \"partitions\"");
    }
    return subscribe;
}

kafka::ConsumerConfig parse_consumer_config(std::optional<ObjectReader> config) {
    kafka::ConsumerConfig c;
    if (!config) return c;
    const std::string reset = config->choice("auto.offset.reset", {"earliest", "latest"}, "latest");
    c.auto_offset_reset = reset == "earliest" ? kafka::OffsetReset::earliest : kafka::OffsetReset::latest;
    c.max_poll_records = static_cast<std::int32_t>(
        config->integer("max.poll.records", 1, kInt32Max, c.max_poll_records));
    c.fetch_max_wait_ms = static_cast<std::int32_t>(
        config->integer("fetch.max.wait.ms", 0, kInt32Max, c.fetch_max_wait_ms));
    c.request_timeout_ms = static_cast<std::int32_t>(
        config->integer("request.timeout.ms", 1, kInt32Max, c.request_timeout_ms));
    c.retry_backoff_ms = static_cast<std::int32_t>(
        config->integer("retry.backoff.ms", 0, kInt32Max, c.retry_backoff_ms));
    const std::string isolation =
        config->choice("isolation.level", {"read_uncommitted", "read_committed"}, "read_uncommitted");
    c.isolation = isolation == "read_committed" ? kafka::Isolation::read_committed : kafka::Isolation::read_uncommitted;
    // "" = not set (Kafka rejects an empty id; here it lets a swarm draw dynamic membership).
    c.group_instance_id = config->string("group.instance.id", "");
    c.assignment_strategy = config->choice("partition.assignment.strategy", {"range", "roundrobin"}, "range");
    c.session_timeout_ms = static_cast<std::int32_t>(
        config->integer("session.timeout.ms", 1, kInt32Max, c.session_timeout_ms));
    c.heartbeat_interval_ms = static_cast<std::int32_t>(
        config->integer("heartbeat.interval.ms", 1, kInt32Max, c.heartbeat_interval_ms));
    if (c.heartbeat_interval_ms >= c.session_timeout_ms) {
        // AbstractCoordinator / GroupRebalanceConfig: heartbeats must come within the session.
        config->fail("heartbeat.interval.ms", "must be lower than session.timeout.ms (" +
                                                  std::to_string(c.session_timeout_ms) + ")");
    }
    c.max_poll_interval_ms = static_cast<std::int32_t>(
        config->integer("max.poll.interval.ms", 1, kInt32Max, c.max_poll_interval_ms));
    if (config->boolean("enable.auto.commit", false)) {
        config->fail("enable.auto.commit",
                     "auto-commit is not modelled; the consumer's \"delivery\" decides when "
                     "offsets are committed (set it to false or leave it out)");
    }
    config->finish();
    return c;
}

namespace {

// The presence of cluster.replication turns on replication and the controller.
void parse_replication(ObjectReader& r, Scenario& s) {
    kafka::ReplicationConfig& c = s.replication;
    c.enabled = true;
    const auto ms = [&r](const char* key, std::int32_t fallback) {
        return static_cast<std::int32_t>(r.integer(key, 1, kInt32Max, fallback));
    };
    c.min_insync_replicas = static_cast<std::int32_t>(r.integer("min.insync.replicas", 1, 64, c.min_insync_replicas));
    c.unclean_leader_election = r.boolean("unclean.leader.election.enable", c.unclean_leader_election);
    c.replica_lag_time_max_ms = ms("replica.lag.time.max.ms", c.replica_lag_time_max_ms);
    c.replica_fetch_wait_max_ms = ms("replica.fetch.wait.max.ms", c.replica_fetch_wait_max_ms);
    c.replica_fetch_backoff_ms = ms("replica.fetch.backoff.ms", c.replica_fetch_backoff_ms);
    c.broker_heartbeat_interval_ms = ms("broker.heartbeat.interval.ms", c.broker_heartbeat_interval_ms);
    c.broker_session_timeout_ms = ms("broker.session.timeout.ms", c.broker_session_timeout_ms);
    c.flush_interval_messages = r.integer("log.flush.interval.messages", 0, kInt32Max, c.flush_interval_messages);
    c.flush_interval_ms = static_cast<std::int32_t>(r.integer("os_flush_interval_ms", 0, kInt32Max, c.flush_interval_ms));
    c.segment_records = r.integer("segment_records", 0, kInt32Max, c.segment_records);
    if (c.broker_session_timeout_ms <= c.broker_heartbeat_interval_ms) {
        r.fail("broker.session.timeout.ms", "must be larger than broker.heartbeat.interval.ms");
    }
    r.finish();
}

// `cluster.cost.profile`: a named set of costs (docs/model.md, Cost, says where each number comes
// from); the other keys of `cluster.cost` override single numbers of it.
void apply_cost_profile(ObjectReader& r, Scenario& s, bool log_write_set, bool bandwidth_set) {
    if (!r.has("profile")) return;
    const std::string profile = r.required_string("profile");
    if (profile != "default") r.fail("profile", "expected \"default\" (the only cost profile), got \"" + profile + "\"");
    kafka::BrokerCost& c = s.broker.cost;
    c.request_handler_threads = kDefaultCost.request_handler_threads;
    c.request_us = kDefaultCost.request_us;
    c.byte_ns = kDefaultCost.byte_ns;
    c.append_us = kDefaultCost.append_us;
    s.producer_send_ns = kDefaultCost.producer_send_ns;
    if (!log_write_set) s.broker.transactions.log_write_us = kDefaultCost.transaction_log_write_us;
    if (!bandwidth_set) s.network.bandwidth_bytes_per_s = kDefaultCost.bandwidth_bytes_per_s;
}

// cluster.cost: what a broker spends on each request (kafka::BrokerCost) and a producer
// application on each send().
void parse_cost(ObjectReader& r, Scenario& s, bool log_write_set, bool bandwidth_set) {
    apply_cost_profile(r, s, log_write_set, bandwidth_set);
    kafka::BrokerCost& c = s.broker.cost;
    c.request_handler_threads =
        static_cast<std::int32_t>(r.integer("num.io.threads", 1, 1024, c.request_handler_threads));
    c.request_us = r.integer("request_us", 0, kHourMs * 1000, c.request_us);
    c.byte_ns = r.integer("byte_ns", 0, 1'000'000, c.byte_ns);
    c.append_us = r.integer("append_us", 0, kHourMs * 1000, c.append_us);
    s.producer_send_ns = r.integer("producer_send_ns", 0, 1'000'000'000, s.producer_send_ns);
    r.finish();
}

void parse_cluster(ObjectReader& root, Scenario& s) {
    auto cluster = root.object("cluster");
    if (!cluster) return;
    s.brokers = static_cast<std::int32_t>(cluster->integer("brokers", 1, 64, 1));
    bool bandwidth_set = false;
    if (auto network = cluster->object("network")) {
        bandwidth_set = network->has("bandwidth_bytes_per_s");
        s.network.latency_us = network->integer("latency_us", 0, kHourMs * 1000, s.network.latency_us);
        s.network.jitter_us = network->integer("jitter_us", 0, kHourMs * 1000, s.network.jitter_us);
        s.network.bandwidth_bytes_per_s =
            network->integer("bandwidth_bytes_per_s", 0, std::int64_t{1} << 40, s.network.bandwidth_bytes_per_s);
        if (network->has("broker_latency_us")) s.broker_latency_us = network->integer("broker_latency_us", 0, kHourMs * 1000, 0);
        if (network->has("broker_jitter_us")) s.broker_jitter_us = network->integer("broker_jitter_us", 0, kHourMs * 1000, 0);
        network->finish();
    }
    kafka::TxnCoordinatorConfig& txn = s.broker.transactions;
    txn.transaction_version_2 = cluster->integer("transaction.version", 1, 2, 1) == 2;
    txn.abort_timed_out_interval_ms = static_cast<std::int32_t>(cluster->integer(
        "transaction.abort.timed.out.transaction.cleanup.interval.ms", 1, kInt32Max, txn.abort_timed_out_interval_ms));
    txn.transaction_max_timeout_ms = static_cast<std::int32_t>(
        cluster->integer("transaction.max.timeout.ms", 1, kInt32Max, txn.transaction_max_timeout_ms));
    txn.log_write_us = cluster->integer("transaction_log_write_us", 0, kHourMs * 1000, txn.log_write_us);
    s.broker.partition_verification =
        cluster->boolean("transaction.partition.verification.enable", s.broker.partition_verification);
    s.broker.groups.initial_rebalance_delay_ms = static_cast<std::int32_t>(cluster->integer(
        "group.initial.rebalance.delay.ms", 0, kInt32Max, s.broker.groups.initial_rebalance_delay_ms));
    s.broker.groups.min_session_timeout_ms = static_cast<std::int32_t>(cluster->integer(
        "group.min.session.timeout.ms", 1, kInt32Max, s.broker.groups.min_session_timeout_ms));
    s.broker.groups.max_session_timeout_ms = static_cast<std::int32_t>(cluster->integer(
        "group.max.session.timeout.ms", 1, kInt32Max, s.broker.groups.max_session_timeout_ms));
    if (s.broker.groups.min_session_timeout_ms > s.broker.groups.max_session_timeout_ms) {
        cluster->fail("group.max.session.timeout.ms", "at least group.min.session.timeout.ms (" +
                                                          std::to_string(s.broker.groups.min_session_timeout_ms) + ")");
    }
    if (auto replication = cluster->object("replication")) parse_replication(*replication, s);
    if (auto cost = cluster->object("cost")) {
        parse_cost(*cost, s, cluster->has("transaction_log_write_us"), bandwidth_set);
    }
    cluster->finish();
}

void parse_topics(ObjectReader& root, Scenario& s) {
    std::set<std::string> names;
    for (ObjectReader& topic : root.objects("topics")) {
        kafka::TopicSpec spec;
        spec.name = topic.required_string("name");
        check_topic_name(topic, spec.name);
        spec.partitions = static_cast<std::int32_t>(topic.integer("partitions", 1, 1024, 1));
        spec.replication_factor = static_cast<std::int32_t>(topic.integer("replication_factor", 1, 64, 1));
        if (spec.replication_factor > s.brokers) {
            topic.fail("replication_factor", "at most the number of brokers (" + std::to_string(s.brokers) + ")");
        }
        if (spec.replication_factor > 1 && !s.replication.enabled) {
            topic.fail("replication_factor", "a replication factor above 1 needs cluster.replication");
        }
        if (!names.insert(spec.name).second) topic.fail("name", "duplicate topic \"" + spec.name + "\"");
        topic.finish();
        s.topics.push_back(spec);
    }
    if (s.topics.empty()) root.fail("topics", "at least one topic is required");
}

void parse_producers(ObjectReader& root, Scenario& s) {
    std::uint64_t next_value = 0;
    for (ObjectReader& p : root.objects("producers")) {
        ProducerSpec spec;
        spec.name = p.required_string("name");
        spec.workload.topic = p.required_string("topic");
        require_topic(p, "topic", s, spec.workload.topic);
        spec.workload.messages = p.integer("messages", 0, 10'000'000, 100);
        spec.workload.start_us = sim::ms(p.integer("start_ms", 0, kHourMs, 0));
        spec.workload.interval_us = p.integer("interval_us", 0, kHourMs * 1000, 1000);
        spec.workload.keys = p.integer("keys", 1, 1'000'000, 16);
        spec.workload.value_bytes = static_cast<std::int32_t>(p.integer("value_bytes", 0, 1'000'000, 100));
        spec.workload.send_ns = s.producer_send_ns;
        spec.workload.first_value = next_value;
        next_value += static_cast<std::uint64_t>(spec.workload.messages);
        spec.config = parse_producer_config(p.object("config"));
        const std::string error = kafka::resolve_producer_config(spec.config, s.config_notes);
        if (!error.empty()) p.fail("config", "invalid producer config: " + error);
        for (const char* key : {"transaction_records", "abort_every"}) {
            if (p.has(key) && !spec.config.transactional_id) {
                p.fail(key, "needs a transactional producer (config.transactional.id)");
            }
        }
        spec.workload.transaction_records = p.integer("transaction_records", 1, 1'000'000, 10);
        spec.workload.abort_every = p.integer("abort_every", 0, 1'000'000, 0);
        p.finish();
        s.producers.push_back(std::move(spec));
    }
}

void parse_consumers(ObjectReader& root, Scenario& s) {
    for (ObjectReader& c : root.objects("consumers")) {
        ConsumerSpec spec;
        spec.name = c.required_string("name");
        spec.topic = c.required_string("topic");
        require_topic(c, "topic", s, spec.topic);
        spec.workload.group_id = c.required_string("group");
        const std::string mode = c.choice("delivery", {"at_least_once", "at_most_once"}, "at_least_once");
        spec.workload.mode = mode == "at_most_once" ? kafka::DeliveryMode::at_most_once
                                                    : kafka::DeliveryMode::at_least_once;
        spec.workload.processing_us = c.integer("processing_us", 0, kHourMs * 1000, 100);
        spec.workload.start_us = sim::ms(c.integer("start_ms", 0, kHourMs, 0));
        spec.workload.sink = c.string("sink", "");
        bool sink_known = spec.workload.sink.empty();
        for (const SinkSpec& sink : s.sinks) sink_known = sink_known || sink.name == spec.workload.sink;
        if (!sink_known) c.fail("sink", "unknown sink \"" + spec.workload.sink + "\"");
        spec.workload.sink_timeout_us = sim::ms(c.integer("sink_timeout_ms", 1, kHourMs, 30000));
        for (const std::int64_t p : c.integers("partitions", 0, partitions_of(s, spec.topic) - 1)) {
            spec.partitions.push_back(static_cast<std::int32_t>(p));
        }
        if (c.has("partitions") && spec.partitions.empty()) {
            c.fail("partitions", "expected at least one partition (leave \"partitions\" out to read them all)");
        }
        spec.workload.subscribe = parse_subscribe(c, !spec.partitions.empty());
        spec.workload.restart_when_fenced = c.boolean("restart_when_fenced", false);
        spec.workload.commit_interval_us = sim::ms(c.integer("commit_interval_ms", 0, kHourMs, 5000));
        spec.config = parse_consumer_config(c.object("config"));
        c.finish();
        s.consumers.push_back(std::move(spec));
    }
}

}  // namespace

void parse_faults(ObjectReader& root, Scenario& s);
void parse_nemesis(ObjectReader& root, Scenario& s);
void parse_processors(ObjectReader& root, Scenario& s);
void parse_sinks(ObjectReader& root, Scenario& s);
void parse_expectations(ObjectReader& root, Scenario& s);
void parse_sweep_expectations(ObjectReader& root, Scenario& s);
void check_names(ObjectReader& root, const Scenario& s);

namespace {

// compare: {"variants": [{"name": ..., "set": {POINTER: VALUE, ...}}]}, kept out of the run.
std::vector<CompareVariant> take_compare(nlohmann::json& json, const std::string& file) {
    if (!json.is_object() || !json.contains("compare")) return {};
    std::vector<CompareVariant> variants;
    ObjectReader compare(json["compare"], "/compare", file);
    std::set<std::string> names;
    for (ObjectReader& v : compare.objects("variants")) {
        CompareVariant variant;
        variant.name = v.required_string("name");
        if (variant.name.empty() || !names.insert(variant.name).second) {
            v.fail("name", fmt::format("expected a non-empty name unique among the variants, got \"{}\"", variant.name));
        }
        const nlohmann::json* set = v.raw("set");
        if (set == nullptr || !set->is_object() || set->empty()) {
            v.fail("set", "expected a non-empty object of JSON pointer -> value (a variant changes something), e.g. "
                          "{\"/producers/*/config/linger.ms\": 5}");
        }
        for (const auto& [pointer, value] : set->items()) {
            try {
                variant.overrides.push_back(parse_override(pointer + "=" + value.dump(), "compare.variants"));
            } catch (const ScenarioError& e) {
                v.fail("set", e.what());
            }
        }
        v.finish();
        variants.push_back(std::move(variant));
    }
    compare.finish();
    json.erase("compare");
    return variants;
}

SwarmSpec take_swarm(nlohmann::json& json, const std::string& file) {
    if (!json.is_object() || !json.contains("swarm")) return {};
    SwarmSpec spec = parse_swarm(json["swarm"], file);
    json.erase("swarm");
    return spec;
}

std::string drawn_text(const std::vector<SwarmDrawn>& drawn) {
    std::vector<std::string> parts;
    for (const SwarmDrawn& d : drawn) parts.push_back(d.text());
    return parts.empty() ? "nothing drawn yet" : fmt::format("{}", fmt::join(parts, ", "));
}

// The drawn JSON for a seed; errors name the seed and what was drawn.
nlohmann::json draw_for_seed(const SwarmSpec& swarm, const nlohmann::json& source, const std::string& file,
                             std::uint64_t seed, std::vector<SwarmDrawn>& drawn,
                             std::optional<SwarmForce> force = std::nullopt) {
    try {
        return draw_swarm(swarm, source, seed, drawn, force);
    } catch (const SwarmDrawError& e) {
        throw ScenarioError(fmt::format("{}: seed {}: impossible swarm draw: {} (drawn: {})", file, seed, e.what(), drawn_text(drawn)));
    } catch (const nlohmann::json::exception& e) {
        throw ScenarioError(fmt::format("{}: seed {}: impossible swarm draw: {} (drawn: {})", file, seed, e.what(), drawn_text(drawn)));
    }
}

Scenario parse_json(const nlohmann::json& json, const std::string& file);
Scenario parse_checked_json(nlohmann::json json, const std::string& file);

}  // namespace

namespace {

nlohmann::json parse_text(const std::string& text, const std::string& file) {
    try {
        return base::parse_strict_json(text);
    } catch (const base::JsonTextError& e) {
        throw ScenarioError(fmt::format("{}: invalid JSON: {}", file, e.what()));
    }
}

std::string read_scenario_file(const std::string& path) {
    try {
        return base::read_input_file(path, base::kMaxScenarioBytes);
    } catch (const base::InputFileError& e) {
        throw ScenarioError(e.what());
    }
}

}  // namespace

Scenario parse_scenario(const std::string& text, const std::string& file) {
    return parse_scenario_json(parse_text(text, file), file);
}

Scenario parse_scenario_json(nlohmann::json json, const std::string& file) {
    try {
        return parse_checked_json(std::move(json), file);
    } catch (const nlohmann::json::exception& e) {
        // Every value is type-checked before use; this is the net under a check that was missed.
        throw ScenarioError(fmt::format("{}: unexpected JSON value: {}", file, e.what()));
    }
}

namespace {

Scenario parse_checked_json(nlohmann::json json, const std::string& file) {
    SwarmSpec swarm = take_swarm(json, file);
    std::vector<CompareVariant> variants = take_compare(json, file);
    Scenario s = parse_json(json, file);
    s.swarm = std::move(swarm);
    s.compare_variants = std::move(variants);
    s.source = std::move(json);
    // Every value of every values/merge choice is tried once, the other choices drawn as for the
    // scenario's seed (and the choices that depend on them re-drawn); each seed is checked again.
    for (std::size_t k = 0; k < s.swarm.choices.size(); ++k) {
        const SwarmChoice& choice = s.swarm.choices[k];
        const bool listed = choice.kind == SwarmChoice::Kind::values || choice.kind == SwarmChoice::Kind::merge;
        for (std::size_t v = 0; v < (listed ? choice.values.size() : 1); ++v) {
            try {
                const std::optional<SwarmForce> force = listed ? std::optional<SwarmForce>(SwarmForce{k, v}) : std::nullopt;
                std::vector<SwarmDrawn> drawn;
                parse_json(draw_for_seed(s.swarm, s.source, file, s.seed, drawn, force), file);
            } catch (const ScenarioError& e) {
                if (!listed) throw;
                throw ScenarioError(fmt::format("{} (with swarm value {} at {}, the other choices drawn for seed {})",
                                                e.what(), choice.values[v].dump(), choice.path, s.seed));
            }
        }
    }
    return s;
}

}  // namespace

nlohmann::json drawn_source(const Scenario& scenario, std::uint64_t seed) {
    std::vector<SwarmDrawn> drawn;
    nlohmann::json json = scenario.swarm.empty()
                              ? scenario.source
                              : draw_for_seed(scenario.swarm, scenario.source, scenario.file, seed, drawn);
    // Network jitter and the nemesis are drawn from the run seed too: the printed file replays
    // this run only if it carries the seed.
    json["seed"] = seed;
    return json;
}

Scenario scenario_for_seed(const Scenario& scenario, std::uint64_t seed) {
    if (scenario.swarm.empty()) return scenario;
    std::vector<SwarmDrawn> drawn;
    const nlohmann::json json = draw_for_seed(scenario.swarm, scenario.source, scenario.file, seed, drawn);
    Scenario s;
    try {
        s = parse_json(json, scenario.file);
    } catch (const ScenarioError& e) {
        std::string message = e.what();
        if (message.rfind(scenario.file + ": ", 0) == 0) message = message.substr(scenario.file.size() + 2);
        throw ScenarioError(fmt::format("{}: seed {}: the drawn scenario is invalid: {} (drawn: {}; `eosim draw {} --seed {}` prints it)",
                                        scenario.file, seed, message, drawn_text(drawn), scenario.file, seed));
    }
    s.swarm = scenario.swarm;
    s.source = scenario.source;
    s.swarm_drawn = std::move(drawn);
    return s;
}

namespace {

Scenario parse_json(const nlohmann::json& json, const std::string& file) {
    Scenario s;
    s.file = file;
    ObjectReader root(json, "", file);
    s.name = root.required_string("name");
    s.description = root.string("description", "");
    s.seed = static_cast<std::uint64_t>(root.integer("seed", 0, std::numeric_limits<std::int64_t>::max(), 1));
    if (root.has("seeds")) {
        const nlohmann::json* seeds = root.raw("seeds");
        if (!seeds->is_string()) root.fail("seeds", "expected a string \"FIRST..LAST\" or \"N\", got " + describe_json_type(*seeds));
        try {
            s.seeds = parse_seed_range(seeds->get<std::string>(), "");
        } catch (const ScenarioError& e) {
            root.fail("seeds", e.what());
        }
    }
    parse_cluster(root, s);
    parse_topics(root, s);
    parse_producers(root, s);
    parse_sinks(root, s);  // before the applications that call them
    parse_consumers(root, s);
    parse_processors(root, s);
    for (auto& p : s.producers) p.config.transaction_version_2 = s.broker.transactions.transaction_version_2;
    check_names(root, s);
    parse_faults(root, s);
    parse_nemesis(root, s);
    if (auto knockouts = root.object("knockouts")) {
        s.broker.knockouts.disable_idempotent_dedup = knockouts->boolean("broker_dedup", false);
        s.broker.knockouts.disable_epoch_fencing = knockouts->boolean("epoch_fencing", false);
        s.broker.knockouts.disable_idempotent_marker_retry = knockouts->boolean("idempotent_marker_retry", false);
        s.client_knockouts.offsets_in_transaction = knockouts->boolean("offsets_in_transaction", false);
        s.client_knockouts.read_committed = knockouts->boolean("read_committed", false);
        s.broker.knockouts.disable_txn_offset_commit_fencing = knockouts->boolean("txn_offset_commit_fencing", false);
        s.broker.knockouts.disable_partition_verification = knockouts->boolean("partition_verification", false);
        s.broker.transactions.knockout_init_epoch_bump = knockouts->boolean("init_epoch_bump", false);
        s.broker.transactions.knockout_timeout_abort_bump = knockouts->boolean("timeout_abort_bump", false);
        s.broker.transactions.knockout_prepare_recovery = knockouts->boolean("prepare_recovery", false);
        s.broker.transactions.knockout_markers_before_complete = knockouts->boolean("markers_before_complete", false);
        knockouts->finish();
    }
    if (auto run = root.object("run")) {
        s.max_simulated_us = sim::ms(run->integer("max_simulated_ms", 1, 24 * kHourMs, 600'000));
        s.limits.max_events = static_cast<std::uint64_t>(
            run->integer("max_events", 1, 1'000'000'000'000, static_cast<std::int64_t>(s.limits.max_events)));
        s.limits.max_events_per_instant = static_cast<std::uint64_t>(run->integer(
            "max_events_per_instant", 1, 1'000'000'000'000, static_cast<std::int64_t>(s.limits.max_events_per_instant)));
        s.limits.max_memory_mb = static_cast<std::uint64_t>(
            run->integer("max_memory_mb", 1, 1'048'576, static_cast<std::int64_t>(s.limits.max_memory_mb)));
        run->finish();
    }
    parse_expectations(root, s);
    parse_sweep_expectations(root, s);
    root.finish();
    return s;
}

}  // namespace

Scenario load_scenario(const std::string& path) { return parse_scenario(read_scenario_file(path), path); }

Scenario load_scenario(const std::string& path, const std::vector<Override>& overrides) {
    nlohmann::json json = parse_text(read_scenario_file(path), path);
    apply_overrides(json, overrides, path);
    return parse_scenario_json(std::move(json), path);
}

}  // namespace eosim::scenario
