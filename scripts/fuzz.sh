#!/usr/bin/env bash
# Long libFuzzer runs of the sanitize preset's targets (tests/fuzz), one after the other, each in one
# process (the machine is shared). The corpus grows in build/sanitize/fuzz/corpus/TARGET and is kept
# between runs; a crash is written to build/sanitize/fuzz/artifacts/ and fails the script.
#   scripts/fuzz.sh [SECONDS_PER_TARGET [TARGET...]]     (default 1800 s; targets scenario history)
# Then: reproduce with build/sanitize/fuzz_TARGET ARTIFACT, fix the class of bug, and add the input
# to tests/bad-input with its expected message.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-1800}"
shift || true
targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then targets=(scenario history); fi
bash scripts/setup.sh
cmake --preset sanitize >/dev/null
cmake --build --preset sanitize -j "${FUZZ_BUILD_JOBS:-1}" --target "${targets[@]/#/fuzz_}"
build=build/sanitize
export ASAN_OPTIONS="${ASAN_OPTIONS:-exitcode=86:detect_leaks=1}"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-exitcode=86:print_stacktrace=1:halt_on_error=1}"
status=0
for target in "${targets[@]}"; do
    mapfile -t seeds < "$build/fuzz/$target.seeds"
    log="$build/fuzz/$target.log"
    echo "== fuzz $target: $seconds s (log $log)"
    code=0
    "$build/fuzz_$target" -max_total_time="$seconds" -max_len="$(cat "$build/fuzz/$target.max_len")" \
        -timeout=60 -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/fuzz/artifacts/" \
        "$build/fuzz/corpus/$target" "${seeds[@]}" >"$log" 2>&1 || code=$?
    executions="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
    coverage="$(grep -o 'cov: [0-9]*' "$log" | tail -1)"
    corpus="$(find "$build/fuzz/corpus/$target" -type f | wc -l)"
    if [ "$code" -eq 0 ]; then
        echo "fuzz $target: ${executions:-?} executions, $coverage, $corpus new corpus files, no crash"
    else
        echo "fuzz $target: FAILED (exit $code) after ${executions:-?} executions:"
        grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written|.*runtime error)' "$log" | head -20
        status=1
    fi
done
exit "$status"
