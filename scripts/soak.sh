#!/usr/bin/env bash
# Soak: two ofdp switches and ofctl-run l2_learning, built with ASan+LSan+UBSan,
# under traffic and churn for about 100 s (bounded: SOAK_DEADLINE, default 150 s).
#
# Everything runs in a private network namespace that this script creates
# and removes (needs root and iproute2): each switch has three libpcap ports on
# veth pairs, and `ofpcap replay --loop=0 --pps=N` sends tests/data/demo-port{1,2,3}.pcap
# into the peers. Switch 1 runs --fail-mode=secure, switch 2 --fail-mode=standalone.
# ofctl-run runs l2_learning with 1 s idle / 3 s hard timeouts, so its flows
# expire and are reinstalled all the time. Each cycle (SOAK_CYCLES, default 3):
#   1. churn: ovs-ofctl adds a flow to each switch every step and deletes the
#      one added five steps earlier (each ovs-ofctl call ends with a barrier that
#      must be answered), then exactly five such flows must be in each table;
#   2. ofctl-run is killed (SIGKILL): once l2_learning's flows have expired,
#      the secure switch forwards nothing although frames keep arriving (misses
#      dropped), the standalone one keeps forwarding (its NORMAL fail-open flow);
#   3. ofctl-run restarts: both switches reconnect (backoff <= 1 s), the
#      standalone switch removes its fail-open flow, both forward again;
#   4. switch 1 is frozen (SIGSTOP) until ofctl-run's echo timeout drops it,
#      then thawed: it notices and reconnects.
# At the end: churn flows deleted (count 0), every PacketIn answered (no
# packet buffer left once traffic stops), every process exits 0 on SIGTERM,
# and no log holds a sanitizer report. One "soak: PASS|FAIL <check>" line per
# check, then "soak: N passed, N failed" and "soak: PASS" or "soak: FAIL".
#
# usage: scripts/soak.sh [ASAN_BUILD_DIR]     (default build-asan; set up and built if needed)
# env:   SOAK_CYCLES=3 SOAK_PPS=200 SOAK_OUT=<dir for logs, default BUILD/soak>
set -uo pipefail
cd "$(dirname "$0")/.."
build=${1:-build-asan}
cycles=${SOAK_CYCLES:-3}
pps=${SOAK_PPS:-200}
out=${SOAK_OUT:-$build/soak}

passed=0
failed=0
pass() { echo "soak: PASS $1"; passed=$((passed + 1)); }
fail() { echo "soak: FAIL $1${2:+: $2}"; failed=$((failed + 1)); }
check() { if eval "$2"; then pass "$1"; else fail "$1" "${3:-}"; fi; }  # check NAME CONDITION [DETAIL]

if [[ $(id -u) != 0 ]] || ! command -v ip >/dev/null || ! command -v ovs-ofctl >/dev/null; then
  echo "soak: SKIP (needs root, iproute2 and ovs-ofctl)"
  exit 77
fi

# ---- build ---------------------------------------------------------------------
if [[ ! -f $build/build.ninja ]]; then
  meson setup "$build" --buildtype=debug -Db_sanitize=address,undefined -Db_lundef=false -Dbench=false || exit 1
fi
meson compile -C "$build" datapath/ofdp controller/ofctl-run pcap/ofpcap >/dev/null || {
  echo "soak: FAIL build"; echo "soak: FAIL"; exit 1; }
ofdp=$build/datapath/ofdp
ctl=$build/controller/ofctl-run
ofpcap=$build/pcap/ofpcap
deadline=$(( $(date +%s) + ${SOAK_DEADLINE:-150} ))  # from here on
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)

export ASAN_OPTIONS=detect_leaks=1:halt_on_error=1:abort_on_error=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export LSAN_OPTIONS=exitcode=23

# ---- namespace, veths, processes ------------------------------------------------
ns=ofkit-soak-$$
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -KILL "$p" 2>/dev/null; done
  ip netns pids "$ns" 2>/dev/null | xargs -r kill -KILL 2>/dev/null  # only ours: the namespace is private
  wait 2>/dev/null
  ip netns del "$ns" 2>/dev/null
}
trap cleanup EXIT
trap 'exit 143' TERM INT  # (timeout, ^C) through the EXIT trap: nothing left running
nsx() { ip netns exec "$ns" "$@"; }
ip netns add "$ns" || { echo "soak: FAIL ip netns add"; echo "soak: FAIL"; exit 1; }
# `ip netns exec` needs / to be a mount point (it makes it a slave mount);
# inside a plain chroot it is not, and nothing would run in the namespace.
if ! probe=$(ip netns exec "$ns" true 2>&1); then
  echo "soak: SKIP (ip netns exec does not work here: $probe)"
  exit 77
