#!/usr/bin/env bash
# Installs the Debian packages eosim needs, only those that are missing.
set -euo pipefail
# clang and libclang-rt-dev (compiler-rt: libFuzzer, ASan, UBSan for clang) build the fuzz
# preset: the libFuzzer targets and the clang side of the cross-compiler trace hashes. GNU
# parallel runs sharded sweeps (scripts/sweep-parallel.sh). librdkafka-dev (found through
# pkgconf) gives eosim bench its peer figure; gnuplot-nox draws `eosim compare --plot`.
packages=(g++ cmake ninja-build libcli11-dev libfmt-dev nlohmann-json3-dev doctest-dev
          python3 python3-jsonschema clang libclang-rt-dev parallel pkgconf librdkafka-dev gnuplot-nox)
missing=()
for package in "${packages[@]}"; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -eq 0 ]; then
    exit 0
fi
echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
