#!/usr/bin/env bash
# scripts/sweep-parallel.sh on localhost: the merged report of the GNU parallel shards is byte for
# byte the unsharded sweep's (all runs, failing runs only, a failing sweep's exit 1), and eosim
# merge refuses a missing, repeated or foreign shard with exit 2.
#   check.sh EOSIM PROJECT_DIR WORK_DIR
set -uo pipefail
eosim="$1"
project="$2"
work="$3"
scenario="$project/scenarios/swarm-at-least-once.json"
seeds=1..24
failures=0
fail() { echo "FAIL: $*" >&2; failures=$((failures + 1)); }
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
command -v parallel >/dev/null || { echo "GNU parallel is missing: run scripts/setup.sh" >&2; exit 1; }

# same_report NAME EOSIM_ARGS...: the unsharded sweep and 5 shards on 2 job slots agree, exit included.
same_report() {
    local name="$1"
    shift
    "$eosim" sweep "$scenario" --seeds "$seeds" --format json "$@" > "$name-whole.json"
    local whole_rc=$?
    EOSIM="$eosim" EOSIM_ARGS="$*" bash "$project/scripts/sweep-parallel.sh" "$scenario" "$seeds" 5 \
        "$name-merged.json" -j 2 2> "$name.err"
    local merged_rc=$?
    cmp -s "$name-whole.json" "$name-merged.json" || fail "$name: the merged report differs from the unsharded one"
    [ "$whole_rc" -eq "$merged_rc" ] || fail "$name: unsharded exit $whole_rc, merged exit $merged_rc: $(cat "$name.err")"
    echo "$name: exit $merged_rc, $(wc -c < "$name-merged.json") bytes, identical"
}
same_report all
same_report failing --runs failing
same_report regression --set /expect/verdicts/at_most_once=true
grep -q '"all_met": false' regression-merged.json || fail "regression: the merged report should not meet its expectations"

# refused NAME MESSAGE FILES...: eosim merge exits 2 and says MESSAGE.
refused() {
    local name="$1" message="$2"
    shift 2
    "$eosim" merge "$@" > /dev/null 2> "$name.err"
    local rc=$?
    [ "$rc" -eq 2 ] || fail "merge $name: expected exit 2, got $rc"
    grep -qF "$message" "$name.err" || fail "merge $name: expected \"$message\", got: $(cat "$name.err")"
}
shards=all-merged.json.shards
refused missing "shard 3/5 is missing" $shards/shard-1 $shards/shard-2 $shards/shard-4 $shards/shard-5
refused twice "shard 2/5 is given twice" $shards/shard-1 $shards/shard-2 $shards/shard-2 $shards/shard-3 \
    $shards/shard-4 $shards/shard-5
refused not-a-shard "not a report of \`eosim sweep --shard K/N --format json\`" all-whole.json
"$eosim" sweep "$scenario" --seeds "$seeds" --shard 1/4 --format json > other-count.json
refused other-sweep "another sweep than" $shards/shard-1 other-count.json
printf '{"a": 1, "a": 2}' > duplicate-key.json
refused invalid-json "invalid JSON" duplicate-key.json
refused no-file "no-such-file.json" no-such-file.json
[ "$failures" -eq 0 ] && echo "sweep-parallel: all checks passed"
exit $((failures > 0))
