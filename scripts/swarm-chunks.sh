#!/usr/bin/env bash
# Sweeps scenarios/swarm-exactly-once.json in 10,000-seed chunks, one results file per chunk
# (results/swarm-exactly-once-A-B.json), skipping chunks already there, then prints the total.
# Resumable: a long sweep can be spread over several sittings, and a chunk stays valid while the
# trace hashes of the code it was run on are unchanged (the file records the commit).
#   scripts/swarm-chunks.sh [FIRST_CHUNK_START [LAST_SEED]]   default 1 100000
# JOBS (default 1) threads; EOSIM=path sweeps with that binary instead of building one.
set -euo pipefail
cd "$(dirname "$0")/.."
eosim="${EOSIM:-}"
if [ -z "$eosim" ]; then
    bash scripts/setup.sh
    cmake --preset release >/dev/null
    cmake --build --preset release --target eosim
    eosim=./build/release/eosim
fi
first="${1:-1}"
last="${2:-100000}"
jobs="${JOBS:-1}"
commit="${COMMIT:-$(git rev-parse --short HEAD)}"
for ((a = first; a <= last; a += 10000)); do
    b=$((a + 9999 > last ? last : a + 9999))
    out="results/swarm-exactly-once-$a-$b.json"
    [ -s "$out" ] && continue
    start=$(date +%s)
    "$eosim" sweep scenarios/swarm-exactly-once.json --seeds "$a..$b" --jobs "$jobs" --format json \
        --runs failing > "$out.tmp" || true
    python3 - "$out.tmp" "$commit" "$(( $(date +%s) - start ))" <<'PY'
import json, sys
path, commit, wall = sys.argv[1], sys.argv[2], int(sys.argv[3])
d = json.load(open(path))
d["commit"], d["wall_s"] = commit, wall
json.dump(d, open(path, "w"), indent=1)
PY
    mv "$out.tmp" "$out"
    echo "seeds $a..$b: all_met=$(python3 -c "import json;print(json.load(open('$out'))['all_met'])") (${out})"
done
python3 - "$first" "$last" <<'PY'
import glob, json, re, sys
first, last = int(sys.argv[1]), int(sys.argv[2])
seeds = met = 0
failing, commits = [], set()
for path in sorted(glob.glob("results/swarm-exactly-once-*-*.json")):
    a, b = map(int, re.findall(r"(\d+)-(\d+)\.json$", path)[0])
    if a < first or b > last:
        continue
    d = json.load(open(path))
    n = d["seeds"]["last"] - d["seeds"]["first"] + 1
    seeds += n
    met += n - len(d["failing_seeds"])
    failing += d["failing_seeds"]
    commits.add(d.get("commit", "?"))
print(f"swarm-exactly-once: {met}/{seeds} seeds met every expectation; failing: {failing or 'none'}; "
      f"commits: {', '.join(sorted(commits))}")
PY
