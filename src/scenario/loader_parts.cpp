// Scenario parts that refer to other parts: node names, faults and expectations.
#include <fmt/format.h>

#include <algorithm>
#include <vector>
#include <limits>
#include <set>
#include <tuple>

#include "check/queue_anomalies.hpp"
#include "check/verdict_name.hpp"
#include "scenario/json_reader.hpp"
#include "scenario/loader_internal.hpp"
#include "scenario/scenario.hpp"

namespace eosim::scenario {

std::set<std::string> node_names(const Scenario& s) {
    std::set<std::string> names;
    for (std::int32_t b = 0; b < s.brokers; ++b) names.insert(Scenario::broker_name(b));
    for (const auto& p : s.producers) names.insert(p.name);
    for (const auto& c : s.consumers) names.insert(c.name);
    for (const auto& p : s.processors) names.insert(p.name);
    for (const auto& k : s.sinks) names.insert(k.name);
    if (s.replication.enabled) names.insert("controller");
    return names;
}

std::string require_node(ObjectReader& reader, const std::string& key, const Scenario& s) {
    const std::string name = reader.required_string(key);
    if (node_names(s).count(name) == 0) {
        reader.fail(key, fmt::format("unknown node \"{}\"; nodes are: {}", name,
                                     fmt::join(node_names(s), ", ")));
    }
    return name;
}

std::string node_role(const Scenario& s, const std::string& name) {
    for (std::int32_t b = 0; b < s.brokers; ++b) {
        if (name == Scenario::broker_name(b)) return "broker";
    }
    for (const auto& p : s.producers) {
        if (p.name == name) return "producer";
    }
    for (const auto& c : s.consumers) {
        if (c.name == name) return "consumer";
    }
    for (const auto& p : s.processors) {
        if (p.name == name) return "processor";
    }
    for (const auto& k : s.sinks) {
        if (k.name == name) return "sink";
    }
    return name == "controller" && s.replication.enabled ? "controller" : "";
}

namespace {

constexpr std::int64_t kDayMs = 24 * 3'600'000;
const std::vector<std::string> kBroker{"broker"};
// What hears responses from brokers: the applications, and brokers themselves (a transaction
// coordinator sends WriteTxnMarkers, a follower fetches from its leader).
const std::vector<std::string> kClients{"producer", "consumer", "processor", "broker"};

// Fails at reader/key unless the node has one of the roles (a fault on a node of another role
// would do nothing, or something else than it says).
void require_role(ObjectReader& reader, const std::string& key, const Scenario& s, const std::string& name,
                  const std::vector<std::string>& roles) {
    const std::string role = node_role(s, name);
    if (std::find(roles.begin(), roles.end(), role) == roles.end()) {
        reader.fail(key, fmt::format("\"{}\" is a {}; expected a {}", name, role, fmt::join(roles, " or a ")));
    }
}

// The node named at reader/key, which must have one of the roles.
std::string require_node_role(ObjectReader& reader, const std::string& key, const Scenario& s,
                              const std::vector<std::string>& roles) {
    const std::string name = require_node(reader, key, s);
    require_role(reader, key, s, name, roles);
    return name;
}

void parse_window(ObjectReader& f, faults::FaultSpec& spec) {
    spec.at_us = f.required_duration_ms_as_us("at_ms", 0, kDayMs);
    spec.duration_us = f.required_duration_ms_as_us("duration_ms", 1, kDayMs);
}

// {"type": "partition", "isolate": [nodes]} or {"groups": [[nodes], [nodes]]}, "one_way".
faults::FaultSpec parse_partition(ObjectReader& f, const Scenario& s) {
    faults::FaultSpec spec;
    spec.kind = faults::FaultSpec::Kind::partition;
    parse_window(f, spec);
    spec.one_way = f.boolean("one_way", false);
    const auto names = [&f, &s](const nlohmann::json& list, const std::string& path) {
        std::vector<std::string> result;
        if (!list.is_array() || list.empty()) f.fail(path, "expected a non-empty array of node names, got " + describe_json_type(list));
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string at = path + "/" + std::to_string(i);
            if (!list[i].is_string()) f.fail(at, "expected a node name, got " + describe_json_type(list[i]));
            const std::string name = list[i].get<std::string>();
            if (node_names(s).count(name) == 0) {
                f.fail(at, fmt::format("unknown node \"{}\"; nodes are: {}", name, fmt::join(node_names(s), ", ")));
            }
            if (std::find(result.begin(), result.end(), name) != result.end()) {
                f.fail(at, fmt::format("node \"{}\" is listed twice", name));
            }
            result.push_back(name);
        }
        return result;
    };
    const nlohmann::json* isolate = f.raw("isolate");
    const nlohmann::json* groups = f.raw("groups");
    if ((isolate == nullptr) == (groups == nullptr)) f.fail("isolate", "give exactly one of \"isolate\" or \"groups\"");
    if (isolate != nullptr) {
        spec.side_a = names(*isolate, "isolate");
        if (spec.side_a.size() == node_names(s).size()) {
            f.fail("isolate", "isolates every node: nothing is left on the other side of the partition");
        }
    } else {
        if (!groups->is_array() || groups->size() != 2) f.fail("groups", "expected two groups of node names");
        spec.side_a = names((*groups)[0], "groups/0");
        spec.side_b = names((*groups)[1], "groups/1");
        for (const std::string& a : spec.side_a) {
            if (std::find(spec.side_b.begin(), spec.side_b.end(), a) != spec.side_b.end()) {
                f.fail("groups", "node \"" + a + "\" is in both groups");
            }
        }
    }
    spec.from = spec.side_a.front();
    return spec;
}

void parse_drop_responses(ObjectReader& f, const Scenario& s, std::vector<faults::FaultSpec>& out) {
    faults::FaultSpec spec;
    spec.kind = faults::FaultSpec::Kind::drop_messages;
    spec.to = require_node_role(f, "client", s, kClients);
    parse_window(f, spec);
    std::vector<std::string> brokers;
    if (f.has("broker")) {
        brokers.push_back(require_node_role(f, "broker", s, kBroker));
        if (brokers.back() == spec.to) f.fail("broker", fmt::format("\"{}\" is also the client", spec.to));
    } else {
        for (std::int32_t b = 0; b < s.brokers; ++b) brokers.push_back(Scenario::broker_name(b));
    }
    for (const std::string& broker : brokers) {
        spec.from = broker;
        out.push_back(spec);
    }
}

bool calls_sink(const Scenario& s, const std::string& client, const std::string& sink) {
    for (const auto& c : s.consumers) {
        if (c.name == client) return c.workload.sink == sink;
    }
    for (const auto& p : s.processors) {
        if (p.name == client) return p.workload.sink == sink;
    }
    return false;
}

// delay_request: one request type between two nodes. slow_external: an external sink's answers
// to one client come late (the effect has happened; the caller hears late).
faults::FaultSpec parse_typed_delay(ObjectReader& f, const Scenario& s, bool external, bool drawn) {
    faults::FaultSpec spec;
    spec.kind = faults::FaultSpec::Kind::delay_message_type;
    if (external) {
        spec.from = require_node_role(f, "sink", s, {"sink"});
        spec.to = require_node_role(f, "client", s, {"consumer", "processor"});
        if (!calls_sink(s, spec.to, spec.from)) {
            f.fail("client", fmt::format("\"{}\" does not call sink \"{}\" (its \"sink\" is another or none)",
                                         spec.to, spec.from));
        }
        spec.message_type = "SinkAck";
        spec.label = "slow external call";
    } else {
        spec.from = require_node(f, "from", s);
        spec.to = require_node(f, "to", s);
        if (spec.from == spec.to && !drawn) f.fail("to", fmt::format("a delay from \"{}\" to itself", spec.to));
        const std::string request = f.choice(
            "request", {"Produce", "Fetch", "InitProducerId", "AddPartitionsToTxn", "AddOffsetsToTxn", "EndTxn",
                        "TxnOffsetCommit", "WriteTxnMarkers", "OffsetCommit", "OffsetFetch"}, "");
        spec.message_type = request + "Request";
    }
    parse_window(f, spec);
    spec.extra_latency_us = f.required_duration_ms_as_us("extra_ms", 1, kDayMs);
    return spec;
}

std::vector<std::string> node_list(ObjectReader& f, const std::string& key, const Scenario& s, bool required,
                                   const std::vector<std::string>& roles = {}) {
    std::vector<std::string> names;
    const nlohmann::json* list = f.raw(key);
    if (list == nullptr) {
        if (required) f.fail(key, "required array of node names is missing");
        return names;
    }
    if (!list->is_array() || list->empty()) f.fail(key, "expected a non-empty array of node names");
    const std::set<std::string> known = node_names(s);
    for (std::size_t i = 0; i < list->size(); ++i) {
        const nlohmann::json& name = (*list)[i];
        if (!name.is_string() || known.count(name.get<std::string>()) == 0) {
            f.fail(key + "/" + std::to_string(i), "expected a node name, got " + describe_json_type(name));
        }
        if (!roles.empty()) require_role(f, key + "/" + std::to_string(i), s, name.get<std::string>(), roles);
        names.push_back(name.get<std::string>());
    }
    return names;
}

// A nemesis delay is drawn between a node of one list and one of the other: some pair must be
// two different nodes.
void require_two_nodes(ObjectReader& f, const std::string& key, const std::vector<std::string>& nodes,
                       const std::vector<std::string>& peers) {
    if (nodes.size() == 1 && peers.size() == 1 && nodes.front() == peers.front()) {
        f.fail(key, fmt::format("a delay from \"{}\" to itself (the only pair to draw)", nodes.front()));
    }
}

// [min, max] in milliseconds, as microseconds.
std::pair<sim::TimeUs, sim::TimeUs> range_ms(ObjectReader& f, const std::string& key, std::int64_t lowest) {
    const std::vector<std::int64_t> range = f.integers(key, lowest, kDayMs);
    if (range.size() != 2 || range[0] > range[1]) f.fail(key, "expected [min, max] with min <= max");
    return {sim::ms(range[0]), sim::ms(range[1])};
}

faults::NemesisFault parse_nemesis_fault(ObjectReader& f, const Scenario& s) {
    using Kind = faults::FaultSpec::Kind;
    faults::NemesisFault fault;
    const std::string type =
        f.choice("type", {"crash", "power_loss", "clean_shutdown", "pause", "drop_responses", "delay", "delay_request", "partition"}, "");
    fault.mean_interval_us = sim::ms(f.required_integer("mean_interval_ms", 1, kDayMs));
    if (type == "crash" || type == "power_loss" || type == "pause" || type == "clean_shutdown") {
        fault.kind = type == "pause" ? Kind::pause : type == "clean_shutdown" ? Kind::clean_shutdown : Kind::crash;
        fault.power_loss = type == "power_loss";
        fault.targets = node_list(f, "nodes", s, true);
        std::tie(fault.min_duration_us, fault.max_duration_us) = range_ms(f, type == "pause" ? "duration_ms" : "down_ms", 0);
    } else if (type == "partition") {
        // Each drawn window isolates one of the nodes from all others (or only its sends).
        fault.kind = Kind::partition;
        fault.targets = node_list(f, "isolate", s, true);
        fault.one_way = f.boolean("one_way", false);
        std::tie(fault.min_duration_us, fault.max_duration_us) = range_ms(f, "duration_ms", 1);
    } else if (type == "drop_responses") {
        fault.kind = Kind::drop_messages;
        fault.targets = node_list(f, "clients", s, true, kClients);
        fault.peers = node_list(f, "brokers", s, false, kBroker);
        if (fault.peers.empty()) {
            for (std::int32_t b = 0; b < s.brokers; ++b) fault.peers.push_back(Scenario::broker_name(b));
        }
        std::tie(fault.min_duration_us, fault.max_duration_us) = range_ms(f, "duration_ms", 1);
    } else {
        fault.kind = type == "delay" ? Kind::delay : Kind::delay_message_type;
        fault.targets = node_list(f, type == "delay" ? "nodes" : "from", s, true);
        fault.peers = node_list(f, type == "delay" ? "peers" : "to", s, true);
        require_two_nodes(f, type == "delay" ? "peers" : "to", fault.targets, fault.peers);
        if (type == "delay_request") {
            fault.message_type = f.choice("request", {"Produce", "Fetch", "InitProducerId", "AddPartitionsToTxn",
                                                      "AddOffsetsToTxn", "EndTxn", "TxnOffsetCommit", "WriteTxnMarkers",
                                                      "OffsetCommit", "OffsetFetch"}, "") + "Request";
        }
        std::tie(fault.min_duration_us, fault.max_duration_us) = range_ms(f, "duration_ms", 1);
        std::tie(fault.min_extra_us, fault.max_extra_us) = range_ms(f, "extra_ms", 1);
    }
    f.finish();
    return fault;
}

}  // namespace