fi
nsx ip link set lo up
nsx sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
for s in 1 2; do
  for p in 1 2 3; do
    nsx ip link add name "s${s}p$p" type veth peer name "h${s}p$p"
    nsx ip link set "s${s}p$p" up
    nsx ip link set "h${s}p$p" up
  done
done

ctl_runs=0
ctl_pid=
start_controller() {
  ctl_runs=$((ctl_runs + 1))
  ip netns exec "$ns" "$ctl" --listen=ptcp:6653:127.0.0.1 --threads=2 --echo-interval=0.5 --echo-timeout=2 \
    --packet-in-rate=0 l2_learning --idle-timeout=1 --hard-timeout=3 >"$out/ofctl-run.$ctl_runs.log" 2>&1 &
  ctl_pid=$!
  pids+=("$ctl_pid")
}
declare -A sw_pid
start_switch() {  # N MODE
  ip netns exec "$ns" "$ofdp" --port="pcap:s${1}p1" --port="pcap:s${1}p2" --port="pcap:s${1}p3" --datapath-id="$1" \
    --fail-mode="$2" --controller=tcp:127.0.0.1:6653 --listen="ptcp:663$1:127.0.0.1" \
    --control-socket="$out/sw$1.sock" --probe-interval=1 --max-backoff=1 --workers=1 >"$out/sw$1.log" 2>&1 &
  sw_pid[$1]=$!
  pids+=("$!")
}
# Lines "switch 000000000000000N up" in the current ofctl-run log.
ups() { grep -c "switch 000000000000000$1 up" "$out/ofctl-run.$ctl_runs.log" 2>/dev/null; }
wait_for() {  # wait_for SECONDS CONDITION
  local end=$(( $(date +%s) + $1 ))
  while ! eval "$2"; do
    (( $(date +%s) >= end )) && return 1
    sleep 0.1
  done
}
# "RX TX DROPPED_DISCONNECTED CONNECTS" of switch N, from its control socket.
counters() {
  "$ofdp" --ctl="$out/sw$1.sock" stats 2>/dev/null | awk '
    /^port / { for (i = 1; i <= NF; i++) { split($i, kv, "="); if (kv[1] == "rx") rx += kv[2]; if (kv[1] == "tx") tx += kv[2] } }
    /^agent:/ { for (i = 1; i <= NF; i++) { if ($i == "packet_ins_dropped_disconnected") d = $(i + 1);
                                            if ($i == "controller_connects") c = $(i + 1) } }
    END { gsub(",", "", d); gsub(",", "", c); print rx + 0, tx + 0, d + 0, c + 0 }'
}
ofctl() {  # ofctl SWITCH CMD ARGS...: ovs-ofctl against switch N's management listener
  local sw=$1 cmd=$2
  shift 2
  nsx ovs-ofctl -O OpenFlow10 --timeout=10 "$cmd" "tcp:127.0.0.1:663$sw" "$@" 2>>"$out/ovs-ofctl.err"
}
churn_mac() { printf '02:5a:00:00:%02x:%02x' $(($1 / 256)) $(($1 % 256)); }
churn_count() { ofctl "$1" dump-flows | grep -c "dl_src=02:5a:"; }

echo "soak: logs in $out, namespace $ns, $cycles cycles, ${pps} pps per port"
start_controller
wait_for 20 "grep -q listening '$out/ofctl-run.1.log'" || fail "ofctl-run starts" "$(tail -5 "$out/ofctl-run.1.log")"
start_switch 1 secure
start_switch 2 standalone
wait_for 30 '[[ $(ups 1) -ge 1 && $(ups 2) -ge 1 ]]'
check "both switches connect" '[[ $(ups 1) -ge 1 && $(ups 2) -ge 1 ]]'
for s in 1 2; do
  for p in 1 2 3; do
    ip netns exec "$ns" "$ofpcap" replay "tests/data/demo-port$p.pcap" --iface="h${s}p$p" --pps="$pps" --loop=0 \
      >"$out/replay-s${s}p$p.log" 2>&1 &
    pids+=("$!")
  done
