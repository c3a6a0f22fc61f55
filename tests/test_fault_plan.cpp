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

}  // namespace

TEST_CASE("two overlapping partitions: the link between the isolated nodes stays cut until both heal") {
    Cluster k;
    // {a} isolated 1..5 ms, {b} isolated 2..9 ms: a <-> b is cut from 1 to 9 ms.
    faults::FaultPlan plan({isolate("a", 1000, 4000), isolate("b", 2000, 7000)});
    plan.install(k.sim);
    k.sim.start_all();
    std::vector<bool> cut;
    for (sim::TimeUs t : {1500, 6000, 8999, 9001}) {
        k.sim.schedule(t, [&] { cut.push_back(k.sim.network().faults(k.a, k.b).partitioned()); });
    }
    k.sim.schedule(6000, [&] { CHECK_FALSE(k.sim.network().faults(k.a, k.c).partitioned()); });
    k.sim.run(sim::kNever);
    CHECK(cut == std::vector<bool>{true, true, true, false});
}

TEST_CASE("two overlapping loss windows on one link: messages are lost until the later one ends") {
    Cluster k;
    std::vector<faults::FaultSpec> specs(2);
    for (faults::FaultSpec& spec : specs) {
        spec.kind = faults::FaultSpec::Kind::drop_messages;
        spec.from = "a";
        spec.to = "b";
    }
    specs[0].at_us = 1000, specs[0].duration_us = 2000;  // 1..3 ms
    specs[1].at_us = 2000, specs[1].duration_us = 4000;  // 2..6 ms
    faults::FaultPlan plan(specs);
    plan.install(k.sim);
    k.sim.start_all();
    std::vector<bool> dropping;
    for (sim::TimeUs t : {1500, 4000, 5999, 6001}) {
        k.sim.schedule(t, [&] { dropping.push_back(k.sim.network().faults(k.a, k.b).drops_messages()); });
    }
    k.sim.run(sim::kNever);
    CHECK(dropping == std::vector<bool>{true, true, true, false});
}

TEST_CASE("overlapping pauses: the process is frozen until the later one ends") {
    Cluster k;
    std::vector<faults::FaultSpec> specs(2);
    for (faults::FaultSpec& spec : specs) {
        spec.kind = faults::FaultSpec::Kind::pause;
        spec.from = "a";
    }
    specs[0].at_us = 1000, specs[0].duration_us = 2000;  // 1..3 ms
    specs[1].at_us = 2000, specs[1].duration_us = 4000;  // 2..6 ms
    faults::FaultPlan plan(specs);
    plan.install(k.sim);
    k.sim.start_all();
    std::vector<bool> paused;
    for (sim::TimeUs t : {1500, 4000, 5999, 6001}) {
        k.sim.schedule(t, [&] { paused.push_back(k.sim.is_paused(k.a)); });
    }
    k.sim.run(sim::kNever);
    CHECK(paused == std::vector<bool>{true, true, true, false});
}

TEST_CASE("a pause's end does not thaw a later pause of a restarted process") {
    Cluster k;
    std::vector<faults::FaultSpec> specs(3);
    specs[0].kind = faults::FaultSpec::Kind::pause, specs[0].from = "a";
    specs[0].at_us = 1000, specs[0].duration_us = 4000;  // 1..5 ms, cut short by the crash
    specs[1].kind = faults::FaultSpec::Kind::crash, specs[1].from = "a";
    specs[1].at_us = 2000, specs[1].duration_us = 1000;  // down 2..3 ms
    specs[2].kind = faults::FaultSpec::Kind::pause, specs[2].from = "a";
    specs[2].at_us = 4000, specs[2].duration_us = 4000;  // the new process frozen 4..8 ms
    faults::FaultPlan plan(specs);
    plan.install(k.sim);
    k.sim.start_all();
    std::vector<bool> paused;
    for (sim::TimeUs t : {2500, 5500, 8001}) {
        k.sim.schedule(t, [&] { paused.push_back(k.sim.is_paused(k.a)); });
    }
    k.sim.run(sim::kNever);
    CHECK(paused == std::vector<bool>{false, true, false});
}
