#!/usr/bin/env bash
# Installs what is missing, builds eosim (release) and runs a shipped scenario.
# Usage: scripts/run-example.sh [SCENARIO] [eosim run options...]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cmake --preset release >/dev/null
cmake --build --preset release
scenario="${1:-scenarios/producer-retries-without-idempotence.json}"
shift || true
./build/release/eosim run "$scenario" "$@"
