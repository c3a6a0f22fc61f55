// Prints eosim's speed figures. Wall-clock time is used here only, never in the simulation.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "scenario/runner.hpp"
#include "scenario/scenario.hpp"
#include "sim/event_queue.hpp"
#include "sim/prng.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

long peak_rss_kib() {
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    return usage.ru_maxrss;
}

// The bare loop the protocol is compared with: pop one event, push one, 1,000 pending.
double bare_event_loop_per_second(std::uint64_t events) {
    eosim::sim::EventQueue queue;
    eosim::sim::Prng prng(1);
    for (int i = 0; i < 1000; ++i) queue.push({static_cast<std::int64_t>(prng.below(1000)), 0, {}, 0, 0, 0, 0});
    const auto start = Clock::now();
    std::uint64_t checksum = 0;
    for (std::uint64_t i = 0; i < events; ++i) {
        const eosim::sim::Event e = queue.pop();
        checksum += e.token;
        queue.push({e.time_us + 1 + static_cast<std::int64_t>(prng.below(1000)), 0, {}, 0, 0, i, 0});
    }
    const double elapsed = seconds_since(start);
    if (checksum == 42) std::puts("");  // keep the loop
    return static_cast<double>(events) / elapsed;
}

eosim::scenario::Scenario throughput_scenario(std::int64_t messages) {
    const std::string text = R"({
      "name": "bench-throughput",
      "cluster": {"brokers": 3, "network": {"latency_us": 500, "jitter_us": 200}},
      "topics": [{"name": "events", "partitions": 12}],
      "producers": [
        {"name": "p0", "topic": "events", "messages": )" + std::to_string(messages) + R"(, "interval_us": 20, "keys": 1000},
        {"name": "p1", "topic": "events", "messages": )" + std::to_string(messages) + R"(, "interval_us": 20, "keys": 1000}],
      "consumers": [
        {"name": "c0", "group": "g", "topic": "events", "processing_us": 5, "config": {"auto.offset.reset": "earliest"}},
        {"name": "c1", "group": "g", "topic": "events", "processing_us": 5, "config": {"auto.offset.reset": "earliest"}}],
      "run": {"max_simulated_ms": 86400000}
    })";
    return eosim::scenario::parse_scenario(text, "bench");
}

}  // namespace

int main(int argc, char** argv) {
    const std::int64_t messages = argc > 1 ? std::stoll(argv[1]) : 200'000;
    const double bare = bare_event_loop_per_second(20'000'000);
    std::printf("bare event loop:        %12.0f events/s (1,000 pending)\n", bare);

    const long rss_before_kib = peak_rss_kib();
    const auto start = Clock::now();
    eosim::scenario::RunOptions options;
    const auto outcome = eosim::scenario::run_scenario(throughput_scenario(messages), options);
    const double elapsed = seconds_since(start);
    const long rss_after_kib = peak_rss_kib();
    const double events_per_second = static_cast<double>(outcome.metrics.events) / elapsed;
    const auto total_messages = static_cast<double>(outcome.check.counts.sent);
    std::printf("protocol run:           %12.0f events/s (%llu events, %.0f values, %.2f s)\n",
                events_per_second, static_cast<unsigned long long>(outcome.metrics.events),
                total_messages, elapsed);
    std::printf("protocol / bare:        %12.3f\n", events_per_second / bare);
    std::printf("values per second:      %12.0f (sent and delivered once each)\n", total_messages / elapsed);
    std::printf("simulated / wall time:  %12.1f x\n", static_cast<double>(outcome.simulated_us) / 1e6 / elapsed);
    std::printf("peak RSS growth:        %12.1f bytes per value (%ld KiB -> %ld KiB)\n",
                static_cast<double>(rss_after_kib - rss_before_kib) * 1024.0 / total_messages,
                rss_before_kib, rss_after_kib);
    std::printf("verdict exactly_once:   %12s\n",
                outcome.check.verdicts.at(eosim::check::VerdictName::exactly_once).holds ? "holds" : "VIOLATED");
    return 0;
}