void parse_nemesis(ObjectReader& root, Scenario& s) {
    auto nemesis = root.object("nemesis");
    if (!nemesis) return;
    faults::NemesisSpec spec;
    spec.start_us = sim::ms(nemesis->integer("start_ms", 0, kDayMs, 0));
    spec.end_us = sim::ms(nemesis->required_integer("end_ms", 1, kDayMs));
    if (spec.end_us <= spec.start_us) nemesis->fail("end_ms", "must be after start_ms");
    bool any = false;
    for (ObjectReader& f : nemesis->objects("faults")) {
        any = true;
        // "enabled": false keeps an entry validated but draws nothing from it (a swarm's fault mix).
        const bool enabled = f.boolean("enabled", true);
        faults::NemesisFault fault = parse_nemesis_fault(f, s);
        if (enabled) spec.faults.push_back(std::move(fault));
    }
    if (!any) nemesis->fail("faults", "at least one fault is required");
    nemesis->finish();
    s.nemesis = std::move(spec);
}

void check_names(ObjectReader& root, const Scenario& s) {
    std::set<std::string> seen;
    for (std::int32_t b = 0; b < s.brokers; ++b) seen.insert(Scenario::broker_name(b));
    const auto check = [&](const std::string& list, std::size_t index, const std::string& name) {
        const std::string key = fmt::format("{}/{}/name", list, index);
        check_node_name(root, key, name);
        if (!seen.insert(name).second) root.fail(key, fmt::format("node name \"{}\" is already used", name));
    };
    for (std::size_t i = 0; i < s.producers.size(); ++i) check("producers", i, s.producers[i].name);
    for (std::size_t i = 0; i < s.consumers.size(); ++i) check("consumers", i, s.consumers[i].name);
    for (std::size_t i = 0; i < s.sinks.size(); ++i) check("sinks", i, s.sinks[i].name);
    for (std::size_t i = 0; i < s.processors.size(); ++i) check("processors", i, s.processors[i].name);
}

