#!/usr/bin/env bash
# make bench: the micro-benchmarks (every *_bench program, Google Benchmark),
# then the end-to-end harnesses: ofbench against the null controller,
# ofctl-run l2_learning and ovs-testcontroller (bench-ofbench.py); flow setup
# rate of ofdp + l2_learning (bench-flow-setup.py); forwarding rate of ofdp
# beside dpdk-testpmd and OVS-DPDK (bench-forwarding.py). JSON results and PNG
# plots go to bench/results/; every JSON carries the machine, core count, git
# revision and command lines. Bounded: each micro-benchmark program gets at
# most $BENCH_PROGRAM_TIMEOUT seconds, the harnesses a few minutes together.
#
#   scripts/bench.sh [BUILD_DIR]        (make bench passes build-release)
#   BENCH_QUICK=1 scripts/bench.sh ...  shorter runs (smoke test)
#   BENCH_OUT=DIR scripts/bench.sh ...  write somewhere else than bench/results
set -uo pipefail
build=${1:-build-release}
out=${BENCH_OUT:-bench/results}
mkdir -p "$out"
rev=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [[ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]]; then rev="$rev-dirty"; fi
cores=$(nproc)
host=$(hostname)
timeout_s=${BENCH_PROGRAM_TIMEOUT:-90}
min_time=0.2
if [[ -n "${BENCH_QUICK:-}" ]]; then min_time=0.05; fi
start=$(date +%s)

ran=0
failed=0
for exe in $(find "$build/bench" -maxdepth 2 -type f -name '*_bench' -perm -u+x | sort); do
  name=$(basename "$exe")
  echo "=== $name ==="
  if ! timeout "$timeout_s" "$exe" --benchmark_out="$out/$name.json" --benchmark_out_format=json \
      --benchmark_context=git_revision="$rev" --benchmark_context=cores="$cores" \
      --benchmark_context=hostname="$host" --benchmark_context=command_line="$exe" \
      --benchmark_min_time="$min_time"; then
    echo "bench: $name failed or timed out after ${timeout_s}s" >&2
    failed=$((failed + 1))
  fi
  ran=$((ran + 1))
done
echo "ran $ran micro-benchmark programs ($failed failed); results in $out/"

echo "=== ofbench: controllers under emulated switches ==="
quick=()
if [[ -n "${BENCH_QUICK:-}" ]]; then quick=(--quick); fi
if ! python3 scripts/bench-ofbench.py --build "$build" --out "$out" "${quick[@]}"; then
  echo "bench: ofbench harness failed" >&2
  failed=$((failed + 1))
fi

echo "=== flow setup: ofdp + l2_learning (tcp and in-process), ofbench --target=datapath ==="
if [[ $(id -u) -ne 0 ]]; then
  echo "bench: flow setup harness skipped (needs root for its veth pairs)" >&2
elif ! python3 scripts/bench-flow-setup.py --build "$build" --out "$out" "${quick[@]}"; then
  echo "bench: flow setup harness failed" >&2
  failed=$((failed + 1))
fi

echo "=== forwarding rate: ofdp beside dpdk-testpmd and OVS-DPDK on DPDK vdevs ==="
if [[ $(id -u) -ne 0 ]]; then
  echo "bench: forwarding harness skipped (DPDK vdevs without hugepages need root here)" >&2
elif ! python3 scripts/bench-forwarding.py --build "$build" --out "$out" "${quick[@]}"; then
  echo "bench: forwarding harness failed" >&2
  failed=$((failed + 1))
fi

echo "bench: done in $(( $(date +%s) - start )) s; results and plots in $out/"
[[ $failed -eq 0 ]]
