#!/usr/bin/env bash
# Regenerates the golden trace-replay suite's inputs and expectations:
#   1. tests/data/e2e-*.pcap and dpkt-*.pcap from tests/e2e/make_traces.py
#      (Debian's python3-scapy and python3-dpkt's example captures)
#   2. tests/data/golden/<case>/{out<N>.pcap,flows.txt}: every case of
#      tests/e2e/golden_test.cc replayed 5 times by ofdp + ofctl-run; the runs
#      must agree, then the files that changed are rewritten
#   3. a review listing (tcpdump one line per frame, the flow table) of every
#      case, and git's view of what changed: read it before committing.
#
# usage: scripts/make-goldens.sh [BUILD_DIR]      (default: build)
#        REVIEW=0 scripts/make-goldens.sh         (skip the listing)
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
[[ -f $build/build.ninja ]] || meson setup "$build" --buildtype=debugoptimized
/usr/bin/python3 tests/e2e/make_traces.py
ninja -C "$build" -j2 datapath/ofdp controller/ofctl-run tests/e2e_golden_test
OFKIT_UPDATE_GOLDENS=1 OFKIT_E2E_RUNS=5 OFKIT_SOURCE_DIR="$PWD" OFKIT_BUILD_DIR="$PWD/$build" \
  OFKIT_TEST_DATA="$PWD/tests/data" "$build/tests/e2e_golden_test"

if [[ ${REVIEW:-1} != 0 ]]; then
  for dir in tests/data/golden/*/; do
    echo
    echo "##### $(basename "$dir")"
    for f in "$dir"out*.pcap; do
      echo "== $(basename "$f"): $(tcpdump -r "$f" 2>/dev/null | wc -l) frames"
      tcpdump -e -n -r "$f" 2>/dev/null | cut -c17-150 || true
    done
    echo "== flows.txt"
    cut -c1-220 "$dir/flows.txt"
  done
fi
echo
echo "changed (review, then commit tests/data):"
git status --short tests/data