namespace {

// When a crashed or shut-down node is surely down: from the fault to its restart; without a
// restart, for ever. (A clean shutdown's restart counts from its exit, which comes some time
// before timeout_ms: only the part known when loading is checked.)
struct DownWindow {
    std::string node;
    sim::TimeUs start_us = 0;
    sim::TimeUs end_us = 0;
    std::size_t index = 0;  // in faults[]
};

// A second crash of a node that is already down does nothing, and the report would pair the
// wrong restart with it: one node's down windows must not overlap.
void check_down_window(ObjectReader& f, const faults::FaultSpec& spec, std::size_t index, std::vector<DownWindow>& seen) {
    constexpr sim::TimeUs kForever = std::numeric_limits<sim::TimeUs>::max();
    const DownWindow window{spec.from, spec.at_us, spec.duration_us < 0 ? kForever : spec.at_us + spec.duration_us, index};
    for (const DownWindow& other : seen) {
        const bool overlap = other.node == window.node && (other.start_us == window.start_us ||
                                                           (other.start_us < window.end_us && window.start_us < other.end_us));
        if (overlap) {
            f.fail("at_ms", fmt::format("\"{}\" is still down from /faults/{} (its restart comes {}): crash and shutdown "
                                        "windows of one node must not overlap", window.node, other.index,
                                        other.end_us == kForever ? "never" : fmt::format("at {} ms", other.end_us / 1000)));
        }
    }
    seen.push_back(window);
}

}  // namespace

