#!/usr/bin/env bash
# Sweeps the two nemesis pipelines over many seeds (default 1..5000) and writes
# results/nemesis-sweep.json (single-replica cluster) and results/nemesis-replicated-sweep.json
# (replicated cluster, every fault type). Exit 0 if every seed met the expectations, 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target eosim
seeds="${1:-1..5000}"
status=0
for name in nemesis-exactly-once-pipeline:nemesis-sweep nemesis-replicated-exactly-once-pipeline:nemesis-replicated-sweep; do
    scenario="scenarios/${name%%:*}.json"
    out="results/${name##*:}.json"
    ./build/release/eosim sweep "$scenario" --seeds "$seeds" --format json > "$out" || status=$?
    echo "== $scenario (seeds $seeds) -> $out"
    ./build/release/eosim sweep "$scenario" --seeds "$seeds" | grep -v '^  seed'
done
exit "$status"
