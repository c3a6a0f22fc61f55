#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite twice: release (g++, optimised,
# assertions on, the trace hashes) and sanitize (clang with ASan + UBSan + LeakSanitizer: the same
# suite on fewer seeds, a 60-second libFuzzer smoke per target, and the clang trace hashes against
# the list the g++ build checks). One sanitized build, not two, keeps CI near 30 minutes on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs="$(nproc)"
for preset in release sanitize; do
    echo "== $preset: build"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    echo "== $preset: test"
    ctest --preset "$preset" -j "$jobs"
done
