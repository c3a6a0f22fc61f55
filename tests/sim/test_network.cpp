#include <doctest/doctest.h>

#include <memory>
#include <vector>

#include "sim/simulation.hpp"

namespace {

using namespace eosim::sim;

struct Numbered final : Payload {
    explicit Numbered(int n) : number(n) {}
    std::string_view type_name() const override { return "Numbered"; }
    void describe(FieldWriter& out) const override { out.field("n", number); }
    int number;
};

// Records what reaches it.
class Recorder final : public Node {
public:
    using Node::Node;
    void on_start() override { ++starts; }
    void on_message(const Envelope& e) override {
        received.push_back(static_cast<const Numbered&>(*e.payload).number);
    }
    void on_timer(std::uint64_t tag) override { timers.push_back(tag); }
    void on_connection_closed(ConnectionId c) override { closed.push_back(c); }
    void on_crash() override { ++crashes; }
    std::vector<int> received;
    std::vector<std::uint64_t> timers;
    std::vector<ConnectionId> closed;
    int starts = 0;
    int crashes = 0;
};

struct Pair {
    Simulation sim;
    Recorder* client;
    Recorder* server;
    NodeId c;
    NodeId s;
    explicit Pair(LinkProfile link, std::uint64_t seed = 1) : sim(seed, link, nullptr) {
        auto a = std::make_unique<Recorder>("client");
        auto b = std::make_unique<Recorder>("server");
        client = a.get();
        server = b.get();
        c = sim.add_node(std::move(a));
        s = sim.add_node(std::move(b));
        sim.start_all();
    }
    void send(ConnectionId conn, int n) { sim.send(c, conn, std::make_unique<Numbered>(n)); }
};

}  // namespace

TEST_CASE("a connection delivers in order even when jitter exceeds the gap between sends") {
    Pair p(LinkProfile{100, 5000});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    for (int i = 0; i < 50; ++i) p.send(conn, i);
    p.sim.run(kNever);
    REQUIRE(p.server->received.size() == 50);
    for (int i = 0; i < 50; ++i) CHECK(p.server->received[i] == i);
}

TEST_CASE("a lost message stalls the rest of its direction until the connection closes") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.send(conn, 1);
    p.sim.network().faults(p.c, p.s).drop_windows = 1;
    p.send(conn, 2);
    p.sim.network().faults(p.c, p.s).drop_windows = 0;
    p.send(conn, 3);  // behind the hole: never arrives on this connection
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{1});
    CHECK(p.sim.metrics().messages_dropped == 2);
    p.sim.close(p.c, conn);
    const ConnectionId fresh = p.sim.connect(p.c, p.s);
    p.send(fresh, 4);
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{1, 4});
    CHECK(p.server->closed == std::vector<ConnectionId>{conn});
}

