// Transaction dependency graphs over txn operations (Elle's ww and wr edges, as Jepsen's Kafka
// checker builds them): precommitted-read, G0 (a cycle of ww edges, allowed in Kafka's model)
// and G1c (a cycle of wr edges only: circular information flow).
#include <fmt/format.h>

#include <algorithm>

#include "check/checker_text.hpp"
#include "check/queue_anomalies.hpp"

namespace eosim::check {
namespace {

using Graph = std::vector<std::set<std::size_t>>;

// Strongly connected components with more than one node (Kosaraju, iterative: no recursion).
std::vector<std::vector<std::size_t>> cycles(const Graph& graph) {
    const std::size_t n = graph.size();
    std::vector<std::size_t> order;
    std::vector<bool> seen(n, false);
    for (std::size_t root = 0; root < n; ++root) {
        if (seen[root]) continue;
        std::vector<std::pair<std::size_t, std::set<std::size_t>::const_iterator>> stack{{root, graph[root].begin()}};
        seen[root] = true;
        while (!stack.empty()) {
            auto& [node, next] = stack.back();
            if (next == graph[node].end()) {
                order.push_back(node);
                stack.pop_back();
                continue;
            }
            const std::size_t to = *next++;
            if (!seen[to]) {
                seen[to] = true;
                stack.push_back({to, graph[to].begin()});
            }
        }
    }
    Graph reverse(n);
    for (std::size_t from = 0; from < n; ++from) {
        for (const std::size_t to : graph[from]) reverse[to].insert(from);
    }
    std::vector<bool> assigned(n, false);
    std::vector<std::vector<std::size_t>> components;
    for (auto it = order.rbegin(); it != order.rend(); ++it) {
        if (assigned[*it]) continue;
        std::vector<std::size_t> component;
        std::vector<std::size_t> stack{*it};
        assigned[*it] = true;
        while (!stack.empty()) {
            const std::size_t node = stack.back();
            stack.pop_back();
            component.push_back(node);
            for (const std::size_t from : reverse[node]) {
                if (!assigned[from]) {
                    assigned[from] = true;
                    stack.push_back(from);
                }
            }
        }
        if (component.size() > 1) {
            std::sort(component.begin(), component.end());
            components.push_back(std::move(component));
        }
    }
    return components;
}

}  // namespace

void QueueAnomalyChecker::transaction_anomalies(const std::map<std::uint32_t, Order>& orders,
                                                Anomalies& out) const {
    std::map<std::uint64_t, std::size_t> writer;  // value -> txn that sent it
    for (std::size_t t = 0; t < txns_.size(); ++t) {
        std::set<std::uint64_t> sent;
        for (const auto& e : elements(txns_[t])) {
            if (!e.read) sent.insert(e.value);
        }
        for (const auto& e : elements(txns_[t])) {
            if (e.read && sent.count(e.value) > 0) {
                add_violation(out.found["precommitted-read"],
                              fmt::format("{} (op {}) polled value {} that it sent itself, before committing",
                                          names_.process_name(txns_[t].process), txns_[t].index, e.value));
            }
        }
        if (txns_[t].type == history::OpType::fail) continue;  // aborted: no committed writes
        for (const std::uint64_t v : sent) writer[v] = t;
    }
    Graph wr(txns_.size());
    Graph ww(txns_.size());
    for (std::size_t t = 0; t < txns_.size(); ++t) {
        if (txns_[t].type != history::OpType::ok) continue;
        for (const auto& e : elements(txns_[t])) {
            const auto w = writer.find(e.value);
            if (e.read && w != writer.end() && w->second != t) wr[w->second].insert(t);
        }
    }
    for (const auto& [key, order] : orders) {
        std::optional<std::size_t> previous;
        for (std::size_t i = 0; i < order.size(); ++i) {
            const bool single = (i == 0 || order[i - 1].first != order[i].first) &&
                                (i + 1 == order.size() || order[i + 1].first != order[i].first);
            if (!single) continue;
            const auto w = writer.find(order[i].second);
            if (w == writer.end()) continue;
            if (previous && *previous != w->second) ww[*previous].insert(w->second);
            previous = w->second;
        }
    }
    const auto describe = [this](const std::vector<std::size_t>& component) {
        std::vector<std::string> ops;
        for (const std::size_t t : component) {
            ops.push_back(fmt::format("op {} by {}", txns_[t].index, names_.process_name(txns_[t].process)));
        }
        return fmt::format("{}", fmt::join(ops, ", "));
    };
    for (const auto& component : cycles(wr)) {
        add_violation(out.found["G1c"], "transactions read each other's writes in a cycle: " + describe(component));
    }
    for (const auto& component : cycles(ww)) {
        add_violation(out.found["G0"], "transactions' writes interleave in a cycle (allowed in Kafka): " + describe(component));
    }
}

}  // namespace eosim::check
