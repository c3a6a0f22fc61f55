#!/usr/bin/env bash
# g++ and clang++ must simulate alike (issue 14): builds eosim with clang, optimised and without
# sanitizers (the clang-release preset), and checks every shipped scenario's trace hashes over seeds
# 1..200 against tests/trace_hashes.txt, which the g++ release build writes (--write) and checks
# (1..50 in its ctest). CI checks 1..10 with the sanitized clang build; this is the long check.
#   scripts/cross-compiler-hashes.sh            (~15 min build + ~5 min of runs on 2 cores)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset clang-release >/dev/null
cmake --build --preset clang-release -j "$(nproc)" --target eosim
python3 tests/trace_hashes.py build/clang-release/eosim scenarios tests/trace_hashes.txt --long
