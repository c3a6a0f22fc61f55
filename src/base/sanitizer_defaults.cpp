// Exit codes of the sanitizers, built into every executable: a sanitizer report exits 86 in every
// sanitized run, ctest's or a person's, so it is never taken for eosim's own 1 ("an expectation
// failed", "anomalies found") or 2 (bad input). ASan, LeakSanitizer and UBSan share one set of
// common flags in a process: whichever options string is parsed last sets the exit code for all
// of them, so they get the same one. ASAN_OPTIONS / UBSAN_OPTIONS in the environment still
// override these. In a build without sanitizers nothing calls these functions.

extern "C" {

// NOLINTBEGIN(bugprone-reserved-identifier): the names the sanitizer runtimes look up.
const char* __asan_default_options() { return "exitcode=86:detect_leaks=1"; }
const char* __lsan_default_options() { return "exitcode=86"; }
const char* __ubsan_default_options() { return "exitcode=86:print_stacktrace=1:halt_on_error=1"; }
// NOLINTEND(bugprone-reserved-identifier)

}