TEST_CASE("a crash loses messages on the wire and timers, and resets connections") {
    Pair p(LinkProfile{1000, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.send(conn, 1);
    p.sim.set_timer(p.s, 500, 77);
    p.sim.schedule(200, [&] { p.sim.crash(p.s); });
    p.sim.schedule(300, [&] { p.sim.restart(p.s); });
    p.sim.run(kNever);
    CHECK(p.server->received.empty());
    CHECK(p.server->timers.empty());
    CHECK(p.server->crashes == 1);
    CHECK(p.server->starts == 2);
    CHECK(p.client->closed == std::vector<ConnectionId>{conn});  // the peer's OS reset it
    CHECK_FALSE(p.sim.is_open(conn));
}

TEST_CASE("a paused process receives what queued up, in order, once resumed") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.sim.pause(p.s);
    p.send(conn, 1);
    p.send(conn, 2);
    p.sim.set_timer(p.s, 50, 5);
    p.sim.run(10'000);
    CHECK(p.server->received.empty());
    p.sim.schedule(20'000, [&] { p.sim.resume(p.s); });
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{1, 2});
    CHECK(p.server->timers == std::vector<std::uint64_t>{5});
}

TEST_CASE("what queued up for a paused process that then crashes is lost, not in transit for good") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.sim.pause(p.s);
    p.send(conn, 1);
    p.send(conn, 2);
    p.sim.run(10'000);
    CHECK(p.sim.messages_in_transit("Numbered") == 2);  // arrived, waiting for the process to thaw
    p.sim.crash(p.s);
    CHECK(p.sim.messages_in_transit("Numbered") == 0);
    p.sim.restart(p.s);
    p.sim.run(kNever);
    CHECK(p.server->received.empty());
}

TEST_CASE("cancelled timers do not fire") {
    Pair p(LinkProfile{100, 0});
    const TimerId keep = p.sim.set_timer(p.s, 10, 1);
    const TimerId drop = p.sim.set_timer(p.s, 20, 2);
    (void)keep;
    p.sim.cancel_timer(drop);
    p.sim.run(kNever);
    CHECK(p.server->timers == std::vector<std::uint64_t>{1});
}

TEST_CASE("the trace hash depends on the seed, through link jitter") {
    const auto run = [](std::uint64_t seed) {
        Pair p(LinkProfile{100, 1000}, seed);
        const ConnectionId conn = p.sim.connect(p.c, p.s);
        for (int i = 0; i < 10; ++i) p.send(conn, i);
        p.sim.run(kNever);
        return p.sim.trace().hash();
    };
    CHECK(run(1) == run(1));
    CHECK(run(1) != run(2));
}

TEST_CASE("requests sent before a client closes still reach the server, responses do not") {
    Pair p(LinkProfile{1000, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.send(conn, 1);  // arrives at 1000 us
    p.sim.schedule(500, [&] {
        p.sim.close(p.c, conn);  // the client gives up while the request is on the wire
        p.sim.send(p.s, conn, std::make_unique<Numbered>(2));  // a response: lost
    });
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{1});
    CHECK(p.client->received.empty());
    CHECK(p.server->closed == std::vector<ConnectionId>{conn});  // FIN behind the request
}

TEST_CASE("a network partition holds messages in order and delivers them when it heals") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.send(conn, 1);
    p.sim.schedule(1000, [&] { p.sim.set_partitioned(p.c, p.s, true); });
    p.sim.schedule(1100, [&] {
        p.send(conn, 2);
        p.send(conn, 3);
    });
    p.sim.schedule(5000, [&] {
        CHECK(p.server->received == std::vector<int>{1});  // nothing crossed the partition
        p.sim.set_partitioned(p.c, p.s, false);
        p.send(conn, 4);  // sent after the heal, still behind the held ones
    });
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{1, 2, 3, 4});
    CHECK(p.sim.metrics().messages_dropped == 0);
}

TEST_CASE("a partition is one-way: the other direction still flows") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.sim.set_partitioned(p.s, p.c, true);
    p.send(conn, 7);
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{7});
}

TEST_CASE("a FIN sent into a partition waits behind the held data, and data toward the closer is dropped") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.sim.set_partitioned(p.c, p.s, true);
    p.sim.set_partitioned(p.s, p.c, true);
    p.send(conn, 1);
    p.sim.send(p.s, conn, std::make_unique<Numbered>(9));  // toward the client, held
    p.sim.close(p.c, conn);                                // the client gives up
    p.sim.schedule(3000, [&] {
        CHECK(p.server->closed.empty());  // the FIN is held too
        p.sim.set_partitioned(p.c, p.s, false);
        p.sim.set_partitioned(p.s, p.c, false);
    });
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{1});  // data before the FIN arrives
    CHECK(p.server->closed == std::vector<ConnectionId>{conn});
    CHECK(p.client->received.empty());  // the closer reads nothing more
}

TEST_CASE("partitions nest: the link heals when the last partition cutting it heals") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    p.sim.set_partitioned(p.c, p.s, true);  // e.g. {client} cut off from everyone
    p.sim.set_partitioned(p.c, p.s, true);  // and, overlapping, {server} cut off from everyone
    p.send(conn, 1);
    p.sim.schedule(1000, [&] { p.sim.set_partitioned(p.c, p.s, false); });  // the first heals
    p.sim.schedule(4000, [&] {
        CHECK(p.server->received.empty());  // the second still cuts the link
        p.sim.set_partitioned(p.c, p.s, false);
    });
    p.sim.run(kNever);
    CHECK(p.server->received == std::vector<int>{1});
}

