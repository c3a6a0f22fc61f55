#!/usr/bin/env bash
# Sweeps the nemesis pipeline over many seeds (default 1..5000) and writes results/nemesis-sweep.json.
# Exit 0 if every seed met the scenario's expectations, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target eosim
seeds="${1:-1..5000}"
status=0
./build/release/eosim sweep scenarios/nemesis-exactly-once-pipeline.json --seeds "$seeds" --format json \
    > results/nemesis-sweep.json || status=$?
./build/release/eosim sweep scenarios/nemesis-exactly-once-pipeline.json --seeds "$seeds" | grep -v '^  seed'
exit "$status"