done
sleep 2

churn_id=0
barrier_failures=0
cycles_done=0
for cycle in $(seq "$cycles"); do
  if (( $(date +%s) + 30 > deadline )); then
    echo "soak: stopping after $((cycle - 1)) cycles (deadline)"
    break
  fi
  echo "soak: --- cycle $cycle"
  # 1. churn through the management listeners while l2_learning churns its own flows.
  read -r rx1 tx1 _ _ < <(counters 1)
  for step in $(seq 12); do
    churn_id=$((churn_id + 1))
    for s in 1 2; do
      ofctl "$s" add-flow "priority=100,dl_src=$(churn_mac $churn_id),actions=drop" ||
        barrier_failures=$((barrier_failures + 1))
      if (( step > 5 )); then
        ofctl "$s" del-flows --strict "priority=100,dl_src=$(churn_mac $((churn_id - 5)))" ||
          barrier_failures=$((barrier_failures + 1))
      fi
    done
    sleep 0.3
  done
  for s in 1 2; do
    n=$(churn_count "$s")
    check "cycle $cycle: switch $s holds exactly the 5 newest churn flows" '[[ $n == 5 ]]' "found $n"
    for k in $(seq $((churn_id - 4)) "$churn_id"); do
      ofctl "$s" del-flows --strict "priority=100,dl_src=$(churn_mac "$k")" || barrier_failures=$((barrier_failures + 1))
    done
  done
  read -r rx2 tx2 _ _ < <(counters 1)
  check "cycle $cycle: switch 1 forwards with the controller up" '(( tx2 > tx1 && rx2 > rx1 ))' "rx $rx1->$rx2 tx $tx1->$tx2"

  # 2. controller killed.
  kill -KILL "$ctl_pid"
  wait "$ctl_pid" 2>/dev/null
  sleep 4.5  # l2_learning's flows (hard_timeout=3) expire
  read -r rxa txa da _ < <(counters 1)
  read -r rxa2 txa2 _ _ < <(counters 2)
  sleep 2
  read -r rxb txb db _ < <(counters 1)
  read -r rxb2 txb2 _ _ < <(counters 2)
  check "cycle $cycle: secure switch forwards nothing without its controller" \
    '(( rxb > rxa && txb == txa && db > da ))' "rx $rxa->$rxb tx $txa->$txb dropped_disconnected $da->$db"
  check "cycle $cycle: standalone switch forwards (NORMAL) without its controller" \
    '(( rxb2 > rxa2 && txb2 > txa2 ))' "rx $rxa2->$rxb2 tx $txa2->$txb2"
  check "cycle $cycle: standalone switch reports its fail-open flow" \
    '"$ofdp" --ctl="$out/sw2.sock" show 2>/dev/null | grep -q "learning switch active"'

  # 3. controller back: both reconnect with backoff.
  start_controller
  wait_for 15 '[[ $(ups 1) -ge 1 && $(ups 2) -ge 1 ]]'
  check "cycle $cycle: both switches reconnect to the restarted controller" '[[ $(ups 1) -ge 1 && $(ups 2) -ge 1 ]]'
  wait_for 5 '! "$ofdp" --ctl="$out/sw2.sock" show 2>/dev/null | grep -q "learning switch active"'
  check "cycle $cycle: standalone switch drops its fail-open flow on reconnect" \
    '! "$ofdp" --ctl="$out/sw2.sock" show 2>/dev/null | grep -q "learning switch active"'
  read -r rxc txc _ _ < <(counters 1)
  sleep 1.5
  read -r rxd txd _ _ < <(counters 1)
  check "cycle $cycle: secure switch forwards again" '(( txd > txc ))' "tx $txc->$txd"

  # 4. switch 1 frozen until the controller drops it, then thawed.
  kill -STOP "${sw_pid[1]}"
  wait_for 10 "grep -q 'switch 0000000000000001 down' '$out/ofctl-run.$ctl_runs.log'"
  downs=$(grep -c "switch 0000000000000001 down" "$out/ofctl-run.$ctl_runs.log")
  kill -CONT "${sw_pid[1]}"
  check "cycle $cycle: controller drops the frozen switch (echo timeout)" '(( downs >= 1 ))'
  wait_for 15 '[[ $(ups 1) -ge 2 ]]'
  check "cycle $cycle: thawed switch reconnects" '[[ $(ups 1) -ge 2 ]]'
  reconnected_ms=$(( $(date +%s%N) / 1000000 ))
  cycles_done=$cycle
