#!/usr/bin/env python3
"""Proves tests/check_layers.py fails on what it must catch: runs it on small temporary src trees
(an upward include, a sideways include, a file at src/kafka's root) and on a clean one."""
import subprocess
import sys
import tempfile
from pathlib import Path

CHECKER = Path(__file__).with_name("check_layers.py")


def run(files: dict[str, str]) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "src"
        for name, text in files.items():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            (src / name).write_text(text, encoding="utf-8")
        return subprocess.run([sys.executable, str(CHECKER), str(src)], capture_output=True, text=True)


def expect(name: str, files: dict[str, str], code: int, needle: str) -> bool:
    result = run(files)
    ok = result.returncode == code and needle in result.stdout
    print(f"{'ok  ' if ok else 'FAIL'} {name}: exit {result.returncode}, output {result.stdout.strip()!r}")
    return ok


CLEAN = {
    "sim/node.hpp": "#pragma once\n",
    "kafka/protocol/messages.hpp": '#pragma once\n#include "sim/node.hpp"\n',
    "kafka/broker/broker.hpp": '#pragma once\n#include "kafka/protocol/messages.hpp"\n',
    "kafka/client/producer_client.hpp": '#pragma once\n#include "kafka/protocol/messages.hpp"\n',
}

checks = [
    expect("clean tree passes", CLEAN, 0, "every include follows the layering"),
    expect("protocol including broker (upward) fails", {
        **CLEAN, "kafka/protocol/record_batch.hpp": '#pragma once\n\n#include "kafka/broker/broker.hpp"\n'},
        1, "record_batch.hpp:3: kafka/protocol may not include kafka/broker"),
    expect("client including broker (sideways) fails", {
        **CLEAN, "kafka/client/leader_cache.cpp": '#include <map>\n#include "kafka/broker/broker.hpp"\n'},
        1, "leader_cache.cpp:2: kafka/client may not include kafka/broker"),
    expect("sim including kafka (upward, from the kernel) fails", {
        **CLEAN, "sim/network.cpp": '#include "kafka/protocol/messages.hpp"\n'},
        1, "network.cpp:1: sim may not include kafka/protocol"),
    expect("a file at src/kafka's root fails", {**CLEAN, "kafka/partition.hpp": "#pragma once\n"},
           1, "partition.hpp: in no layer"),
]
sys.exit(0 if all(checks) else 1)
