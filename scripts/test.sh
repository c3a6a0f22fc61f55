#!/usr/bin/env bash
# Installs what is missing, then builds and runs the whole test suite twice: an optimised build
# with assertions, and an AddressSanitizer + UndefinedBehaviorSanitizer build; then the fuzz
# preset (clang): a 60-second libFuzzer smoke per target and the clang trace hashes against the
# list the g++ build checks.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
jobs="$(nproc)"
for preset in release asan fuzz; do
    echo "== $preset: build"
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset" -j "$jobs"
    echo "== $preset: test"
    ctest --preset "$preset" -j "$jobs"
done