TEST_CASE("pauses nest: the process runs again when the last pause ends") {
    Pair p(LinkProfile{100, 0});
    const ConnectionId conn = p.sim.connect(p.c, p.s);
    CHECK(p.sim.pause(p.s));
    CHECK(p.sim.pause(p.s));
    p.send(conn, 1);
    p.sim.schedule(1000, [&] { p.sim.resume(p.s); });
    p.sim.schedule(4000, [&] {
        CHECK(p.sim.is_paused(p.s));
        CHECK(p.server->received.empty());
        p.sim.resume(p.s);
    });
    p.sim.run(kNever);
    CHECK_FALSE(p.sim.is_paused(p.s));
    CHECK(p.server->received == std::vector<int>{1});
}

TEST_CASE("a crash ends every pause of the process it kills") {
    Pair p(LinkProfile{100, 0});
    CHECK(p.sim.pause(p.s));
    CHECK(p.sim.pause(p.s));
    p.sim.crash(p.s);
    CHECK_FALSE(p.sim.is_paused(p.s));
    CHECK_FALSE(p.sim.pause(p.s));  // a down node cannot be frozen
    p.sim.restart(p.s);
    CHECK_FALSE(p.sim.is_paused(p.s));
}

// A message whose size the link charges.
struct Sized final : Payload {
    explicit Sized(int n, std::int64_t bytes) : number(n), bytes(bytes) {}
    std::string_view type_name() const override { return "Numbered"; }
    void describe(FieldWriter& out) const override { out.field("n", number); }
    std::int64_t size_bytes() const override { return bytes; }
    int number;
    std::int64_t bytes;
};

class ArrivalClock final : public Node {
public:
    using Node::Node;
    void on_start() override {}
    void on_message(const Envelope&) override { arrivals_us.push_back(sim().now()); }
    void on_timer(std::uint64_t) override {}
    void on_crash() override {}
    std::vector<TimeUs> arrivals_us;
};

TEST_CASE("a link with a bandwidth sends one message after another, size over bandwidth each") {
    // 1,000,000 bytes/s: 1 byte per microsecond.
    Simulation sim(1, LinkProfile{100, 0, 1'000'000}, nullptr);
    auto client = std::make_unique<Recorder>("client");
    auto server = std::make_unique<ArrivalClock>("server");
    ArrivalClock* clock = server.get();
    const NodeId c = sim.add_node(std::move(client));
    const NodeId s = sim.add_node(std::move(server));
    sim.start_all();
    const ConnectionId first = sim.connect(c, s);
    const ConnectionId second = sim.connect(c, s);
    sim.send(c, first, std::make_unique<Sized>(0, 500));
    sim.send(c, second, std::make_unique<Sized>(1, 300));  // another connection, the same link
    sim.send(c, first, std::make_unique<Sized>(2, 0));      // no size: waits, takes no time itself
    sim.run(1'000'000);
    CHECK(clock->arrivals_us == std::vector<TimeUs>{600, 900, 900});
}

TEST_CASE("without a bandwidth, sizes cost nothing") {
    Simulation sim(1, LinkProfile{100, 0, 0}, nullptr);
    auto server = std::make_unique<ArrivalClock>("server");
    ArrivalClock* clock = server.get();
    const NodeId c = sim.add_node(std::make_unique<Recorder>("client"));
    const NodeId s = sim.add_node(std::move(server));
    sim.start_all();
    const ConnectionId conn = sim.connect(c, s);
    sim.send(c, conn, std::make_unique<Sized>(0, 1'000'000));
    sim.send(c, conn, std::make_unique<Sized>(1, 1'000'000));
    sim.run(10'000'000);
    CHECK(clock->arrivals_us == std::vector<TimeUs>{100, 100});
}