void parse_faults(ObjectReader& root, Scenario& s) {
    std::vector<DownWindow> down;
    std::size_t index = 0;
    for (ObjectReader& f : root.objects("faults")) {
        // Written out by eosim freeze: as the nemesis drew it, which checks less than a file
        // does (a node's crash windows may overlap, a delay may join a node to itself).
        const bool drawn = f.boolean("nemesis", false);
        const std::size_t first_spec = s.faults.size();
        const std::string type = f.choice(
            "type", {"drop_responses", "delay", "crash", "clean_shutdown", "pause", "delay_request", "slow_external", "partition"}, "");
        if (type == "drop_responses") {
            parse_drop_responses(f, s, s.faults);
        } else if (type == "pause") {
            faults::FaultSpec spec;
            spec.kind = faults::FaultSpec::Kind::pause;
            spec.from = require_node(f, "node", s);
            parse_window(f, spec);
            s.faults.push_back(spec);
        } else if (type == "delay_request" || type == "slow_external") {
            s.faults.push_back(parse_typed_delay(f, s, type == "slow_external", drawn));
        } else if (type == "partition") {
            s.faults.push_back(parse_partition(f, s));
        } else if (type == "delay") {
            faults::FaultSpec spec;
            spec.kind = faults::FaultSpec::Kind::delay;
            spec.from = require_node(f, "from", s);
            spec.to = require_node(f, "to", s);
            if (spec.from == spec.to && !drawn) f.fail("to", fmt::format("a delay from \"{}\" to itself", spec.to));
            parse_window(f, spec);
            spec.extra_latency_us = f.required_duration_ms_as_us("extra_ms", 1, kDayMs);
            spec.both_directions = f.boolean("both_directions", true);
            s.faults.push_back(spec);
        } else {
            faults::FaultSpec spec;
            spec.kind = faults::FaultSpec::Kind::crash;
            spec.from = require_node(f, "node", s);
            spec.at_us = f.required_duration_ms_as_us("at_ms", 0, kDayMs);
            spec.duration_us = f.has("restart_after_ms") ? f.duration_ms_as_us("restart_after_ms", 0, kDayMs, 0) : -1;
            if (type == "clean_shutdown") {
                spec.kind = faults::FaultSpec::Kind::clean_shutdown;
                spec.shutdown_timeout_us = sim::ms(f.integer("timeout_ms", 1, kDayMs, 60000));
            } else {
                spec.power_loss = f.boolean("power_loss", false);
            }
            if (!drawn) check_down_window(f, spec, index, down);
            s.faults.push_back(spec);
        }
        for (std::size_t i = first_spec; drawn && i < s.faults.size(); ++i) s.faults[i].label = "nemesis";
        f.finish();
        ++index;
    }
}

