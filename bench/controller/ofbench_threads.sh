#!/bin/bash
# ofbench, 16 switches x 1000 MACs: ofctl-run l2_learning with --threads=1 and 2, and
# ovs-testcontroller, in the same run (each twice but OVS). REL: a release build dir.
cd "$(dirname "$0")/../.."
REL=${REL:-build-ctl-rel}; OFB=${OFB:-build/bench/ofbench/ofbench}
ninja -C $REL -j1 controller/ofctl-run >/dev/null 2>&1 || { echo "build failed"; exit 1; }

LOOPS="--switches=16 --macs=1000 --loops=5 --ms-per-loop=1000 --warmup=1"
run() { # name port cmd...
  local name=$1 port=$2; shift 2
  "$@" > ${TMPDIR:-/tmp}/ofbench-threads-$name.log 2>&1 &
  local pid=$!
  sleep 1
  echo "== $name: $*"
  echo "   ofbench: $OFB --controller=tcp:127.0.0.1:$port $LOOPS"
  $OFB --controller=tcp:127.0.0.1:$port $LOOPS 2>&1 | tail -6
  kill -TERM $pid; wait $pid
  echo "   exit $?"
}
date -u; uptime
run ofctl-t1 16701 $REL/controller/ofctl-run --listen=ptcp:16701:127.0.0.1 --threads=1 --log-level=warn --packet-in-rate=0 --stats-interval=0 l2_learning
run ofctl-t2 16702 $REL/controller/ofctl-run --listen=ptcp:16702:127.0.0.1 --threads=2 --log-level=warn --packet-in-rate=0 --stats-interval=0 l2_learning
run ovs 16703 ovs-testcontroller -O OpenFlow10 --unixctl=${TMPDIR:-/tmp}/ofbench-threads-ovs.ctl ptcp:16703:127.0.0.1
run ofctl-t1-again 16704 $REL/controller/ofctl-run --listen=ptcp:16704:127.0.0.1 --threads=1 --log-level=warn --packet-in-rate=0 --stats-interval=0 l2_learning
run ofctl-t2-again 16705 $REL/controller/ofctl-run --listen=ptcp:16705:127.0.0.1 --threads=2 --log-level=warn --packet-in-rate=0 --stats-interval=0 l2_learning
date -u; uptime
