#!/usr/bin/env python3
"""Trace hashes of every shipped scenario, seeds 1..50, against the committed list.

A refactor must keep behaviour: every scenario's runs hash to the same traces. A change that
means to alter behaviour regenerates the list in the same commit and says why:
    python3 tests/trace_hashes.py build/release/eosim scenarios tests/trace_hashes.txt --write
One line per scenario: its name, the seeds, and a SHA-256 over the 50 trace hashes in seed order.
"""
import hashlib
import json
import pathlib
import subprocess
import sys

SEEDS = "1..50"


def digest(eosim, scenario):
    out = subprocess.run([eosim, "sweep", str(scenario), "--seeds", SEEDS, "--jobs", "2",
                          "--format", "json", "--runs", "all"],
                         capture_output=True, text=True)
    if out.returncode not in (0, 1):
        sys.exit(f"{scenario}: eosim sweep exited {out.returncode}: {out.stderr.strip()}")
    runs = sorted(json.loads(out.stdout)["runs"], key=lambda r: r["seed"])
    return hashlib.sha256(" ".join(r["trace_hash"] for r in runs).encode()).hexdigest()[:32]


def main():
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] != "--write"):
        sys.exit("usage: trace_hashes.py EOSIM SCENARIO_DIR LIST [--write]")
    eosim, scenario_dir, list_file = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    lines = [f"{s.stem} {SEEDS} {digest(eosim, s)}" for s in sorted(scenario_dir.glob("*.json"))]
    if len(sys.argv) == 5:
        list_file.write_text("\n".join(lines) + "\n")
        print(f"wrote {len(lines)} scenarios to {list_file}")
        return
    expected = set(list_file.read_text().splitlines())
    changed = [line for line in lines if line not in expected]
    gone = sorted({l.split()[0] for l in expected} - {l.split()[0] for l in lines})
    for line in changed:
        print(f"trace hashes changed (or scenario new): {line.split()[0]}")
    for name in gone:
        print(f"scenario in the list but not shipped: {name}")
    if changed or gone:
        print(f"{len(changed) + len(gone)} of {len(lines)} differ from {list_file}; if the change is "
              "meant, regenerate with --write and say why in the commit")
        sys.exit(1)
    print(f"{len(lines)} scenarios: trace hashes as in {list_file}")


if __name__ == "__main__":
    main()
