#!/usr/bin/env bash
# make bench: run every micro-benchmark and write JSON under bench/results/.
set -euo pipefail
build=${1:-build-release}
out=bench/results
mkdir -p "$out"
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
shopt -s nullglob
ran=0
for exe in $(find "$build/bench" -maxdepth 2 -type f -name '*_bench' -perm -u+x | sort); do
  name=$(basename "$exe")
  echo "=== $name ==="
  "$exe" --benchmark_out="$out/$name.json" --benchmark_out_format=json \
         --benchmark_context=git_revision="$rev" --benchmark_min_time=0.2
  ran=$((ran + 1))
done
echo "ran $ran benchmark programs; results in $out/"
