// The passes of `eosim shrink` that come after the fault list is cut: fewer clients, brokers,
// replicas and partitions, fewer nodes in a partition's groups, and a run limit just past the
// failing run's end. Each candidate is kept only if it loads and fails with the same subject
// (a removed client a fault still names, or a partition an assignment lists, does not load).
#include <fmt/format.h>

#include <algorithm>

#include "explore/shrink_attempts.hpp"

namespace eosim::explore::shrink_detail {
namespace {

// Keeps candidate as current if it fails the same way; says what it did.
bool accept(Json& current, Json candidate, const std::string& subject, Attempts& attempts, ShrinkResult& result,
            const std::string& step) {
    if (!attempts.fails_with(candidate, subject)) return false;
    current = std::move(candidate);
    result.steps.push_back(step);
    return true;
}

std::int64_t int_or(const Json& object, const char* key, std::int64_t fallback) {
    return object.contains(key) && object[key].is_number_integer() ? object[key].get<std::int64_t>() : fallback;
}

// Halves an integer field (at least floor) while the failure stays; `where` names it in the steps.
void halve_while_failing(Json& current, const Json::json_pointer& path, std::int64_t floor, const std::string& subject,
                         Attempts& attempts, ShrinkResult& result) {
    for (int step = 0; step < 8; ++step) {
        if (!current.contains(path) || !current[path].is_number_integer()) return;
        const std::int64_t now = current[path].get<std::int64_t>();
        const std::int64_t next = std::max(floor, now / 2);
        if (next >= now) return;
        Json candidate = current;
        candidate[path] = next;
        if (!accept(current, std::move(candidate), subject, attempts, result, fmt::format("{} {} -> {}", path.to_string(), now, next))) return;
    }
}

}  // namespace

// Drops whole producers, processors and consumers, the last first, keeping one of each kind.
void shrink_clients(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result) {
    for (const char* list : {"producers", "processors", "consumers"}) {
        if (!current.contains(list)) continue;
        for (std::size_t i = current[list].size(); i-- > 0 && current[list].size() > 1;) {
            Json candidate = current;
            const std::string name = candidate[list][i].value("name", fmt::format("{}[{}]", list, i));
            candidate[list].erase(i);
            accept(current, std::move(candidate), subject, attempts, result, fmt::format("{} {} removed", list, name));
        }
    }
}

// Fewer partitions per topic, a lower replication factor, then fewer brokers.
void shrink_cluster(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result) {
    if (current.contains("topics")) {
        for (std::size_t i = 0; i < current["topics"].size(); ++i) {
            const std::string topic = fmt::format("/topics/{}", i);
            halve_while_failing(current, Json::json_pointer(topic + "/partitions"), 1, subject, attempts, result);
            halve_while_failing(current, Json::json_pointer(topic + "/replication_factor"), 1, subject, attempts, result);
        }
    }
    if (!current.contains("cluster")) return;
    for (std::int64_t brokers = int_or(current["cluster"], "brokers", 1); brokers > 1; --brokers) {
        Json candidate = current;
        candidate["cluster"]["brokers"] = brokers - 1;
        if (!accept(current, std::move(candidate), subject, attempts, result,
                    fmt::format("/cluster/brokers {} -> {}", brokers, brokers - 1))) {
            return;
        }
    }
}

// A network partition's isolated nodes and group members, one at a time (one per group kept).
void shrink_fault_targets(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result) {
    if (!current.contains("faults")) return;
    for (std::size_t f = 0; f < current["faults"].size(); ++f) {
        std::vector<std::string> lists;
        const Json& fault = current["faults"][f];
        if (fault.contains("isolate") && fault["isolate"].is_array()) lists.push_back(fmt::format("/faults/{}/isolate", f));
        if (fault.contains("groups") && fault["groups"].is_array()) {
            for (std::size_t g = 0; g < fault["groups"].size(); ++g) lists.push_back(fmt::format("/faults/{}/groups/{}", f, g));
        }
        for (const std::string& list : lists) {
            const Json::json_pointer path(list);
            for (std::size_t i = current[path].size(); i-- > 0 && current[path].size() > 1;) {
                Json candidate = current;
                const std::string node = candidate[path][i].is_string() ? candidate[path][i].get<std::string>() : "?";
                candidate[path].erase(i);
                accept(current, std::move(candidate), subject, attempts, result, fmt::format("{}: {} removed", list, node));
            }
        }
    }
}

// The run limit cut to the next whole second after the run went quiet, plus one: a replay that
// regresses into a hang then stops soon. Not for a run that never went quiet (its limit is part of
// the failure) or a failing `quiesced` verdict.
void shrink_run_length(Json& current, const std::string& subject, Attempts& attempts, ShrinkResult& result) {
    if (subject == "verdict quiesced" || !attempts.fails_with(current, subject) || !attempts.last_outcome.quiesced) return;
    const std::int64_t quiet_ms = (attempts.last_outcome.simulated_us + 999) / 1000;
    const std::int64_t limit_ms = (quiet_ms / 1000 + 2) * 1000;
    const std::int64_t before_ms = current.contains("run") ? int_or(current["run"], "max_simulated_ms", 600000) : 600000;
    if (limit_ms >= before_ms) return;
    Json candidate = current;
    candidate["run"]["max_simulated_ms"] = limit_ms;
    accept(current, std::move(candidate), subject, attempts, result,
           fmt::format("/run/max_simulated_ms {} -> {} (the run goes quiet at {} ms)", before_ms, limit_ms, quiet_ms));
}

}  // namespace eosim::explore::shrink_detail
