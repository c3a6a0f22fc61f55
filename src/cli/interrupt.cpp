#include "cli/interrupt.hpp"

#include <csignal>

namespace eosim::cli {
namespace {

// The only process-wide mutable state: a signal handler can reach nothing else. Lock-free atomics
// are async-signal-safe.
std::atomic<bool> g_interrupted{false};
std::atomic<int> g_signal{0};
static_assert(std::atomic<bool>::is_always_lock_free && std::atomic<int>::is_always_lock_free);

extern "C" void on_signal(int signal) {
    g_signal.store(signal);
    g_interrupted.store(true);
}

}  // namespace

void install_interrupt_handlers() {
    struct sigaction action {};
    action.sa_handler = on_signal;
    sigemptyset(&action.sa_mask);
    action.sa_flags = SA_RESETHAND;  // a second signal takes the default action
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
}

const std::atomic<bool>& interrupt_flag() { return g_interrupted; }

int interrupt_signal() { return g_signal.load(); }

int interrupted_exit_code() { return 128 + (g_signal.load() == 0 ? SIGINT : g_signal.load()); }

}  // namespace eosim::cli
