#!/usr/bin/env python3
"""Fails when src/scenario/trace_types.cpp's list of named trace record types differs from the
names the code records (so expect.events can reject a misspelt "type" without missing a real one).

A named record is created by sim::StateChange("..."), the kernel's Note("..."), the transaction
coordinator's trace_state(m, "...") and Simulation::stop_process(node, "...").

Usage: check_trace_types.py SRC_DIR
"""
import re
import sys
from pathlib import Path

CREATORS = re.compile(r'\b(StateChange|Note|trace_state|stop_process)\(')
NAME = re.compile(r'"([a-z_]+\.[a-z_]+)"')


def recorded_names(src: Path) -> set[str]:
    names = set()
    for path in sorted(src.rglob("*.[ch]pp")):
        if path.name.startswith("trace_types"):
            continue
        for line in path.read_text().splitlines():
            if CREATORS.search(line):
                names.update(NAME.findall(line))
    return names


def listed_names(src: Path) -> set[str]:
    text = (src / "scenario" / "trace_types.cpp").read_text()
    block = text.split("BEGIN NAMED RECORD TYPES", 1)[1].split("END NAMED RECORD TYPES", 1)[0]
    return set(NAME.findall(block))


def main() -> int:
    src = Path(sys.argv[1])
    recorded, listed = recorded_names(src), listed_names(src)
    status = 0
    for name in sorted(recorded - listed):
        print(f"recorded but not listed in src/scenario/trace_types.cpp: {name}")
        status = 1
    for name in sorted(listed - recorded):
        print(f"listed in src/scenario/trace_types.cpp but recorded nowhere: {name}")
        status = 1
    if status == 0:
        print(f"{len(listed)} named trace record types, all recorded and listed")
    return status


if __name__ == "__main__":
    sys.exit(main())
