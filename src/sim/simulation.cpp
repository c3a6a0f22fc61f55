#include "sim/simulation.hpp"

#include "base/assert.hpp"

namespace eosim::sim {
namespace {

// Trace record for a node lifecycle change or a lost message.
class Note final : public Describable {
public:
    Note(std::string_view name, std::string_view reason) : name_(name), reason_(reason) {}
    std::string_view type_name() const override { return name_; }
    void describe(FieldWriter& out) const override {
        if (!reason_.empty()) out.field("reason", reason_);
    }

private:
    std::string_view name_;
    std::string_view reason_;
};

}  // namespace

Simulation::Simulation(std::uint64_t seed, LinkProfile default_link, std::ostream* trace_text)
    : seed_(seed), network_(seed, default_link), trace_(trace_text) {}

Simulation::~Simulation() = default;

NodeId Simulation::add_node(std::unique_ptr<Node> node) {
    const auto id = static_cast<NodeId>(nodes_.size());
    node->id_ = id;
    node->sim_ = this;
    network_.add_node(node->name());
    NodeSlot slot;
    slot.node = std::move(node);
    nodes_.push_back(std::move(slot));
    return id;
}

NodeId Simulation::find_node(std::string_view name) const {
    for (NodeId id = 0; id < nodes_.size(); ++id) {
        if (nodes_[id].node->name() == name) return id;
    }
    EOSIM_UNREACHABLE("unknown node");
    return 0;
}

void Simulation::start_all() {
    for (auto& slot : nodes_) slot.node->on_start();
}

ConnectionId Simulation::connect(NodeId client, NodeId server) {
    EOSIM_ASSERT(nodes_[client].up);
    const ConnectionId id = network_.open(client, server, nodes_[client].incarnation,
                                          nodes_[server].incarnation);
    if (!nodes_[server].up) {
        // Connection refused: the client learns after one link latency.
        Connection& c = network_.connection(id);
        c.open = false;
        c.accepting[0] = false;
        c.accepting[1] = false;
        queue_.push(Event{now_us_ + network_.draw_latency(server, client), 0,
                          EventKind::connection_closed, client, nodes_[client].incarnation, id});
    }
    return id;
}

std::uint64_t Simulation::store(InFlight in_flight) {
    if (!free_slots_.empty()) {
        const std::uint64_t slot = free_slots_.back();
        free_slots_.pop_back();
        in_flight_[slot] = std::move(in_flight);
        return slot;
    }
    in_flight_.push_back(std::move(in_flight));
    return in_flight_.size() - 1;
}

void Simulation::send(NodeId from, ConnectionId id, std::unique_ptr<Payload> payload) {
    EOSIM_ASSERT(payload != nullptr);
    Connection& c = network_.connection(id);
    EOSIM_ASSERT(from == c.client || from == c.server);
    ++metrics_.messages_sent;
    const int direction = from == c.client ? 0 : 1;
    const NodeId to = direction == 0 ? c.server : c.client;
    trace_.sent(now_us_, node_name(from), node_name(to), *payload);
    if (!c.open) {
        ++metrics_.messages_dropped;
        trace_.record(now_us_, TraceKind::drop, node_name(to), node_name(from), *payload);
        return;
    }
    if (network_.faults(from, to).drops_messages() && !c.stalled[direction]) {
        c.stalled[direction] = true;
        record_fault(node_name(from), StateChange("fault.message_lost")
                                          .with("to", node_name(to))
                                          .with("connection", static_cast<std::int64_t>(id))
                                          .with("message", payload->type_name()));
    }
    if (c.stalled[direction]) {
        ++metrics_.messages_dropped;
        trace_.record(now_us_, TraceKind::drop, node_name(to), node_name(from), *payload);
        return;
    }
    const auto held = held_.find({id, direction});
    if (network_.faults(from, to).partitioned() || held != held_.end()) {
        trace_.record(now_us_, TraceKind::node, node_name(from), node_name(to), Note("net.held", payload->type_name()));
        held_[{id, direction}].push_back(std::move(payload));
        return;
    }
    transmit(from, to, id, direction, std::move(payload));
}

void Simulation::transmit(NodeId from, NodeId to, ConnectionId id, int direction, std::unique_ptr<Payload> payload) {
    Connection& c = network_.connection(id);
    const TimeUs sent_us = network_.transmit_done_us(from, to, now_us_, payload->size_bytes());
    TimeUs arrival_us = sent_us + network_.draw_latency(from, to, payload->type_name());
    if (arrival_us < c.last_arrival_us[direction]) arrival_us = c.last_arrival_us[direction];
    c.last_arrival_us[direction] = arrival_us;
    const std::uint64_t slot = store(InFlight{from, to, id, std::move(payload)});
    queue_.push(Event{arrival_us, 0, EventKind::delivery, to, nodes_[to].incarnation, slot});
}

void Simulation::transmit_fin(NodeId by, NodeId peer, ConnectionId id, int direction) {
    Connection& c = network_.connection(id);
    // The FIN travels behind everything the closer already sent.
    TimeUs fin_us = now_us_ + network_.draw_latency(by, peer);
    if (fin_us < c.last_arrival_us[direction]) fin_us = c.last_arrival_us[direction];
    queue_.push(Event{fin_us, 0, EventKind::connection_closed, peer, nodes_[peer].incarnation, id});
}

void Simulation::set_partitioned(NodeId from, NodeId to, bool partitioned) {
    LinkFaults& link = network_.faults(from, to);
    link.partitions += partitioned ? 1 : -1;
    EOSIM_ASSERT(link.partitions >= 0);
    if (!link.partitioned()) release_held(from, to);
}

// In connection order (deterministic), each direction's waiting messages leave in send order.
void Simulation::release_held(NodeId from, NodeId to) {
    for (auto it = held_.begin(); it != held_.end();) {
        const auto [id, direction] = it->first;
        const Connection& c = network_.connection(id);
        const NodeId sender = direction == 0 ? c.client : c.server;
        const NodeId receiver = direction == 0 ? c.server : c.client;
        if (sender != from || receiver != to) {
            ++it;
            continue;
        }
        std::vector<std::unique_ptr<Payload>> waiting = std::move(it->second);
        it = held_.erase(it);
        for (std::unique_ptr<Payload>& payload : waiting) {
            if (payload == nullptr) {
                transmit_fin(from, to, id, direction);
            } else if (c.accepting[direction]) {
                transmit(from, to, id, direction, std::move(payload));
            }
        }
    }
}

void Simulation::close(NodeId by, ConnectionId id) {
    Connection& c = network_.connection(id);
    EOSIM_ASSERT(by == c.client || by == c.server);
    if (!c.open) return;
    c.open = false;
    const int outgoing = by == c.client ? 0 : 1;
    c.accepting[1 - outgoing] = false;  // the closer reads nothing more
    const NodeId peer = by == c.client ? c.server : c.client;
    held_.erase({id, 1 - outgoing});  // toward the closer: it reads nothing more
    const auto held = held_.find({id, outgoing});
    if (network_.faults(by, peer).partitioned() || held != held_.end()) {
        held_[{id, outgoing}].push_back(nullptr);  // the FIN waits behind the held data
        return;
    }
    transmit_fin(by, peer, id, outgoing);
}

TimerId Simulation::set_timer(NodeId node, TimeUs delay_us, std::uint64_t tag) {
    EOSIM_ASSERT(delay_us >= 0);
    EOSIM_ASSERT(nodes_[node].up);
    const TimerId id = next_timer_++;
    queue_.push(
        Event{now_us_ + delay_us, 0, EventKind::timer, node, nodes_[node].incarnation, id, tag});
    return id;
}

void Simulation::cancel_timer(TimerId timer) { cancelled_timers_.insert(timer); }

void Simulation::record_state(NodeId node, const Describable& change) {
    trace_.record(now_us_, TraceKind::state, node_name(node), {}, change);
}

void Simulation::record_fault(std::string_view subject, const Describable& fault) {
    trace_.record(now_us_, TraceKind::fault, subject, {}, fault);
}

void Simulation::schedule(TimeUs at_us, std::function<void()> action) {
    EOSIM_ASSERT(at_us >= now_us_);
    std::uint64_t slot = callbacks_.size();
    if (free_callbacks_.empty()) {
        callbacks_.push_back(std::move(action));
    } else {
        slot = free_callbacks_.back();
        free_callbacks_.pop_back();
        callbacks_[slot] = std::move(action);
    }
    queue_.push(Event{at_us, 0, EventKind::callback, 0, 0, slot});
}

void Simulation::close_connections_of(NodeId node) {
    for (ConnectionId id = 0; id < network_.connection_count(); ++id) {
        Connection& c = network_.connection(id);
        if (!c.open || (c.client != node && c.server != node)) continue;
        close(node, id);
    }
}

void Simulation::crash(NodeId node, bool power_loss) {
    if (!nodes_[node].up) return;
    stop_process(node, power_loss ? "node.power_loss" : "node.crash", power_loss);
}

// A frozen process that dies never reads what queued up for it: those messages are lost, and
// their in-flight slots free (else they would count as in transit for good).
void Simulation::drop_deferred(NodeSlot& slot) {
    for (const Event& event : slot.deferred) {
        if (event.kind != EventKind::delivery) continue;
        in_flight_[event.token] = InFlight{};
        free_slots_.push_back(event.token);
        ++metrics_.messages_dropped;
    }
    slot.deferred.clear();
}

void Simulation::stop_process(NodeId node, std::string_view how, bool power_loss) {
    NodeSlot& slot = nodes_[node];
    EOSIM_ASSERT(slot.up);
    trace_.record(now_us_, TraceKind::node, node_name(node), {}, Note(how, ""));
    slot.up = false;
    slot.pauses = 0;
    drop_deferred(slot);
    ++slot.incarnation;  // timers and deliveries addressed to the old process are void
    close_connections_of(node);
    slot.node->on_crash();
    if (power_loss) slot.node->on_power_loss();
    slot.shutting_down = false;
    slot.shutdown_deferred = false;
    if (slot.on_exit) {
        std::function<void()> on_exit = std::move(slot.on_exit);
        slot.on_exit = nullptr;
        on_exit();
    }
}

void Node::on_shutdown() { sim().exit(id()); }

void Simulation::shutdown(NodeId node, std::function<void()> on_exit) {
    NodeSlot& slot = nodes_[node];
    if (!slot.up || slot.shutting_down) return;
    trace_.record(now_us_, TraceKind::node, node_name(node), {}, Note("node.shutdown", ""));
    slot.shutting_down = true;
    slot.on_exit = std::move(on_exit);
    if (slot.pauses > 0) {
        slot.shutdown_deferred = true;  // a frozen process handles its SIGTERM when it resumes
        return;
    }
    slot.node->on_shutdown();
}

void Simulation::exit(NodeId node) {
    EOSIM_ASSERT(nodes_[node].up);
    EOSIM_ASSERT(nodes_[node].shutting_down);
    // Not inside the caller's handler: the node's memory is dropped once its event is over.
    const std::uint32_t incarnation = nodes_[node].incarnation;
    schedule(now_us_, [this, node, incarnation] {
        const NodeSlot& slot = nodes_[node];
        if (!slot.up || slot.incarnation != incarnation) return;
        stop_process(node, "node.exit", false);
    });
}

void Simulation::restart(NodeId node) {
    NodeSlot& slot = nodes_[node];
    if (slot.up) return;
    trace_.record(now_us_, TraceKind::node, node_name(node), {}, Note("node.restart", ""));
    slot.up = true;
    slot.node->on_start();
}

bool Simulation::pause(NodeId node) {
    NodeSlot& slot = nodes_[node];
    if (!slot.up) return false;
    if (slot.pauses++ > 0) return true;  // already frozen: this pause nests in the other
    trace_.record(now_us_, TraceKind::node, node_name(node), {}, Note("node.pause", ""));
    return true;
}

void Simulation::resume(NodeId node) {
    NodeSlot& slot = nodes_[node];
    if (slot.pauses == 0) return;
    if (--slot.pauses > 0) return;  // another pause still holds it
    trace_.record(now_us_, TraceKind::node, node_name(node), {}, Note("node.resume", ""));
    // The process sees everything that queued up while it was frozen, in arrival order.
    for (Event event : slot.deferred) {
        event.time_us = now_us_;
        queue_.push(event);
    }
    slot.deferred.clear();
    if (slot.shutdown_deferred) {
        slot.shutdown_deferred = false;
        slot.node->on_shutdown();
    }
}

void Simulation::deliver(const Event& event) {
    InFlight in_flight = std::move(in_flight_[event.token]);
    free_slots_.push_back(event.token);
    const Connection& c = network_.connection(in_flight.connection);
    const NodeSlot& receiver = nodes_[in_flight.to];
    const bool to_server = in_flight.to == c.server;
    const std::uint32_t expected = to_server ? c.server_incarnation : c.client_incarnation;
    if (!c.accepting[to_server ? 0 : 1] || !receiver.up || receiver.incarnation != expected) {
        ++metrics_.messages_dropped;
        trace_.record(now_us_, TraceKind::drop, node_name(in_flight.to),
                      node_name(in_flight.from), *in_flight.payload);
        return;
    }
    ++metrics_.messages_delivered;
    trace_.record(now_us_, TraceKind::deliver, node_name(in_flight.to), node_name(in_flight.from),
                  *in_flight.payload);
    const Envelope envelope{in_flight.from, in_flight.to, in_flight.connection,
                            in_flight.payload.get()};
    receiver.node->on_message(envelope);
}

void Simulation::dispatch(const Event& event) {
    if (event.kind == EventKind::callback) {
        auto action = std::move(callbacks_[event.token]);
        free_callbacks_.push_back(event.token);
        action();
        return;
    }
    if (event.kind == EventKind::timer && cancelled_timers_.erase(event.token) > 0) return;
    NodeSlot& slot = nodes_[event.node];
    const bool stale = !slot.up || slot.incarnation != event.incarnation;
    if (event.kind == EventKind::delivery && (stale || slot.pauses == 0)) {
        deliver(event);  // deliver() itself drops messages for a dead incarnation
        return;
    }
    if (stale) return;
    if (slot.pauses > 0) {
        slot.deferred.push_back(event);
        return;
    }
    if (event.kind == EventKind::timer) {
        slot.node->on_timer(event.tag);
        return;
    }
    EOSIM_ASSERT(event.kind == EventKind::connection_closed);
    slot.node->on_connection_closed(event.token);
}

std::size_t Simulation::held_messages() const {
    std::size_t held = 0;
    for (const auto& [key, waiting] : held_) held += waiting.size();
    return held;
}

std::size_t Simulation::messages_in_transit(std::string_view type_name) const {
    std::size_t count = 0;
    for (const InFlight& f : in_flight_) count += f.payload != nullptr && f.payload->type_name() == type_name ? 1 : 0;
    for (const auto& [key, waiting] : held_) {
        for (const auto& payload : waiting) count += payload != nullptr && payload->type_name() == type_name ? 1 : 0;
    }
    return count;
}

// Checked before each event; the interrupt flag only every 1024 events (an atomic load).
StopCause Simulation::limit_reached() const {
    constexpr std::uint64_t kInterruptPollEvents = 1024;
    if (limits_.max_events != 0 && metrics_.events >= limits_.max_events) return StopCause::event_limit;
    if (limits_.max_events_per_instant != 0 && events_at_instant_ >= limits_.max_events_per_instant &&
        queue_.top().time_us == now_us_) {
        return StopCause::instant_limit;
    }
    if (limits_.interrupt != nullptr && metrics_.events % kInterruptPollEvents == 0 &&
        limits_.interrupt->load(std::memory_order_relaxed)) {
        return StopCause::interrupted;
    }
    return StopCause::none;
}

void Simulation::run(TimeUs limit_us) {
    stop_requested_ = false;
    stop_cause_ = StopCause::none;
    while (!queue_.empty() && !stop_requested_) {
        if (queue_.top().time_us > limit_us) break;
        stop_cause_ = limit_reached();
        if (stop_cause_ != StopCause::none) break;
        const Event event = queue_.pop();
        EOSIM_ASSERT(event.time_us >= now_us_);
        if (event.time_us != now_us_) events_at_instant_ = 0;
        now_us_ = event.time_us;
        ++events_at_instant_;
        ++metrics_.events;
        dispatch(event);
    }
}

}  // namespace eosim::sim
