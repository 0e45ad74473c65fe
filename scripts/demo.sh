#!/usr/bin/env bash
# make demo: the main job. Filled in by the switch and end-to-end issues;
# until then it runs what exists and says what is missing.
set -euo pipefail
build=${1:-build}
echo "ofkit demo"
echo "----------"
echo "Built programs in $build:"
for p in ofdp ofctl-run ofprint ofpcap ofbench; do
  f=$(find "$build" -maxdepth 2 -type f -name "$p" -perm -u+x 2>/dev/null | head -1)
  if [[ -n "$f" ]]; then echo "  $p: $f"; else echo "  $p: not built yet"; fi
done
echo
echo "The full demo (ofdp replaying a bundled trace through ofctl-run l2_learning)"
echo "arrives with the switch and end-to-end work; see README.md."
