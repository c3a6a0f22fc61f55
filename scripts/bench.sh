#!/usr/bin/env bash
# Builds the release preset and prints eosim's speed and memory figures.
# Usage: scripts/bench.sh [VALUES_PER_PRODUCER]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target eosim_bench
./build/release/eosim_bench "$@"
