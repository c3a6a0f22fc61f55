#!/usr/bin/env bash
# Builds the release preset and prints eosim's speed and memory figures (eosim bench).
# Usage: scripts/bench.sh [--format table|json] [--quick] [--out FILE]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target eosim -j1
./build/release/eosim bench "$@"
