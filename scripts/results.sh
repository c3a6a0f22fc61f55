#!/usr/bin/env bash
# Regenerates the report in results/ from the shipped scenarios: the compare tables (markdown and
# JSON) and their SVG plots, the cost calibration tables, the saturation search of the payment
# gateway, and with --long the knock-out matrix of the exactly-once swarm and the nemesis and
# swarm sweeps (those take from minutes to an hour on 2 cores). Every figure is simulated time
# and reproducible from the command printed above it; results/README.md says what each file is.
# Usage: scripts/results.sh [--long]
set -euo pipefail
cd "$(dirname "$0")/.."
long=0
[ "${1:-}" = "--long" ] && long=1
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release --target eosim
eosim=./build/release/eosim

run() {
    echo "+ $*"
    "$@"
}

compare_all() {  # NAME SEEDS [compare options...]
    local name="$1" seeds="$2"
    shift 2
    run "$eosim" compare "scenarios/$name.json" --seeds "$seeds" "$@" --format markdown --out "results/compare-$name.md"
    run "$eosim" compare "scenarios/$name.json" --seeds "$seeds" "$@" --format json --out "results/compare-$name.json"
    run "$eosim" compare "scenarios/$name.json" --seeds "$seeds" "$@" --plot "results/plots/$name" >/dev/null
}

compare_all payment-pipeline 1..10
compare_all cost-acks-and-transactions 1..10

gateway_rows='acks=1,idempotent acks=all,transactions,transactions 2000 per commit,transactions batch.size 64 KB linger.ms 50,acks=all in-flight 1,acks=all in-flight 2,acks=all in-flight 5,idempotent acks=all free broker links,transactions free broker links'
run "$eosim" compare scenarios/payment-gateway-cost.json --seeds 1..3 --presets "$gateway_rows" \
    --format markdown --out results/compare-payment-gateway-cost.md
run "$eosim" compare scenarios/payment-gateway-cost.json --seeds 1..3 --presets "$gateway_rows" \
    --plot results/plots/payment-gateway-cost >/dev/null
run "$eosim" compare scenarios/payment-gateway-cost.json --seeds 1..3 \
    --presets 'acks=1,idempotent acks=all,transactions' --set /producers/0/interval_us=10 \
    --format markdown --out results/compare-payment-gateway-cost-100k.md
run "$eosim" saturate scenarios/payment-gateway-cost.json --set /producers/0/interval_us=20 \
    --set /producers/0/messages=100000 --set /cluster/cost/producer_send_ns=0 \
    --set /producers/0/config/linger.ms=1 --out results/saturate-payment-gateway.txt

if [ "$long" = 1 ]; then
    run "$eosim" knockout scenarios/swarm-exactly-once.json --seeds 1..1000 --out results/knockout-swarm-exactly-once.txt
    run "$eosim" knockout scenarios/swarm-exactly-once.json --seeds 1..1000 --format json \
        --out results/knockout-swarm-exactly-once.json
    run bash scripts/nemesis-sweep.sh 1..5000
    run bash scripts/swarm-sweep.sh
fi
echo "results/ regenerated at $(git rev-parse --short HEAD)$( [ "$long" = 1 ] || echo ' (without --long: knock-out matrix and sweeps kept)')"
