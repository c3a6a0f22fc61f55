#!/usr/bin/env bash
# Runs one sweep as N GNU parallel jobs (`eosim sweep --shard K/N`), then merges the shards into
# the report the unsharded sweep writes, byte for byte (`eosim merge`).
#   scripts/sweep-parallel.sh SCENARIO SEEDS SHARDS OUT [PARALLEL_OPTION...]
#   e.g. scripts/sweep-parallel.sh scenarios/swarm-exactly-once.json 1..100000 64 results/eos.json \
#            --sshlogin 8/host1,8/host2,: --workdir /srv/eosim
# Options after OUT go to GNU parallel: --sshlogin spreads the shards over hosts, each of which
# must have eosim and the scenario at the same paths (EOSIM, default build/release/eosim; relative
# paths are taken from --workdir). Shard reports come back over ssh: parallel's --results keeps
# each job's stdout on this machine, in OUT.shards/shard-K (stderr in shard-K.err). Each shard
# runs single-threaded (--jobs 1): parallel decides how many run at once (-j, default one per core).
# EOSIM_ARGS (e.g. "--runs failing") is passed to every shard. Exit: merge's (0 every expectation
# met, 1 a regression, 2 bad input or a shard that wrote no report).
set -euo pipefail
if [ "$#" -lt 4 ]; then
    sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
fi
scenario="$1"
seeds="$2"
shards="$3"
out="$4"
shift 4
eosim="${EOSIM:-build/release/eosim}"
command -v parallel >/dev/null || { echo "sweep-parallel: GNU parallel is missing (scripts/setup.sh installs it)" >&2; exit 2; }
dir="$out.shards"
rm -rf "$dir"
mkdir -p "$dir"
# Exit 1 from a shard is a failing seed, judged again by merge; exit 2 or 3 leaves no report
# (a shard stopped at a run-time limit: merge refuses the incomplete set and exits 2).
# shellcheck disable=SC2086
parallel --will-cite --halt never --results "$dir/shard-{}" "$@" \
    "$eosim" sweep "$scenario" --seeds "$seeds" --shard "{}/$shards" --format json --jobs 1 ${EOSIM_ARGS:-} \
    ::: $(seq 1 "$shards") || true
reports=()
for ((k = 1; k <= shards; ++k)); do
    if [ -s "$dir/shard-$k" ]; then reports+=("$dir/shard-$k"); fi
done
if [ "${#reports[@]}" -eq 0 ]; then
    echo "sweep-parallel: no shard wrote a report; see $dir/shard-*.err" >&2
    exit 2
fi
"$eosim" merge "${reports[@]}" --out "$out"
