#include "scenario/runner.hpp"

#include <deque>
#include <map>
#include <memory>

#include <fmt/format.h>

#include "base/assert.hpp"
#include "check/checker_text.hpp"
#include "history/jsonl_writer.hpp"
#include "history/recorder.hpp"
#include "kafka/broker/broker.hpp"
#include "kafka/app/consumer_app.hpp"
#include "kafka/controller/controller.hpp"
#include "kafka/app/external_sink.hpp"
#include "kafka/app/processor_app.hpp"
#include "scenario/loader_internal.hpp"
#include "kafka/app/producer_app.hpp"

namespace eosim::scenario {
namespace {

constexpr sim::TimeUs kQuiescenceCheckUs = sim::ms(10);

// Everything one run owns, wired together.
struct Assembly {
    sim::Simulation sim;
    history::Names names;
    history::Recorder recorder{names};
    check::DeliveryChecker checker{names};
    check::QueueAnomalyChecker anomalies{names};
    check::FiguresCollector figures{names};
    std::shared_ptr<kafka::ClusterLayout> layout = std::make_shared<kafka::ClusterLayout>();
    std::vector<kafka::Broker*> brokers;
    kafka::Controller* controller = nullptr;  // with replication only
    std::vector<kafka::ProducerApp*> producers;
    std::vector<kafka::ConsumerApp*> consumers;
    std::vector<kafka::ProcessorApp*> processors;
    std::vector<bool> consumer_read_committed;   // per consumer, in order
    std::vector<bool> processor_read_committed;  // per processor
    faults::FaultPlan faults;
    // What kept the run from going quiet at each of the last quiescence checks: the report names
    // the one that held longest, not whatever was in flight at the very last instant (an
    // auto-commit on the wire at max_simulated_ms is not why a run never went quiet).
    std::deque<std::string> recent_blockers;

    Assembly(const Scenario& s, const RunOptions& options)
        : sim(options.seed, s.network, options.trace_text), faults(all_faults(s, options.seed)) {}

