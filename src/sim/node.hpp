#pragma once
// A simulated process. The kernel knows nothing of what it does: it delivers messages, fires
// timers and tells it when it crashed (memory lost) or (re)started.
#include <cstdint>
#include <string>

#include "sim/trace.hpp"

namespace eosim::sim {

using NodeId = std::uint32_t;
using ConnectionId = std::uint64_t;
using TimerId = std::uint64_t;

class Simulation;

// A message body. Concrete protocols derive from it; the kernel only traces it and, on a link
// with a bandwidth, charges its size.
class Payload : public Describable {
public:
    // Bytes on the wire; 0 costs no transmission time.
    virtual std::int64_t size_bytes() const { return 0; }
};

struct Envelope {
    NodeId from = 0;
    NodeId to = 0;
    ConnectionId connection = 0;
    const Payload* payload = nullptr;
};

class Node {
public:
    explicit Node(std::string name) : name_(std::move(name)) {}
    virtual ~Node() = default;
    Node(const Node&) = delete;
    Node& operator=(const Node&) = delete;

    const std::string& name() const { return name_; }
    NodeId id() const { return id_; }

    // At first start and after every restart. Volatile state is rebuilt from persisted state.
    virtual void on_start() = 0;
    virtual void on_message(const Envelope& envelope) = 0;
    virtual void on_timer(std::uint64_t tag) = 0;
    // The peer closed the connection, or crashed (the peer's OS resets it).
    virtual void on_connection_closed(ConnectionId connection) { (void)connection; }
    // The process died: every volatile field must be dropped; persisted state stays.
    virtual void on_crash() = 0;
    // After on_crash, when the whole machine lost power: unflushed persisted state goes too.
    virtual void on_power_loss() {}
    // A clean shutdown was asked for (SIGTERM): the process winds down in its own way and then
    // calls Simulation::exit. By default it exits at once.
    virtual void on_shutdown();

protected:
    Simulation& sim() const { return *sim_; }

private:
    friend class Simulation;
    std::string name_;
    NodeId id_ = 0;
    Simulation* sim_ = nullptr;
};

}  // namespace eosim::sim
