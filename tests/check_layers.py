#!/usr/bin/env python3
"""Fails when a file under src/ includes a header of a layer it may not depend on.

Each layer is a folder of src/ (src/kafka/<role> for Kafka); ALLOWED says which layers each may
include, besides itself. The table follows docs/architecture.md and the libraries CMakeLists.txt
links; a static library would link an upward header-only include without complaint, so this
check is what keeps the arrows pointing one way. A file in a folder the table does not name fails
too, so a new layer must be placed in the table.

Usage: check_layers.py SRC_DIR
"""
import re
import sys
from pathlib import Path

# layer -> the layers it may include (transitively closed by hand: say every one it uses).
ALLOWED = {
    "base": set(),
    "sim": set(),
    "history": set(),
    "check": {"history"},
    "faults": {"sim"},
    "kafka/protocol": {"sim"},
    "kafka/log": {"kafka/protocol", "sim"},
    "kafka/coordinator": {"kafka/protocol", "sim"},
    "kafka/controller": {"kafka/protocol", "sim"},
    "kafka/network": {"kafka/protocol", "sim"},
    "kafka/broker": {"kafka/coordinator", "kafka/log", "kafka/network", "kafka/protocol", "sim"},
    "kafka/client": {"kafka/network", "kafka/protocol", "sim"},
    "kafka/app": {"kafka/client", "kafka/protocol", "history", "sim"},
    "scenario": {"kafka/app", "kafka/broker", "kafka/client", "kafka/controller",
                 "kafka/coordinator", "kafka/log", "kafka/protocol", "faults", "check", "history",
                 "sim"},
    # Above the scenario, Kafka is reached only through it.
    "explore": {"scenario", "check", "history", "faults", "sim"},
    "report": {"explore", "scenario", "check", "history", "sim"},
    # eosim bench: the one layer that reads the wall clock, beside report.
    "bench": {"explore", "scenario", "sim"},
    "cli": {"bench", "report", "explore", "scenario", "check", "history", "faults", "sim"},
}

# src/base (assertions) is below everything: every layer may include it.
for _layer, _allowed in ALLOWED.items():
    if _layer != "base":
        _allowed.add("base")

INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of(relative: Path) -> str | None:
    """The layer of a path relative to src/: its longest prefix named in ALLOWED."""
    parts = relative.parts[:-1]
    for n in range(len(parts), 0, -1):
        name = "/".join(parts[:n])
        if name in ALLOWED:
            return name
    return None


def violations(src: Path) -> list[str]:
    found = []
    for path in sorted(src.rglob("*")):
        if path.suffix not in (".hpp", ".cpp", ".h", ".cc") or not path.is_file():
            continue
        relative = path.relative_to(src)
        own = layer_of(relative)
        if own is None:
            found.append(f"{path}: in no layer of tests/check_layers.py's table")
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            match = INCLUDE.match(line)
            if match is None:
                continue
            target = layer_of(Path(match.group(1)))
            if target is None:
                found.append(f"{path}:{number}: includes \"{match.group(1)}\", in no layer")
            elif target != own and target not in ALLOWED[own]:
                found.append(f"{path}:{number}: {own} may not include {target} "
                             f"(\"{match.group(1)}\"); allowed: {sorted(ALLOWED[own]) or 'none'}")
    return found


def main() -> int:
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    src = Path(sys.argv[1])
    if not src.is_dir():
        print(f"{src}: not a directory", file=sys.stderr)
        return 2
    found = violations(src)
    for line in found:
        print(line)
    if found:
        print(f"{len(found)} include(s) against the layering", file=sys.stderr)
        return 1
    print(f"{src}: every include follows the layering")
    return 0


if __name__ == "__main__":
    sys.exit(main())