    // Scheduled faults plus those the nemesis draws for this seed.
    static std::vector<faults::FaultSpec> all_faults(const Scenario& s, std::uint64_t seed) {
        std::vector<faults::FaultSpec> all = s.faults;
        if (s.nemesis) {
            for (faults::FaultSpec& drawn : faults::draw_nemesis(*s.nemesis, seed)) all.push_back(std::move(drawn));
        }
        return all;
    }
};

// Partition p goes to member p mod n, members in declaration order (like RoundRobinAssignor),
// unless the application lists its partitions explicitly.
std::vector<kafka::TopicPartition> round_robin(const Scenario& s, const std::string& topic,
                                               const std::vector<std::int32_t>& explicit_partitions,
                                               const std::vector<bool>& is_member, std::size_t me, bool subscribe) {
    std::vector<kafka::TopicPartition> result;
    if (subscribe) {  // the group protocol assigns; the whole topic is what the group must commit
        for (std::int32_t p = 0; p < partitions_of(s, topic); ++p) result.push_back({topic, p});
        return result;
    }
    if (!explicit_partitions.empty()) {
        for (const std::int32_t p : explicit_partitions) result.push_back({topic, p});
        return result;
    }
    std::vector<std::size_t> members;
    for (std::size_t i = 0; i < is_member.size(); ++i) {
        if (is_member[i]) members.push_back(i);
    }
    EOSIM_ASSERT(!members.empty());
    for (std::int32_t p = 0; p < partitions_of(s, topic); ++p) {
        if (members[static_cast<std::size_t>(p) % members.size()] == me) result.push_back({topic, p});
    }
    return result;
}

std::vector<kafka::TopicPartition> assignment_for(const Scenario& s, std::size_t index) {
    const ConsumerSpec& me = s.consumers[index];
    std::vector<bool> members;
    for (const ConsumerSpec& other : s.consumers) {
        members.push_back(other.workload.group_id == me.workload.group_id && other.topic == me.topic &&
                          other.partitions.empty() && !other.workload.subscribe);
    }
    return round_robin(s, me.topic, me.partitions, members, index, me.workload.subscribe);
}

std::vector<kafka::TopicPartition> processor_assignment(const Scenario& s, std::size_t index) {
    const ProcessorSpec& me = s.processors[index];
    std::vector<bool> members;
    for (const ProcessorSpec& other : s.processors) {
        members.push_back(other.workload.group_id == me.workload.group_id && other.input_topic == me.input_topic &&
                          other.partitions.empty() && !other.workload.subscribe);
    }
    return round_robin(s, me.input_topic, me.partitions, members, index, me.workload.subscribe);
}

void assemble_pipelines(const Scenario& s, Assembly& a) {
    for (const SinkSpec& sink : s.sinks) {
        a.sim.add_node(std::make_unique<kafka::ExternalSink>(sink.name, sink.config, a.recorder));
    }
    for (std::size_t i = 0; i < s.processors.size(); ++i) {
        const ProcessorSpec& spec = s.processors[i];
        kafka::ProcessorWorkload workload = spec.workload;
        workload.assignment = processor_assignment(s, i);
        workload.offsets_in_transaction = !s.client_knockouts.offsets_in_transaction;
        kafka::ConsumerConfig consumer = spec.consumer;
        consumer.knockout_read_committed = s.client_knockouts.read_committed;
        auto app = std::make_unique<kafka::ProcessorApp>(spec.name, a.layout, consumer, spec.producer, workload,
                                                         a.recorder);
        a.processors.push_back(app.get());
        a.processor_read_committed.push_back(consumer.isolation == kafka::Isolation::read_committed);
        a.sim.add_node(std::move(app));
    }
}

// Brokers and the controller are the first nodes added: their links among themselves.
void set_broker_links(const Scenario& s, Assembly& a) {
    if (!s.broker_latency_us && !s.broker_jitter_us) return;
    sim::LinkProfile profile = s.network;
    profile.latency_us = s.broker_latency_us.value_or(s.network.latency_us);
    profile.jitter_us = s.broker_jitter_us.value_or(s.network.jitter_us);
    const auto nodes = static_cast<sim::NodeId>(s.brokers + (s.replication.enabled ? 1 : 0));
    for (sim::NodeId from = 0; from < nodes; ++from) {
        for (sim::NodeId to = 0; to < nodes; ++to) {
            if (from != to) a.sim.network().set_profile(from, to, profile);
        }
    }
}

void assemble(const Scenario& s, Assembly& a) {
    a.layout->topics = s.topics;
    a.layout->replication = s.replication;
    for (std::int32_t b = 0; b < s.brokers; ++b) {
        a.layout->broker_nodes.push_back(static_cast<sim::NodeId>(b));  // brokers are added first
    }
    for (std::int32_t b = 0; b < s.brokers; ++b) {
        auto broker = std::make_unique<kafka::Broker>(Scenario::broker_name(b), b, a.layout, s.broker);
        a.brokers.push_back(broker.get());
        const sim::NodeId id = a.sim.add_node(std::move(broker));
        EOSIM_ASSERT(id == static_cast<sim::NodeId>(b));
    }
    if (s.replication.enabled) {
        auto controller = std::make_unique<kafka::Controller>("controller", a.layout);
        a.controller = controller.get();
        a.layout->controller_node = a.sim.add_node(std::move(controller));
    }
    set_broker_links(s, a);
    for (const ProducerSpec& p : s.producers) {
        auto app = std::make_unique<kafka::ProducerApp>(p.name, a.layout, p.config, p.workload, a.recorder);
        a.producers.push_back(app.get());
        a.sim.add_node(std::move(app));
    }
    for (std::size_t i = 0; i < s.consumers.size(); ++i) {
        kafka::ConsumerWorkload workload = s.consumers[i].workload;
        workload.assignment = assignment_for(s, i);
        kafka::ConsumerConfig config = s.consumers[i].config;
        config.knockout_read_committed = s.client_knockouts.read_committed;
        auto app = std::make_unique<kafka::ConsumerApp>(s.consumers[i].name, a.layout, config, workload,
                                                        a.recorder);
        a.consumers.push_back(app.get());
        a.consumer_read_committed.push_back(config.isolation == kafka::Isolation::read_committed);
        a.sim.add_node(std::move(app));
    }
    assemble_pipelines(s, a);
}

// The partition's leader now: the controller's choice, or the static one.
const kafka::Broker* leader_of(const Assembly& a, const kafka::TopicPartition& tp) {
    if (a.controller == nullptr) return a.brokers.at(static_cast<std::size_t>(a.layout->leader_of(tp)));
    const std::int32_t leader = a.controller->partitions().at(tp).leader;
    if (leader == kafka::kNoLeader) return nullptr;
    const kafka::Broker* broker = a.brokers.at(static_cast<std::size_t>(leader));
    const kafka::PartitionRegistration* known = broker->registration(tp);
    // The elected leader must know it leads before the run can be called quiet.
    if (known == nullptr || known->leader != leader) return nullptr;
    return broker;
}

// The group has committed everything its partitions hold.
// Whether a reader at `from` has nothing left to be handed below the high watermark: only control
// batches (transaction markers) and, read_committed, aborted transactions' batches lie there. A
// consume-transform-produce application commits only with records, so its committed offset stays
// before a trailing marker for good (Kafka's "lag 1 after a transaction"): that is quiet.
bool nothing_to_read(const kafka::PartitionLog& log, std::int64_t from, std::int64_t high_watermark, bool read_committed) {
    const std::vector<kafka::LogBatch>& batches = log.batches();
    for (std::size_t i = 0; i < batches.size(); ++i) {
        const kafka::LogBatch& b = batches[i];
        if (b.last_offset() < from || b.base_offset >= high_watermark || b.batch.is_control()) continue;
        if (!read_committed || !b.batch.transactional) return false;
        bool aborted = false;  // the producer's next marker on this partition decides
        for (std::size_t j = i + 1; j < batches.size(); ++j) {
            const kafka::RecordBatch& m = batches[j].batch;
            if (m.is_control() && m.producer_id == b.batch.producer_id) {
                aborted = m.control == kafka::ControlType::abort;
                break;
            }
        }
        if (!aborted) return false;
    }
    return true;
}

bool group_caught_up(const Assembly& a, const std::string& group_id,
                     const std::vector<kafka::TopicPartition>& assignment, bool read_committed) {
    const kafka::Broker* coordinator = leader_of(a, a.layout->offsets_partition_of_group(group_id));
    if (coordinator == nullptr) return false;
    const std::map<kafka::TopicPartition, std::int64_t> committed_offsets = coordinator->committed_offsets(group_id);
    for (const kafka::TopicPartition& tp : assignment) {
        const kafka::Broker* leader = leader_of(a, tp);
        if (leader == nullptr) return false;  // offline: nobody can read it now
        const std::int64_t high_watermark = leader->partition(tp)->high_watermark();
        std::int64_t committed = 0;
        if (committed_offsets.count(tp) > 0) committed = committed_offsets.at(tp);
        if (committed < high_watermark &&
            !nothing_to_read(leader->partition(tp)->log(), committed, high_watermark, read_committed)) {
            return false;
        }
    }
    return true;
}

bool gone_for_good(const Assembly& a, sim::NodeId id) {
    return !a.sim.is_up(id) && a.faults.down_for_good(a.sim.node_name(id));
}

// Why the run is not quiet yet ("" when it is).
std::string blocker(const Assembly& a) {
    if (a.sim.now() < a.faults.quiet_after_us()) return "faults still active";
    // An acks=0 producer's sends are complete once written: its requests on the wire, or held by a
    // partition that heals at this instant, must still arrive before the readers can be caught up.
    if (a.sim.messages_in_transit("ProduceRequest") > 0) return "produce requests are still to arrive";
    for (sim::NodeId id = 0; id < a.sim.node_count(); ++id) {
        if (!a.sim.is_up(id) && !gone_for_good(a, id)) return a.sim.node_name(id) + " is down";
    }
    for (const kafka::ProducerApp* p : a.producers) {
        if (!p->done()) return p->name() + " has sends outstanding";
    }
    if (a.controller != nullptr) {
        for (const auto& [tp, p] : a.controller->partitions()) {
            if (leader_of(a, tp) == nullptr) return tp.str() + " has no leader";
            if (p.isr.size() < p.replicas.size()) return tp.str() + " is under-replicated";
            // The controller may have taken a follower back into the ISR while the leader has
            // not heard yet (AlterPartition answer in flight): its high watermark still lags its
            // log end, and acknowledged records above it are not readable yet.
            const kafka::Partition* led = leader_of(a, tp)->partition(tp);
            if (led != nullptr && led->high_watermark() < led->log().log_end_offset()) {
                return tp.str() + " has records above its high watermark";
            }
        }
    }
    for (const kafka::Broker* broker : a.brokers) {
        for (const kafka::TransactionCoordinator* coordinator : broker->coordinators()) {
          for (const auto& [id, txn] : coordinator->all()) {
            const bool settled = !txn.pending_state && (txn.state == kafka::TxnState::Empty ||
                                                         txn.state == kafka::TxnState::CompleteCommit ||
                                                         txn.state == kafka::TxnState::CompleteAbort ||
                                                         txn.state == kafka::TxnState::Dead);
            if (!settled) return "transaction " + id + " is " + std::string(kafka::txn_state_name(txn.state));
          }
        }
    }
    for (std::size_t i = 0; i < a.consumers.size(); ++i) {
        const kafka::ConsumerApp* c = a.consumers[i];
        if (gone_for_good(a, c->id())) continue;
        if (!c->idle()) return c->name() + " is busy";
        if (!group_caught_up(a, c->workload().group_id, c->workload().assignment, a.consumer_read_committed[i])) {
            return "group " + c->workload().group_id + " has not committed up to the high watermark";
        }
    }
    for (std::size_t i = 0; i < a.processors.size(); ++i) {
        const kafka::ProcessorApp* p = a.processors[i];
        if (gone_for_good(a, p->id())) continue;  // its group's survivors own its partitions
        if (!p->idle()) return p->name() + " is busy";
        if (!p->stopped() &&
            !group_caught_up(a, p->workload().group_id, p->workload().assignment, a.processor_read_committed[i])) {
            return "group " + p->workload().group_id + " has not committed up to the high watermark";
        }
    }
    return "";
}

constexpr std::size_t kRecentBlockers = 100;  // one simulated second of checks

bool quiescent(Assembly& a) {
    std::string why = blocker(a);
    if (why.empty()) return true;
    a.recent_blockers.push_back(std::move(why));
    if (a.recent_blockers.size() > kRecentBlockers) a.recent_blockers.pop_front();
    return false;
}

// The blocker seen at the most of the recent checks (the earliest such on a tie); the blocker
// now when there were none.
std::string persistent_blocker(const Assembly& a) {
    std::map<std::string, std::size_t> seen;
    for (const std::string& why : a.recent_blockers) ++seen[why];
    std::string best;
    std::size_t best_count = 0;
    for (const std::string& why : a.recent_blockers) {
        if (seen[why] > best_count) {
            best = why;
            best_count = seen[why];
        }
    }
    return best.empty() ? blocker(a) : best;
}

// Liveness after the run: every transaction completed (coordinators) and no partition holds an
// open transaction (LSO caught up with HW); the run went quiet by itself.
void liveness(const Assembly& a, bool quiesced, check::CheckResult& result) {
    check::Verdict hanging;
    check::Verdict stuck;
    for (const kafka::Broker* broker : a.brokers) {
        if (!a.sim.is_up(broker->id())) continue;
        for (const auto& [tp, log] : broker->storage().logs) {
            const kafka::Partition* partition = broker->partition(tp);
            if (!kafka::ClusterLayout::is_internal(tp.topic) && leader_of(a, tp) != broker) continue;
            if (partition == nullptr || partition->last_stable_offset() == partition->high_watermark()) continue;
            check::add_violation(hanging, fmt::format("{}: open transaction from offset {} never completed (LSO {} < HW {})",
                                                      tp.str(), partition->last_stable_offset(),
                                                      partition->last_stable_offset(), partition->high_watermark()));
        }
        for (const kafka::TransactionCoordinator* coordinator : broker->coordinators()) {
          for (const auto& [id, txn] : coordinator->all()) {
            if (txn.state == kafka::TxnState::Ongoing || txn.state == kafka::TxnState::PrepareCommit ||
                txn.state == kafka::TxnState::PrepareAbort || txn.state == kafka::TxnState::PrepareEpochFence) {
                check::add_violation(stuck, fmt::format("transactional.id {} ended in {}", id, kafka::txn_state_name(txn.state)));
            }
          }
        }
    }
    check::Verdict quiet;
    if (!quiesced) check::add_violation(quiet, "the run did not go quiet before max_simulated_ms: " + persistent_blocker(a));
    result.verdicts[check::VerdictName::no_hanging_transactions] = std::move(hanging);
    result.verdicts[check::VerdictName::transactions_completed] = std::move(stuck);
    result.verdicts[check::VerdictName::quiesced] = std::move(quiet);
}

// The run's progress, as the periodic check sees it.
struct Progress {
    bool quiesced = false;
    bool over_budget = false;
    std::uint64_t checks = 0;
};

// Every 100 ms of simulated time (the estimate walks every log): whether the state passed the budget.
bool over_budget(const Assembly& a, const Scenario& s, Progress& progress) {
    constexpr std::uint64_t kChecksPerBudgetCheck = 10;
    if (progress.checks++ % kChecksPerBudgetCheck != 0) return false;
    return estimated_state_bytes(a.sim, a.brokers, a.recorder.operations()) > s.limits.max_memory_mb << 20;
}

void schedule_quiescence_check(Assembly& a, const Scenario& s, Progress& progress) {
    a.sim.schedule(a.sim.now() + kQuiescenceCheckUs, [&a, &s, &progress] {
        if (over_budget(a, s, progress)) {
            progress.over_budget = true;
            a.sim.stop();
            return;
        }
        if (quiescent(a)) {
            progress.quiesced = true;
            a.sim.stop();
            return;
        }
        schedule_quiescence_check(a, s, progress);
    });
}

}  // namespace

std::map<std::string, std::uint64_t> counts_by_name(const check::Counts& c) {
    return {{"sent", c.sent},
            {"acknowledged", c.acknowledged},
            {"failed", c.failed},
            {"indeterminate", c.indeterminate},
            {"delivered", c.delivered},
            {"duplicates", c.duplicates},
            {"lost", c.lost},
            {"unexpected", c.unexpected},
            {"aborted_reads", c.aborted_reads},
            {"aborted_reads_read_committed", c.aborted_reads_read_committed},
            {"uncommitted_reads", c.uncommitted_reads},
            {"torn_transactions", c.torn_transactions},
            {"transactions_committed", c.transactions_committed},
            {"transactions_aborted", c.transactions_aborted},
            {"processed_inputs", c.processed_inputs},
            {"processing_duplicates", c.processing_duplicates},
            {"processing_missing", c.processing_missing},
            {"external_effects", c.external_effects},
            {"external_duplicates", c.external_duplicates},
            {"external_missing", c.external_missing}};
}

std::uint64_t count_by_name(const check::Counts& c, const std::string& name) {
    return counts_by_name(c).at(name);
}

const check::Verdict& verdict_of(const check::CheckResult& result, const std::string& name) {
    const std::optional<check::VerdictName> verdict = check::verdict_named(name);
    EOSIM_ASSERT(verdict.has_value());  // the loader accepts only known names
    return result.verdicts.at(*verdict);
}

std::vector<std::string> evaluate_expectations(const Expectations& expect,
                                               const check::CheckResult& result) {
    std::vector<std::string> failures;
    for (const auto& [name, must_hold] : expect.verdicts) {
        const check::Verdict& verdict = verdict_of(result, name);
        if (verdict.holds == must_hold) continue;
        failures.push_back(fmt::format("verdict {}: expected {}, got {} ({} violations)", name,
                                       check::holds_text(must_hold), check::holds_text(verdict.holds),
                                       verdict.violations));
    }
    if (!expect.any_violated.empty()) {
        bool any = false;
        for (const std::string& name : expect.any_violated) any = any || !verdict_of(result, name).holds;
        if (!any) {
            failures.push_back(fmt::format("expected at least one of these verdicts violated, all hold: {}",
                                           fmt::join(expect.any_violated, ", ")));
        }
    }
    for (const auto& [name, bound] : expect.counts) {
        const std::uint64_t value = count_by_name(result.counts, name);
        if (bound.min && value < *bound.min) {
            failures.push_back(fmt::format("count {}: expected at least {}, got {}", name, *bound.min, value));
        }
        if (bound.max && value > *bound.max) {
            failures.push_back(fmt::format("count {}: expected at most {}, got {}", name, *bound.max, value));
        }
    }
    return failures;
}

std::vector<std::string> evaluate_event_expectations(const std::vector<EventExpectation>& events,
                                                     const std::vector<std::uint64_t>& counts) {
    EOSIM_ASSERT_EQ(events.size(), counts.size());
    std::vector<std::string> failures;
    for (std::size_t i = 0; i < events.size(); ++i) {
        const CountBound& bound = events[i].bound;
        const std::uint64_t n = counts[i];
        if (bound.min && bound.max && *bound.min == *bound.max && n != *bound.min) {
            failures.push_back(fmt::format("events[{}] {}: expected exactly {}, got {}", i, events[i].text(), *bound.min, n));
        } else if (bound.min && n < *bound.min) {
            failures.push_back(fmt::format("events[{}] {}: expected at least {}, got {}", i, events[i].text(), *bound.min, n));
        } else if (bound.max && n > *bound.max) {
            failures.push_back(fmt::format("events[{}] {}: expected at most {}, got {}", i, events[i].text(), *bound.max, n));
        }
    }
    return failures;
}

RunOutcome run_scenario(const Scenario& scenario, const RunOptions& options) {
    const Scenario s = scenario_for_seed(scenario, options.seed);
    Assembly a(s, options);
    a.recorder.add_sink(&a.checker);
    a.recorder.add_sink(&a.anomalies);
    a.recorder.add_sink(&a.figures);
    std::unique_ptr<history::JsonlWriter> history_writer;
    if (options.history_jsonl != nullptr) {
        history_writer = std::make_unique<history::JsonlWriter>(*options.history_jsonl, a.names);
        a.recorder.add_sink(history_writer.get());
    }
    assemble(s, a);
    a.faults.on_change([&a](const faults::FaultRecord& fault, bool start) {
        a.recorder.nemesis(a.sim.now(), start, fault.description);
    });
    a.faults.install(a.sim);
    std::vector<sim::TracePattern> patterns;
    if (s.expect) {
        for (const EventExpectation& e : s.expect->events) patterns.push_back(e.match);
    }
    sim::TraceCounter event_counter(std::move(patterns));
    if (s.expect && !s.expect->events.empty()) a.sim.trace().add_observer(&event_counter);
    for (sim::TraceObserver* observer : options.trace_observers) a.sim.trace().add_observer(observer);
    a.sim.start_all();
    Progress progress;
    schedule_quiescence_check(a, s, progress);
    a.sim.set_limits({s.limits.max_events, s.limits.max_events_per_instant, options.interrupt});
    a.sim.run(s.max_simulated_us);
    const bool quiesced = progress.quiesced;

    RunOutcome out;
    out.scenario = s.name;
    out.file = s.file;
    out.seed = options.seed;
    out.trace_hash = a.sim.trace().hash();
    out.trace_records = a.sim.trace().records();
    out.history_operations = a.recorder.operations();
    out.metrics = a.sim.metrics();
    out.simulated_us = a.sim.now();
    out.halt = progress.over_budget ? Halt::memory_budget : halt_of(a.sim.stop_cause());
    out.halt_message = halt_message(out.halt, s.limits, a.sim.now(), out.metrics.events);
    if (out.halt != Halt::none) return out;  // not checked: the history is cut short
    out.check = a.checker.finish();
    liveness(a, quiesced, out.check);
    out.anomalies = a.anomalies.finish();
    out.figures = a.figures.finish();
    out.metrics = a.sim.metrics();
    out.simulated_us = a.sim.now();
    out.quiesced = quiesced;
    out.faults = a.faults.records();
    if (s.broker.knockouts.disable_idempotent_dedup) out.knockouts.push_back("broker_dedup");
    if (s.broker.knockouts.disable_epoch_fencing) out.knockouts.push_back("epoch_fencing");
    if (s.broker.knockouts.disable_idempotent_marker_retry) out.knockouts.push_back("idempotent_marker_retry");
    if (s.client_knockouts.offsets_in_transaction) out.knockouts.push_back("offsets_in_transaction");
    if (s.client_knockouts.read_committed) out.knockouts.push_back("read_committed");
    if (s.broker.knockouts.disable_txn_offset_commit_fencing) out.knockouts.push_back("txn_offset_commit_fencing");
    if (s.broker.knockouts.disable_partition_verification) out.knockouts.push_back("partition_verification");
    if (s.broker.transactions.knockout_init_epoch_bump) out.knockouts.push_back("init_epoch_bump");
    if (s.broker.transactions.knockout_timeout_abort_bump) out.knockouts.push_back("timeout_abort_bump");
    if (s.broker.transactions.knockout_prepare_recovery) out.knockouts.push_back("prepare_recovery");
    if (s.broker.transactions.knockout_markers_before_complete) out.knockouts.push_back("markers_before_complete");
    out.config_notes = s.config_notes;
    for (const SwarmDrawn& d : s.swarm_drawn) out.swarm.push_back(d.text());
    out.swarm_drawn = s.swarm_drawn;
    if (a.controller != nullptr) {
        out.replication.enabled = true;
        out.replication.elections = a.controller->elections();
        out.replication.unclean_elections = a.controller->unclean_elections();
        for (const auto& w : a.controller->offline_windows()) {
            out.replication.offline.push_back(
                w.to_us < 0 ? fmt::format("{} offline from {} ms to the end (no eligible leader)", w.partition.str(), w.from_us / 1000)
                            : fmt::format("{} offline {}..{} ms (no eligible leader)", w.partition.str(), w.from_us / 1000, w.to_us / 1000));
        }
    }
    out.has_expectations = s.expect.has_value();
    if (s.expect) {
        out.expectation_failures = evaluate_expectations(*s.expect, out.check);
        for (const std::string& failure : evaluate_event_expectations(s.expect->events, event_counter.counts())) {
            out.expectation_failures.push_back(failure);
        }
        for (std::size_t i = 0; i < s.expect->events.size(); ++i) {
            out.events.push_back({s.expect->events[i].text(), event_counter.counts()[i]});
        }
        for (const auto& [name, must_appear] : s.expect->anomalies) {
            const auto found = out.anomalies.found.find(name);
            const bool appears = found != out.anomalies.found.end() && !found->second.holds;
            if (appears == must_appear) continue;
            out.expectation_failures.push_back(fmt::format("anomaly {}: expected {}, got {}", name,
                                                           must_appear ? "found" : "none",
                                                           appears ? fmt::format("{} found", found->second.violations) : "none"));
        }
    }
    return out;
}

}  // namespace eosim::scenario
