#!/usr/bin/env python3
"""Trace hashes of every shipped scenario against the committed list.

A refactor must keep behaviour: every scenario's runs hash to the same traces. A change that
means to alter behaviour regenerates the list in the same commit and says why:
    python3 tests/trace_hashes.py build/release/eosim scenarios tests/trace_hashes.txt --write
(--write runs every range, with the g++ release build). Each line is a scenario's name, a seed
range and a SHA-256 over that range's trace hashes in seed order. The ranges are 1..50 (checked
by the g++ release build's ctest), 1..10 (checked with --short by the clang build of the sanitize
preset, whose sanitizers make a run ~10x slower) and 1..200 (checked with --long by
scripts/cross-compiler-hashes.sh with an unsanitized clang build: g++ and clang++ must give the
same hashes, issue 14). One sweep per scenario.

Usage: trace_hashes.py EOSIM SCENARIO_DIR LIST [--short | --long | --write]
"""
import hashlib
import json
import pathlib
import subprocess
import sys

RANGES = {"": [(1, 50)], "--short": [(1, 10)], "--long": [(1, 200)], "--write": [(1, 10), (1, 50), (1, 200)]}


def digests(eosim, scenario, ranges):
    first, last = min(r[0] for r in ranges), max(r[1] for r in ranges)
    out = subprocess.run([eosim, "sweep", str(scenario), "--seeds", f"{first}..{last}", "--jobs", "2",
                          "--format", "json", "--runs", "all"],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{scenario}: eosim sweep exited {out.returncode}: {out.stderr.strip()}")
    hashes = {r["seed"]: r["trace_hash"] for r in json.loads(out.stdout)["runs"]}
    lines = []
    for low, high in ranges:
        text = " ".join(hashes[seed] for seed in range(low, high + 1))
        lines.append(f"{scenario.stem} {low}..{high} {hashlib.sha256(text.encode()).hexdigest()[:32]}")
    return lines


def main():
    mode = sys.argv[4] if len(sys.argv) == 5 else ""
    if len(sys.argv) not in (4, 5) or mode not in RANGES:
        sys.exit("usage: trace_hashes.py EOSIM SCENARIO_DIR LIST [--short | --long | --write]")
    eosim, scenario_dir, list_file = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    ranges = RANGES[mode]
    lines = [line for s in sorted(scenario_dir.glob("*.json")) for line in digests(eosim, s, ranges)]
    if mode == "--write":
        list_file.write_text("\n".join(lines) + "\n")
        print(f"wrote {len(lines)} lines to {list_file}")
        return
    expected = set(list_file.read_text().splitlines())
    changed = [line for line in lines if line not in expected]
    gone = sorted({l.split()[0] for l in expected} - {l.split()[0] for l in lines})
    for line in changed:
        print(f"trace hashes changed (or scenario new): {' '.join(line.split()[:2])}")
    for name in gone:
        print(f"scenario in the list but not shipped: {name}")
    seeds = ", ".join(f"{low}..{high}" for low, high in ranges)
    if changed or gone:
        print(f"{len(changed) + len(gone)} of {len(lines)} differ from {list_file} (seeds {seeds}); if "
              "the change is meant, regenerate with --write (g++ release build) and say why in the commit")
        sys.exit(1)
    print(f"{len(lines) // len(ranges)} scenarios, seeds {seeds}: trace hashes as in {list_file}")


if __name__ == "__main__":
    main()
