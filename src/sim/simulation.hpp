#pragma once
// The simulation kernel: clock, event queue, nodes, network, timers, faults hooks and trace.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "sim/event_queue.hpp"
#include "sim/network.hpp"
#include "sim/node.hpp"
#include "sim/prng.hpp"
#include "sim/time.hpp"
#include "sim/trace.hpp"

namespace eosim::sim {

struct SimulationMetrics {
    std::uint64_t events = 0;
    std::uint64_t messages_sent = 0;
    std::uint64_t messages_delivered = 0;
    std::uint64_t messages_dropped = 0;
};

// Run-time limits the event loop enforces (0: none). A run that reaches one stops with its cause;
// an interrupt flag (set by a signal handler) is polled between events.
struct RunLimits {
    std::uint64_t max_events = 0;
    std::uint64_t max_events_per_instant = 0;  // simulated time stopped advancing
    const std::atomic<bool>* interrupt = nullptr;
};

// Why run() returned early ("none": the queue emptied, time passed the limit, or stop()).
enum class StopCause : std::uint8_t { none, event_limit, instant_limit, interrupted };

class Simulation {
public:
    Simulation(std::uint64_t seed, LinkProfile default_link, std::ostream* trace_text);
    ~Simulation();

    NodeId add_node(std::unique_ptr<Node> node);
    Node& node(NodeId id) { return *nodes_[id].node; }
    const std::string& node_name(NodeId id) const { return nodes_[id].node->name(); }
    std::size_t node_count() const { return nodes_.size(); }
    NodeId find_node(std::string_view name) const;  // asserts it exists

    TimeUs now() const { return now_us_; }
    std::uint64_t seed() const { return seed_; }
    Prng stream(std::string_view purpose) const { return Prng::stream(seed_, purpose); }
    Network& network() { return network_; }
    Trace& trace() { return trace_; }
    const SimulationMetrics& metrics() const { return metrics_; }

    // --- For nodes ---
    ConnectionId connect(NodeId client, NodeId server);
    // Sends on an open connection; the payload arrives in order after the link latency, unless
    // the connection was closed or stalled meanwhile.
    void send(NodeId from, ConnectionId connection, std::unique_ptr<Payload> payload);
    // Closes a connection; messages still on the wire are lost and the peer is told.
    void close(NodeId by, ConnectionId connection);
    bool is_open(ConnectionId connection) { return network_.connection(connection).open; }
    TimerId set_timer(NodeId node, TimeUs delay_us, std::uint64_t tag);
    void cancel_timer(TimerId timer);
    void record_state(NodeId node, const Describable& change);

    // --- Kernel hooks for faults and harnesses ---
    void schedule(TimeUs at_us, std::function<void()> action);
    // power_loss: a machine-level crash; the node also loses what it had not flushed.
    void crash(NodeId node, bool power_loss = false);
    void restart(NodeId node);
    // Pauses nest (two pause faults can overlap): the process runs again when the last pause
    // ends. pause() says whether it took effect (false if the node is down); a crash ends every
    // pause of the process it kills.
    bool pause(NodeId node);
    void resume(NodeId node);
    std::uint32_t incarnation(NodeId node) const { return nodes_[node].incarnation; }
    // A clean shutdown: the node is told (Node::on_shutdown, deferred while it is paused) and
    // leaves when it calls exit(). on_exit runs once it is down, by exit or by a crash meanwhile.
    void shutdown(NodeId node, std::function<void()> on_exit);
    // For a node ending its own clean shutdown: after the current event, the process stops;
    // its memory is dropped (on_crash) and its connections are closed with a FIN behind what it
    // sent. Persisted state stays.
    void exit(NodeId node);
    bool is_shutting_down(NodeId node) const { return nodes_[node].shutting_down; }
    bool is_up(NodeId node) const { return nodes_[node].up; }
    bool is_paused(NodeId node) const { return nodes_[node].pauses > 0; }
    void record_fault(std::string_view subject, const Describable& fault);
    // Cuts or heals one direction of a link (a network partition). Cuts nest: the link heals when
    // every partition that cut it has healed, and then what waited is released.
    void set_partitioned(NodeId from, NodeId to, bool partitioned);

    void start_all();
    // Runs events until the queue is empty, time passes limit_us, or stop() is called.
    void run(TimeUs limit_us);
    void stop() { stop_requested_ = true; }
    void set_limits(const RunLimits& limits) { limits_ = limits; }
    StopCause stop_cause() const { return stop_cause_; }
    // Events dispatched at the current simulated instant so far.
    std::uint64_t events_at_instant() const { return events_at_instant_; }
    std::size_t pending_events() const { return queue_.size(); }
    std::size_t held_messages() const;
    // Messages of one type on the wire or held by a partition (for "is anything still to arrive").
    std::size_t messages_in_transit(std::string_view type_name) const;

private:
    struct NodeSlot {
        std::unique_ptr<Node> node;
        std::uint32_t incarnation = 0;
        bool up = true;
        int pauses = 0;               // pause faults in effect; frozen while > 0
        std::vector<Event> deferred;  // events that arrived while paused
        bool shutting_down = false;
        bool shutdown_deferred = false;  // asked while paused: told on resume
        std::function<void()> on_exit;
    };
    struct InFlight {
        NodeId from = 0;
        NodeId to = 0;
        ConnectionId connection = 0;
        std::unique_ptr<Payload> payload;
    };

    void dispatch(const Event& event);
    void deliver(const Event& event);
    void close_connections_of(NodeId node);
    void stop_process(NodeId node, std::string_view how, bool power_loss);
    void drop_deferred(NodeSlot& slot);
    void transmit(NodeId from, NodeId to, ConnectionId id, int direction, std::unique_ptr<Payload> payload);
    void transmit_fin(NodeId by, NodeId peer, ConnectionId id, int direction);
    void release_held(NodeId from, NodeId to);
    std::uint64_t store(InFlight in_flight);

    std::uint64_t seed_;
    TimeUs now_us_ = 0;
    EventQueue queue_;
    Network network_;
    Trace trace_;
    SimulationMetrics metrics_;
    std::vector<NodeSlot> nodes_;
    std::vector<InFlight> in_flight_;
    // Messages waiting behind a network partition, per connection and direction, in send order;
    // a null payload is the closer's FIN.
    std::map<std::pair<ConnectionId, int>, std::vector<std::unique_ptr<Payload>>> held_;
    std::vector<std::uint64_t> free_slots_;
    std::vector<std::function<void()>> callbacks_;
    std::vector<std::uint64_t> free_callbacks_;
    TimerId next_timer_ = 1;
    std::unordered_set<TimerId> cancelled_timers_;  // membership only; never iterated
    bool stop_requested_ = false;
    RunLimits limits_;
    StopCause stop_cause_ = StopCause::none;
    std::uint64_t events_at_instant_ = 0;

    StopCause limit_reached() const;
};

}  // namespace eosim::sim
