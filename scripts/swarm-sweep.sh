#!/usr/bin/env bash
# Sweeps the shape swarms (scenarios/swarm-*.json) over many seeds and writes results/swarm-*.json
# (verdict tallies, sweep expectations, swarm coverage, the failing seeds with what they drew) and
# results/swarm-sweep.txt (the table, the command and the wall time of each).
#   scripts/swarm-sweep.sh                  the four weaker presets over 1..10000, exactly-once over 1..100000
#   scripts/swarm-sweep.sh PRESET_SEEDS EOS_SEEDS [NAMES...]   e.g. 1..2000 1..5000 at-most-once exactly-once
# JOBS (default 2) threads each. EOSIM=path sweeps with that binary instead of building one (e.g. a
# copy, so the tree can be rebuilt meanwhile). Exit 0 if every seed and sweep expectation was met.
set -euo pipefail
cd "$(dirname "$0")/.."
eosim="${EOSIM:-}"
if [ -z "$eosim" ]; then
    bash scripts/setup.sh
    cmake --preset release >/dev/null
    cmake --build --preset release --target eosim
    eosim=./build/release/eosim
fi
preset_seeds="${1:-1..10000}"
eos_seeds="${2:-1..100000}"
shift $(( $# > 2 ? 2 : $# ))
names=("$@")
[ ${#names[@]} -gt 0 ] || names=(at-most-once at-least-once idempotent-producer read-uncommitted exactly-once)
jobs="${JOBS:-2}"
status=0
summary=results/swarm-sweep.txt
: > "$summary.new"
for name in "${names[@]}"; do
    scenario="scenarios/swarm-$name.json"
    seeds="$preset_seeds"
    [ "$name" = exactly-once ] && seeds="$eos_seeds"
    out="results/swarm-$name.json"
    command="eosim sweep $scenario --seeds $seeds --jobs $jobs --format json --runs failing"
    start=$(date +%s)
    "$eosim" sweep "$scenario" --seeds "$seeds" --jobs "$jobs" --format json --runs failing > "$out" || status=$?
    wall=$(( $(date +%s) - start ))
    {
        echo "== $command  ($(date -u +%Y-%m-%dT%H:%MZ), wall ${wall} s, $(git rev-parse --short HEAD))"
        python3 - "$out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
n = d["seeds"]["last"] - d["seeds"]["first"] + 1
print(f"  seeds {d['seeds']['first']}..{d['seeds']['last']}: expectations met on {n - len(d['failing_seeds'])} / {n}; all met: {d['all_met']}")
for t in d["expect_sweep"]:
    print(f"  sweep: {t['expectation']} on {t['seeds']} / {n} seeds (required {t['required']}): {'met' if t['met'] else 'NOT MET'}")
held = ", ".join(f"{k} {v}" for k, v in d["verdict_held"].items())
print(f"  verdicts held: {held}")
if d["failing_seeds"]:
    print(f"  failing seeds ({len(d['failing_seeds'])}): {' '.join(map(str, d['failing_seeds'][:200]))}")
PY
    } | tee -a "$summary.new"
done
mv "$summary.new" "$summary"
exit "$status"
