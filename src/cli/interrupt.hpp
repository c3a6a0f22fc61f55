#pragma once
// SIGINT and SIGTERM ask a run or sweep to stop: the handler only sets an atomic flag, which the
// event loop and the sweep workers poll. A second signal kills the process (the handler is reset).
#include <atomic>

namespace eosim::cli {

void install_interrupt_handlers();
// The flag the handler sets; pass it to runs and sweeps.
const std::atomic<bool>& interrupt_flag();
// The signal that set it (SIGINT, SIGTERM), 0 if none.
int interrupt_signal();
// The conventional exit code for a run stopped by that signal: 128 + its number (130, 143).
int interrupted_exit_code();

}  // namespace eosim::cli