done

# ---- end ----------------------------------------------------------------------------
check "every ovs-ofctl flow_mod/barrier answered" '(( barrier_failures == 0 ))' \
  "$barrier_failures failed calls; $(tail -3 "$out/ovs-ofctl.err" 2>/dev/null)"
for s in 1 2; do
  n=$(churn_count "$s")
  check "switch $s: churn flows all deleted" '[[ $n == 0 ]]' "found $n"
done
read -r _ _ _ conn1 < <(counters 1)
check "switch 1: one connection per controller start plus one per freeze" \
  '(( conn1 == ctl_runs + cycles_done ))' "controller_connects=$conn1, expected $((ctl_runs + cycles_done))"
read -r _ _ _ conn2 < <(counters 2)
check "switch 2: one connection per controller start" '(( conn2 == ctl_runs ))' \
  "controller_connects=$conn2, expected $ctl_runs"

# Traffic off. Every PacketIn holds a packet buffer until the controller's
# answer (PACKET_OUT or FLOW_MOD naming it) releases it, or until it expires
# after 5 s: buffers still in use 4 s after the last frame mean lost answers.
# Misses while disconnected (the thawed switch's backlog) hold buffers too, so
# traffic runs on until they have expired: 6 s after the last reconnection.
wait_ms=$(( ${reconnected_ms:-0} + 6000 - $(date +%s%N) / 1000000 ))
(( wait_ms > 0 )) && sleep "$((wait_ms / 1000)).$(printf %03d $((wait_ms % 1000)))"
for p in "${pids[@]}"; do
  [[ $p == "$ctl_pid" || $p == "${sw_pid[1]}" || $p == "${sw_pid[2]}" ]] && continue
  kill -TERM "$p" 2>/dev/null
done
buffers() { "$ofdp" --ctl="$out/sw$1.sock" stats 2>/dev/null | sed -n 's/.*buffers_in_use=\([0-9]*\).*/\1/p'; }
for s in 1 2; do
  wait_for 4 '[[ $(buffers '"$s"') == 0 ]]'
  b=$(buffers "$s")
  check "switch $s: every PacketIn answered (no packet buffer left)" '[[ $b == 0 ]]' "buffers_in_use=$b"
  backlog=$("$ofdp" --ctl="$out/sw$s.sock" stats 2>/dev/null | sed -n 's/.*packet_ins_dropped_backlog \([0-9]*\).*/\1/p')
  check "switch $s: no PacketIn dropped for backlog" '[[ $backlog == 0 ]]' "packet_ins_dropped_backlog=$backlog"
done

# SIGTERM: every process must exit 0 (LSan exits 23 on a leak).
stop() {  # stop NAME PID
  kill -TERM "$2" 2>/dev/null
  local i
  for i in $(seq 150); do kill -0 "$2" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$2" 2>/dev/null; then
    fail "$1 exits on SIGTERM" "still running after 15 s"
    kill -KILL "$2"
  fi
  wait "$2"
  local rc=$?
  check "$1 exits 0 on SIGTERM" '(( rc == 0 ))' "exit code $rc"
}
stop "switch 1 (ofdp)" "${sw_pid[1]}"
stop "switch 2 (ofdp)" "${sw_pid[2]}"
stop "ofctl-run" "$ctl_pid"
wait 2>/dev/null

reports=$(grep -l -E "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:|SUMMARY: (Address|UndefinedBehavior|Leak)Sanitizer" \
  "$out"/*.log 2>/dev/null | xargs -r -n1 basename | tr '\n' ' ')
check "no sanitizer report in any log" '[[ -z $reports ]]' "in: $reports"
crashes=$(grep -l -E "Segmentation fault|terminate called|Aborted|core dumped" "$out"/*.log 2>/dev/null |
  xargs -r -n1 basename | tr '\n' ' ')
check "no crash in any log" '[[ -z $crashes ]]' "in: $crashes"

echo "soak: $passed passed, $failed failed"
if (( failed == 0 && passed > 0 )); then
  echo "soak: PASS"
  exit 0
fi
echo "soak: FAIL (logs in $out)"
exit 1
