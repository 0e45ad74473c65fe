#!/usr/bin/env bash
# The whole test run behind `make test`:
#   1. every suite of the main build (unit, integration, slow)
#   2. the unit suites again in an ASan+UBSan build
#   3. the soak (scripts/soak.sh, ~2 min) on ofdp/ofctl-run of the ASan build
#   4. every libFuzzer target for a bounded time in a clang build
# then one closing summary line; exits non-zero if anything failed.
#
# usage: run-tests.sh [--only-asan|--only-fuzz|--only-soak] BUILD ASAN_BUILD FUZZ_BUILD
set -uo pipefail

mode=all
case "${1:-}" in --only-asan) mode=asan; shift ;; --only-fuzz) mode=fuzz; shift ;; --only-soak) mode=soak; shift ;; esac
build=${1:-build}
asan=${2:-build-asan}
fuzz=${3:-build-fuzz}
jobs=$(nproc)

status=0
stages=()
start=$(date +%s)

stage() {  # stage NAME BUILD_DIR meson-test-args...
  local name=$1 dir=$2; shift 2
  echo
  echo "=== $name ==="
  local t0=$(date +%s)
  if meson test -C "$dir" --no-rebuild --print-errorlogs --num-processes "$jobs" "$@"; then
    stages+=("$name: ok ($(( $(date +%s) - t0 ))s)")
  else
    stages+=("$name: FAILED ($(( $(date +%s) - t0 ))s)")
    status=1
  fi
}

if [[ $mode == all ]]; then
  stage "all suites ($build)" "$build"
fi

if [[ $mode == all || $mode == asan ]]; then
  echo; echo "=== building unit tests with ASan+UBSan ($asan) ==="
  if [[ ! -f $asan/build.ninja ]]; then
    # No --werror here: GCC 12 reports false -Wstringop-overflow and
    # -Wmaybe-uninitialized inside libstdc++ when instrumented; the main build
    # is the one held to zero warnings.
    meson setup "$asan" --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false \
      -Dbench=false || status=1
  fi
  # ofdp, ofctl-run and ofpcap too: the soak runs them instrumented.
  if meson compile -C "$asan" -j "$jobs" unit-tests datapath/ofdp controller/ofctl-run pcap/ofpcap; then
    ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
      stage "unit suites under ASan+UBSan ($asan)" "$asan" --suite unit
  else
    stages+=("ASan build: FAILED"); status=1
  fi
fi

soak_result=
if [[ $mode == all || $mode == soak ]]; then
  echo; echo "=== soak: ofdp + ofctl-run under ASan/LSan, traffic and churn ($asan) ==="
  t0=$(date +%s)
  timeout 240 bash scripts/soak.sh "$asan"; soak_rc=$?
  if [[ $soak_rc == 0 ]]; then
    soak_result=ok; stages+=("soak: ok ($(( $(date +%s) - t0 ))s)")
  elif [[ $soak_rc == 77 ]]; then  # the machine cannot host it (no root, no netns); said why above
    soak_result=skipped; stages+=("soak: skipped")
  else
    soak_result=failed; stages+=("soak: FAILED ($(( $(date +%s) - t0 ))s)"); status=1
  fi
fi

if [[ $mode == all || $mode == fuzz ]]; then
  echo; echo "=== building libFuzzer targets with clang ($fuzz) ==="
  if [[ ! -f $fuzz/build.ninja ]]; then
    CXX=clang++ CC=clang meson setup "$fuzz" --buildtype=debugoptimized -Dfuzz=true -Dbench=false \
      -Db_sanitize=address,undefined -Db_lundef=false -Dcpp_args=-fsanitize=fuzzer-no-link || status=1
  fi
  if meson introspect "$fuzz" --targets 2>/dev/null | grep -q '"fuzz_'; then
    if meson compile -C "$fuzz" -j "$jobs" fuzzers; then
      stage "fuzzers, bounded time ($fuzz)" "$fuzz" --suite fuzz
    else
      stages+=("fuzz build: FAILED"); status=1
    fi
  else
    stages+=("fuzzers: none registered yet")
  fi
fi

# Closing summary, counted from meson's logs of the runs above.
python3 - "$build" "$asan" "$fuzz" "$mode" "$soak_result" <<'PY'
import json, os, sys
builds, mode, soak = sys.argv[1:4], sys.argv[4], sys.argv[5]
want = {"all": builds, "asan": builds[1:2], "fuzz": builds[2:3], "soak": []}[mode]
passed = failed = skipped = 0
if soak:  # the soak counts as one test
    passed, failed, skipped = {"ok": (1, 0, 0), "skipped": (0, 0, 1)}.get(soak, (0, 1, 0))
for b in want:
    log = os.path.join(b, "meson-logs", "testlog.json")
    if not os.path.exists(log):
        continue
    for line in open(log):
        try:
            r = json.loads(line)
        except ValueError:
            continue
        res = r.get("result", "")
        if res in ("OK", "EXPECTEDFAIL"):
            passed += 1
        elif res == "SKIP":
            skipped += 1
        else:
            failed += 1
print()
print(f"make test: {passed} passed, {failed} failed, {skipped} skipped")
PY
echo "--- stages ---"
printf '  %s\n' "${stages[@]}"
echo "total $(( $(date +%s) - start ))s"
exit $status