void parse_expectations(ObjectReader& root, Scenario& s) {
    auto expect = root.object("expect");
    if (!expect) return;
    Expectations e;
    if (auto verdicts = expect->object("verdicts")) {
        for (const std::string& name : verdict_names()) {
            if (verdicts->has(name)) e.verdicts[name] = verdicts->boolean(name, true);
        }
        verdicts->finish();
    }
    if (auto counts = expect->object("counts")) {
        for (const std::string& name : count_names()) {
            auto bound = counts->object(name);
            if (!bound) continue;
            CountBound b;
            constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
            if (bound->has("min")) b.min = static_cast<std::uint64_t>(bound->integer("min", 0, kMax, 0));
            if (bound->has("max")) b.max = static_cast<std::uint64_t>(bound->integer("max", 0, kMax, 0));
            if (b.min && b.max && *b.min > *b.max) bound->fail("min", "min is larger than max");
            bound->finish();
            e.counts[name] = b;
        }
        counts->finish();
    }
    if (auto anomalies = expect->object("anomalies")) {
        for (const std::string& name : check::QueueAnomalyChecker::anomaly_names()) {
            if (anomalies->has(name)) e.anomalies[name] = anomalies->boolean(name, false);
        }
        anomalies->finish();
    }
    if (const nlohmann::json* any = expect->raw("any_violated")) {
        if (!any->is_array() || any->empty()) expect->fail("any_violated", "expected a non-empty array of verdict names");
        for (std::size_t i = 0; i < any->size(); ++i) {
            const nlohmann::json& name = (*any)[i];
            const auto& known = verdict_names();
            if (!name.is_string() || std::find(known.begin(), known.end(), name.get<std::string>()) == known.end()) {
                expect->fail("any_violated/" + std::to_string(i), "expected a verdict name, got " + describe_json_type(name));
            }
            e.any_violated.push_back(name.get<std::string>());
        }
    }
    parse_event_expectations(*expect, s, e);
    expect->finish();
    s.expect = std::move(e);
}

