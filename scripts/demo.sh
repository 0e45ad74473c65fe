#!/usr/bin/env bash
# make demo: ofdp replays the bundled LAN trace (tests/data/demo-port{1,2,3}.pcap,
# made by scripts/make-demo-trace.py) through ofctl-run l2_learning over TCP,
# then prints a short report. A second run does the same in one process
# (--controller=local). Output pcaps and logs stay in $OUT (default build/demo).
set -euo pipefail
build=${1:-build}
out=${OUT:-$build/demo}
data=tests/data
ofdp=$build/datapath/ofdp
ofctl=$build/controller/ofctl-run
for p in "$ofdp" "$ofctl"; do
  [[ -x $p ]] || { echo "demo: $p is not built (run make build)" >&2; exit 1; }
done
rm -rf "$out"; mkdir -p "$out"

# A free loopback port for the controller.
port=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')

ports=()
for i in 1 2 3; do ports+=("--port=file:$data/demo-port$i.pcap,out=$out/tcp-out$i.pcap"); done

echo "== ofkit demo: 3-port switch, 5 hosts, l2_learning =="
echo "-- two processes: ofctl-run l2_learning on tcp:127.0.0.1:$port, ofdp with file ports"
"$ofctl" --listen="ptcp:$port:127.0.0.1" --threads=1 l2_learning >"$out/ofctl-run.log" 2>&1 &
ctl_pid=$!
trap 'kill $ctl_pid 2>/dev/null || true' EXIT
for _ in $(seq 50); do  # wait until it listens (bounded: 5 s)
  grep -q "listening" "$out/ofctl-run.log" 2>/dev/null && break
  sleep 0.1
done
set -x
"$ofdp" "${ports[@]}" --controller="tcp:127.0.0.1:$port" --exit-on-eof --dump-flows-on-exit \
  >"$out/ofdp-tcp.log" 2>&1
{ set +x; } 2>/dev/null
kill -TERM $ctl_pid; wait $ctl_pid 2>/dev/null || true
trap - EXIT

echo "-- one process: ofdp --controller=local --app=l2_learning"
ports=()
for i in 1 2 3; do ports+=("--port=file:$data/demo-port$i.pcap,out=$out/local-out$i.pcap"); done
set -x
"$ofdp" "${ports[@]}" --controller=local --app=l2_learning --exit-on-eof --dump-flows-on-exit \
  >"$out/ofdp-local.log" 2>&1
{ set +x; } 2>/dev/null

echo
/usr/bin/python3 scripts/demo_report.py --data "$data" --out "$out"
