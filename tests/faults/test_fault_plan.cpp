// Overlapping faults: each fault lasts exactly as long as its spec says, whatever else overlaps.
#include <doctest/doctest.h>

#include <memory>
#include <string>
#include <vector>

#include "faults/fault_plan.hpp"
#include "sim/simulation.hpp"

namespace {

using namespace eosim;

class Idle final : public sim::Node {
public:
    using Node::Node;
    void on_start() override {}
    void on_message(const sim::Envelope&) override {}
    void on_timer(std::uint64_t) override {}
    void on_connection_closed(sim::ConnectionId) override {}
    void on_crash() override {}
};

struct Cluster {
    sim::Simulation sim{1, sim::LinkProfile{100, 0}, nullptr};
    sim::NodeId a = sim.add_node(std::make_unique<Idle>("a"));
    sim::NodeId b = sim.add_node(std::make_unique<Idle>("b"));
    sim::NodeId c = sim.add_node(std::make_unique<Idle>("c"));
};

faults::FaultSpec isolate(std::string node, sim::TimeUs at_us, sim::TimeUs duration_us) {
    faults::FaultSpec spec;
    spec.kind = faults::FaultSpec::Kind::partition;
    spec.side_a = {std::move(node)};
    spec.at_us = at_us;
    spec.duration_us = duration_us;
    return spec;
}

faults::FaultSpec on_node(faults::FaultSpec::Kind kind, sim::TimeUs at_us, sim::TimeUs duration_us) {
    faults::FaultSpec spec;
    spec.kind = kind;
    spec.from = "a";
    spec.to = "b";
    spec.at_us = at_us;
    spec.duration_us = duration_us;
    return spec;
}

// Runs the plan on k and samples probe() at each time.
template <typename Probe>
std::vector<bool> sample(Cluster& k, std::vector<faults::FaultSpec> specs, std::vector<sim::TimeUs> times,
                         Probe probe) {
    faults::FaultPlan plan(std::move(specs));
    plan.install(k.sim);
    k.sim.start_all();
    std::vector<bool> seen;
    for (const sim::TimeUs t : times) k.sim.schedule(t, [&] { seen.push_back(probe()); });
    k.sim.run(sim::kNever);
    return seen;
}

}  // namespace

TEST_CASE("two overlapping partitions: the link between the isolated nodes stays cut until both heal") {
    Cluster k;
    // {a} isolated 1..5 ms, {b} isolated 2..9 ms: a <-> b is cut from 1 to 9 ms, a <-> c from 1 to 5.
    k.sim.schedule(6000, [&] { CHECK_FALSE(k.sim.network().faults(k.a, k.c).partitioned()); });
    const auto cut = sample(k, {isolate("a", 1000, 4000), isolate("b", 2000, 7000)}, {1500, 6000, 8999, 9001},
                            [&] { return k.sim.network().faults(k.a, k.b).partitioned(); });
    CHECK(cut == std::vector<bool>{true, true, true, false});
}

TEST_CASE("two overlapping loss windows on one link: messages are lost until the later one ends") {
    Cluster k;
    using Kind = faults::FaultSpec::Kind;
    const auto dropping = sample(k, {on_node(Kind::drop_messages, 1000, 2000), on_node(Kind::drop_messages, 2000, 4000)},
                                 {1500, 4000, 5999, 6001},
                                 [&] { return k.sim.network().faults(k.a, k.b).drops_messages(); });
    CHECK(dropping == std::vector<bool>{true, true, true, false});
}

TEST_CASE("overlapping pauses: the process is frozen until the later one ends") {
    Cluster k;
    using Kind = faults::FaultSpec::Kind;
    const auto paused = sample(k, {on_node(Kind::pause, 1000, 2000), on_node(Kind::pause, 2000, 4000)},
                               {1500, 4000, 5999, 6001}, [&] { return k.sim.is_paused(k.a); });
    CHECK(paused == std::vector<bool>{true, true, true, false});
}

TEST_CASE("a pause's end does not thaw a later pause of a restarted process") {
    Cluster k;
    using Kind = faults::FaultSpec::Kind;
    // Frozen 1..5 ms but killed at 2 ms and restarted at 3 ms; the new process is frozen 4..8 ms.
    const auto paused = sample(k, {on_node(Kind::pause, 1000, 4000), on_node(Kind::crash, 2000, 1000),
                                   on_node(Kind::pause, 4000, 4000)},
                               {2500, 5500, 8001}, [&] { return k.sim.is_paused(k.a); });
    CHECK(paused == std::vector<bool>{false, true, false});
}

// On SIGTERM it needs 1 ms to wind down (a last LeaveGroup, an abort) before it exits.
class SlowExit final : public sim::Node {
public:
    using Node::Node;
    void on_start() override {}
    void on_message(const sim::Envelope&) override {}
    void on_timer(std::uint64_t) override { sim().exit(id()); }
    void on_connection_closed(sim::ConnectionId) override {}
    void on_crash() override {}
    void on_shutdown() override { sim().set_timer(id(), 1000, 0); }
};

TEST_CASE("a clean shutdown without a restart lasts until the process exits, and then it is down for good") {
    sim::Simulation sim{1, sim::LinkProfile{100, 0}, nullptr};
    sim.add_node(std::make_unique<SlowExit>("a"));
    faults::FaultSpec shutdown = on_node(faults::FaultSpec::Kind::clean_shutdown, 100, -1);
    faults::FaultPlan plan({shutdown});
    plan.install(sim);
    sim.start_all();
    std::vector<bool> quiet;
    std::vector<bool> gone;
    for (const sim::TimeUs t : {50, 500, 1500}) {
        sim.schedule(t, [&] {
            quiet.push_back(sim.now() >= plan.quiet_after_us());
            gone.push_back(plan.down_for_good("a"));
        });
    }
    sim.run(sim::kNever);
    CHECK(quiet == std::vector<bool>{false, false, true});  // at 500 it is still winding down
    CHECK(gone == std::vector<bool>{false, true, true});
    CHECK_FALSE(sim.is_up(0));
}

TEST_CASE("a crash with a restart is never down for good") {
    Cluster k;
    faults::FaultPlan plan({on_node(faults::FaultSpec::Kind::crash, 100, 1000)});
    plan.install(k.sim);
    k.sim.start_all();
    bool gone = true;
    k.sim.schedule(500, [&] { gone = plan.down_for_good("a"); });
    k.sim.run(sim::kNever);
    CHECK_FALSE(gone);
}
