#!/bin/bash
# Records tests/data/ofprint_ovs.pcap: a real OpenFlow 1.0 conversation
# between two Open vSwitch programs, ovs-testcontroller (listening on 6653)
# and ovs-ofctl (connecting to it as if it were a switch). Both ends are
# real OVS code, so the capture is an independent check of our decoder.
# Runs in a private network namespace; needs root, tcpdump and openvswitch.
# The committed file was made with Open vSwitch 3.1 (Debian 12).
set -euo pipefail
out=${1:-tests/data/ofprint_ovs.pcap}
ns=ofkit-text-cap-$$
tmp=$(mktemp -d)
cleanup() {
  [[ -n ${tc:-} ]] && kill "$tc" 2>/dev/null || true
  [[ -n ${td:-} ]] && kill "$td" 2>/dev/null || true
  wait 2>/dev/null || true
  ip netns del "$ns" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
ip netns add "$ns"
ip netns exec "$ns" ip link set lo up
ip netns exec "$ns" tcpdump -i lo -w "$tmp/cap.pcap" -U -s 0 tcp port 6653 2>/dev/null &
td=$!
sleep 1
ip netns exec "$ns" ovs-testcontroller -O OpenFlow10 ptcp:6653:127.0.0.1 --no-chdir \
  --unixctl="$tmp/tc.ctl" 2>/dev/null &
tc=$!
sleep 1
ofctl() { ip netns exec "$ns" timeout 4 ovs-ofctl -O OpenFlow10 -t 1 "$@" tcp:127.0.0.1:6653 >/dev/null 2>&1 || true; }
ofctl probe
ofctl dump-desc
ofctl dump-flows
ofctl dump-ports
sleep 1
kill "$tc"; tc=
sleep 0.5
kill "$td"; wait "$td" 2>/dev/null || true; td=
cp "$tmp/cap.pcap" "$out"
echo "wrote $out"