void parse_sweep_expectations(ObjectReader& root, Scenario& s) {
    constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
    for (ObjectReader& e : root.objects("expect_sweep")) {
        SweepExpectation x;
        const int kinds = (e.has("violated") ? 1 : 0) + (e.has("holds") ? 1 : 0) + (e.has("count") ? 1 : 0) +
                          (e.has("anomaly") ? 1 : 0);
        if (kinds != 1) {
            e.fail("violated", "expected exactly one of \"violated\", \"holds\" (a verdict name), \"count\" (a count "
                               "name) or \"anomaly\" (a Jepsen anomaly name)");
        }
        if (e.has("anomaly")) {
            x.anomaly = e.choice("anomaly", check::QueueAnomalyChecker::anomaly_names(), "");
        } else if (e.has("count")) {
            x.count = e.choice("count", count_names(), "");
            x.count_at_least = static_cast<std::uint64_t>(e.integer("at_least", 0, kMax, 1));
        } else {
            x.verdict_holds = e.has("holds");
            x.verdict = e.choice(x.verdict_holds ? "holds" : "violated", verdict_names(), "");
        }
        x.min_seeds = static_cast<std::uint64_t>(e.integer("min_seeds", 0, kMax, 1));
        x.min_percent = static_cast<std::uint64_t>(e.integer("min_percent", 0, 100, 0));
        e.finish();
        s.expect_sweep.push_back(std::move(x));
    }
}

std::string SweepExpectation::text() const {
    if (!count.empty()) return fmt::format("{} >= {}", count, count_at_least);
    if (!anomaly.empty()) return fmt::format("anomaly {} found", anomaly);
    return fmt::format("{} {}", verdict, check::holds_text(verdict_holds));
}

const std::vector<std::string>& verdict_names() {
    static const std::vector<std::string> names = [] {
        std::vector<std::string> all;
        for (const check::VerdictName verdict : check::all_verdicts()) all.emplace_back(check::verdict_name(verdict));
        return all;
    }();
    return names;
}

const std::vector<std::string>& count_names() {
    static const std::vector<std::string> names{
        "sent",          "acknowledged",       "failed",
        "indeterminate", "delivered",          "duplicates",
        "lost",          "unexpected",         "aborted_reads", "aborted_reads_read_committed",
        "uncommitted_reads", "torn_transactions", "transactions_committed",
        "transactions_aborted", "processed_inputs", "processing_duplicates",
        "processing_missing", "external_effects", "external_duplicates",
        "external_missing"};
    return names;
}

}  // namespace eosim::scenario
