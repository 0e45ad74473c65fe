#!/usr/bin/env python3
"""Forwarding rate of ofdp beside dpdk-testpmd and OVS-DPDK, run by `make bench`.

Every switch gets the same DPDK virtual devices and, where it takes rules,
the same OpenFlow rules, in the same run:

  port 1  the traffic source, one of
            null  net_null0                 (64-byte frames holding whatever
                                             their mbufs held)
            pcap  net_pcap0,rx_pcap=T,infinite_rx=1
                                            (a trace of distinct UDP flows,
                                             looped from memory)
  port 2  net_null1,no-rx=1                 (a sink: TX frees the mbufs)
          or, for the ring source, net_ring0: a net_ring vdev whose TX queue
          is its own RX queue, so every frame from the pcap trace crosses
          the switch twice (1 -> 2, back in on 2 -> 1, dropped by net_pcap's
          TX without tx_pcap); the rate counts both passes

  ofdp      --workers=1, K rules (K = 1, 1k, 10k, 100k) from a generated file
            installed with `ovs-ofctl add-flows` while ofdp is --paused, then
            resumed; the rate is the worker's tx counter (`ofdp --ctl stats`)
            over a fixed interval after a warm-up.
  testpmd   `dpdk-testpmd --forward-mode=io` with one forwarding core: the
            ceiling (no lookup at all); rate from its port-2 TX counter.
  OVS-DPDK  ovs-vswitchd-dpdk (Debian's openvswitch-switch-dpdk) in a
            private run directory, netdev bridge, dpdk ports on the same
            vdevs, one PMD core, the same K rules; rate from the ports'
            tx counters (`ovs-ofctl dump-ports`).

Rules: rule i matches flow i of the trace exactly (all twelve OF1.0 fields;
vlan_tci=0 is OF1.0's dl_vlan=0xffff, "no tag", which makes the rule
"exact" in OF1.0's sense) and outputs to port 2; with the null source, whose
frames have no real headers, the table holds the K exact rules plus one
`in_port=1 actions=output:2` that every frame hits; with the ring source one
more rule, `in_port=2 actions=output:1`, sends the returning frames back.

The pcap trace holds min(K, --max-trace) distinct flows: net_pcap's
infinite_rx keeps the whole trace in mbufs of the port's pool and ofdp's pool
is fixed at ~6k mbufs, so with 10k and 100k rules the traffic hits the first
4000 of them (recorded in the JSON as trace_flows).

All figures come from one run on a shared 2-core machine: compare ratios
within the run, not absolute numbers across runs.

Usage: scripts/bench-forwarding.py --build build-release [--out bench/results] [--quick]
"""

import argparse
import datetime
import importlib.util
import json
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time

EAL_COMMON = ["--no-huge", "--no-pci", "-m", "1024"]
SINK = "net_null1,no-rx=1"
RING = "net_ring0"


def load_common():
    """git_revision, machine_facts, free_port from bench-ofbench.py (one copy of each)."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-ofbench.py")
    spec = importlib.util.spec_from_file_location("bench_ofbench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


# ---- traffic and rules ------------------------------------------------------


def flow_fields(i):
    """Flow i: MACs, IPv4 addresses and UDP ports, distinct for i < 2**24."""
    src_mac = f"02:01:00:{(i >> 16) & 0xff:02x}:{(i >> 8) & 0xff:02x}:{i & 0xff:02x}"
    dst_mac = f"02:02:00:{(i >> 16) & 0xff:02x}:{(i >> 8) & 0xff:02x}:{i & 0xff:02x}"
    nw_src = f"10.{(i >> 16) & 0xff}.{(i >> 8) & 0xff}.{i & 0xff}"
    nw_dst = f"172.16.{(i >> 8) & 0xff}.{i & 0xff}"
    return src_mac, dst_mac, nw_src, nw_dst, 1024 + i % 50000, 2048 + i // 50000


def ip_checksum(hdr):
    s = sum(struct.unpack("!10H", hdr))
    s = (s & 0xffff) + (s >> 16)
    s = (s & 0xffff) + (s >> 16)
    return (~s) & 0xffff


def frame(i):
    src_mac, dst_mac, nw_src, nw_dst, tp_src, tp_dst = flow_fields(i)
    mac = lambda m: bytes(int(x, 16) for x in m.split(":"))
    ip4 = lambda a: bytes(int(x) for x in a.split("."))
    ip = bytearray(20)
    ip[0] = 0x45
    struct.pack_into("!H", ip, 2, 46)
    ip[8], ip[9] = 64, 17
    ip[12:16], ip[16:20] = ip4(nw_src), ip4(nw_dst)
    struct.pack_into("!H", ip, 10, ip_checksum(bytes(ip)))
    udp = struct.pack("!HHHH", tp_src, tp_dst, 26, 0)
    return mac(dst_mac) + mac(src_mac) + b"\x08\x00" + bytes(ip) + udp + bytes(18)


def write_trace(path, n):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 65535, 1))
        for i in range(n):
            fr = frame(i)
            f.write(struct.pack("<IIII", 0, 0, len(fr), len(fr)) + fr)


def write_flows(path, k, catch_all, return_rule=False):
    with open(path, "w") as f:
        for i in range(k):
            src_mac, dst_mac, nw_src, nw_dst, tp_src, tp_dst = flow_fields(i)
            f.write(f"in_port=1,vlan_tci=0,dl_src={src_mac},dl_dst={dst_mac},"
                    f"dl_type=0x0800,nw_tos=0,nw_proto=17,nw_src={nw_src},nw_dst={nw_dst},"
                    f"tp_src={tp_src},tp_dst={tp_dst},actions=output:2\n")
        if catch_all:
            f.write("priority=1,in_port=1,actions=output:2\n")
        if return_rule:
            f.write("priority=1,in_port=2,actions=output:1\n")


def add_flows(target, path, timeout=180):
    t0 = time.monotonic()
    p = subprocess.run(["ovs-ofctl", "-O", "OpenFlow10", "add-flows", target, path],
                       capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise RuntimeError(f"ovs-ofctl add-flows {target}: {p.stderr.strip()[-300:]}")
    return time.monotonic() - t0


# ---- helpers ----------------------------------------------------------------


def stop(proc, timeout=10):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def wait_for(cond, timeout, what, proc=None):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{what}: the process exited with {proc.returncode}")
        time.sleep(0.05)
    raise RuntimeError(f"{what}: not ready after {timeout} s")


def tail(path, n=15):
    try:
        with open(path, errors="replace") as f:
            return "".join(f.readlines()[-n:])
    except OSError:
        return ""


def measure(read_counter, warmup, seconds):
    """Rate of a monotonically growing counter over `seconds`, after `warmup`."""
    time.sleep(warmup)
    c0, t0 = read_counter(), time.monotonic()
    time.sleep(seconds)
    c1, t1 = read_counter(), time.monotonic()
    return (c1 - c0) / (t1 - t0), c1 - c0, t1 - t0


# ---- ofdp -------------------------------------------------------------------


def run_ofdp(ofdp, vdevs, flows_file, k, work, warmup, seconds):
    ctl = os.path.join(work, "ofdp.ctl")
    port = load_common.mod.free_port()
    argv = [ofdp, "-l", "0-1"] + EAL_COMMON + [f"--vdev={v}" for v in vdevs] + ["--",
                                             "--workers=1", "--controller=none", "--paused",
                                             f"--listen=ptcp:{port}:127.0.0.1", f"--control-socket={ctl}",
                                             f"--flow-capacity={max(65536, 2 * k)}", "--log=warn"]
    log = os.path.join(work, "ofdp.log")
    with open(log, "w") as lf:
        proc = subprocess.Popen(argv, stdout=lf, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    try:
        wait_for(lambda: os.path.exists(ctl), 30, "ofdp control socket", proc)
        install_s = add_flows(f"tcp:127.0.0.1:{port}", flows_file)

        def ctl_cmd(cmd):
            return subprocess.run([ofdp, f"--ctl={ctl}", cmd], capture_output=True, text=True,
                                  timeout=10).stdout

        flows_line = re.search(r"flows=(\d+)", ctl_cmd("stats"))
        installed = int(flows_line.group(1)) if flows_line else -1
        ctl_cmd("resume")

        def worker_tx():
            m = re.search(r"^worker 0: rx=\d+ tx=(\d+)", ctl_cmd("stats"), re.M)
            if not m:
                raise RuntimeError("ofdp stats: no worker 0 line")
            return int(m.group(1))

        # The workers take the rules from their update rings once resumed; with 100k rules
        # that takes a while, and every frame meanwhile is a miss. Measure the steady
        # state: wait (at most 60 s) until the miss counter stands still.
        def misses():
            m = re.search(r"^worker 0: .* misses=(\d+)", ctl_cmd("stats"), re.M)
            return int(m.group(1)) if m else -1

        t_settle, prev = time.monotonic(), None
        while time.monotonic() - t_settle < 60:
            cur = misses()
            if cur == prev:
                break
            prev = cur
            time.sleep(0.2)
        settle_s = time.monotonic() - t_settle
        pps, packets, secs = measure(worker_tx, warmup, seconds)
        stats = ctl_cmd("stats")
        hit = re.search(r"^worker 0: .*cache_hit_rate=([\d.]+)%", stats, re.M)
        return {"ok": True, "mpps": pps / 1e6, "packets": packets, "seconds": secs, "rules_installed": installed,
                "install_seconds": install_s, "settle_seconds": settle_s, "emc_hit_rate_pct": float(hit.group(1)) if hit else None,
                "command_line": " ".join(argv), "stats_at_end": stats}
    except (RuntimeError, subprocess.TimeoutExpired) as e:
        return {"ok": False, "error": f"{e}\n{tail(log)}", "command_line": " ".join(argv)}
    finally:
        stop(proc)


# ---- dpdk-testpmd -----------------------------------------------------------


class TestpmdStats:
    """Reads testpmd's periodic NIC statistics: TX-packets summed over the
    ports, sampled when the last port's block arrives (once a period)."""

    def __init__(self, proc, ports):
        self.ports = ports
        self.tx = {}
        self.sample = None
        self.lines = []
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._read, args=(proc,), daemon=True)
        self.thread.start()

    def _read(self, proc):
        port = None
        for line in proc.stdout:
            self.lines.append(line)
            m = re.search(r"NIC statistics for port (\d+)", line)
            if m:
                port = int(m.group(1))
                continue
            m = re.search(r"TX-packets:\s*(\d+)", line)
            if m and port is not None:
                with self.lock:
                    self.tx[port] = int(m.group(1))
                    if port == self.ports - 1:
                        self.sample = sum(self.tx.values())
                port = None

    def total_tx(self):
        with self.lock:
            return self.sample


def run_testpmd(testpmd, vdevs, mbufs, warmup, seconds):
    argv = [testpmd, "-l", "0-1"] + EAL_COMMON + ["--no-shconf"] + [f"--vdev={v}" for v in vdevs] + [
                                                 "--", "--forward-mode=io", "--stats-period=1",
                                                 "--no-lsc-interrupt", f"--total-num-mbufs={mbufs}",
                                                 "--rxd=1024", "--txd=1024", "--auto-start"]
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                            text=True, bufsize=1)
    reader = TestpmdStats(proc, len(vdevs))
    try:
        wait_for(lambda: reader.total_tx() is not None, 60, "testpmd statistics", proc)

        # The counter moves once a second (--stats-period=1): wait for each new value
        # and time it by its arrival, so the interval is whole periods.
        def next_sample(prev):
            wait_for(lambda: reader.total_tx() != prev, 5, "testpmd statistics", proc)
            return reader.total_tx(), time.monotonic()

        time.sleep(warmup)
        c0, t0 = next_sample(reader.total_tx())
        c, t = c0, t0
        while t - t0 < seconds - 0.5:
            c, t = next_sample(c)
        return {"ok": True, "mpps": (c - c0) / (t - t0) / 1e6, "packets": c - c0, "seconds": t - t0,
                "command_line": " ".join(argv)}
    except RuntimeError as e:
        return {"ok": False, "error": f"{e}\n{''.join(reader.lines[-15:])}", "command_line": " ".join(argv)}
    finally:
        proc.send_signal(2)  # SIGINT: testpmd prints its totals and closes the ports
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# ---- OVS-DPDK ---------------------------------------------------------------


class OvsDpdk:
    """ovsdb-server + ovs-vswitchd-dpdk in a private run directory, one netdev bridge.

    ovs-vswitchd runs in a network namespace of its own (`unshare --net`): its
    netdev datapath creates tap devices (ovs-netdev, br0) that must not land on
    the host, and vanish with the namespace however the run ends. Its unix
    sockets (database, management, unixctl) work across namespaces."""

    VSWITCHD = "/usr/lib/openvswitch-switch-dpdk/ovs-vswitchd-dpdk"
    SCHEMA = "/usr/share/openvswitch/vswitch.ovsschema"

    def __init__(self, work, vdevs):
        self.dir = os.path.join(work, "ovs")
        os.makedirs(self.dir, exist_ok=True)
        self.vdevs = vdevs
        self.env = dict(os.environ, OVS_RUNDIR=self.dir, OVS_DBDIR=self.dir, OVS_LOGDIR=self.dir)
        self.db = f"unix:{self.dir}/db.sock"
        self.mgmt = f"unix:{self.dir}/br0.mgmt"
        self.log = os.path.join(self.dir, "ovs-vswitchd.log")
        # -m 2048, not 1024: OVS sizes its mbuf pools at 262144 mbufs (~590 MB) and, with
        # a net_ring port beside net_pcap, makes two ("Failed to create mempool ... with a
        # request of 262144 mbufs ... No buffer space available" in 1 GB). Memory, not speed.
        eal = ["2048" if a == "1024" else a for a in EAL_COMMON]
        self.dpdk_extra = " ".join(eal + ["--legacy-mem", "--no-shconf"] + [f"--vdev={v}" for v in vdevs])
        self.ovsdb = self.vswitchd = None
        self.commands = []

    def vsctl(self, *args, wait=True):
        argv = ["ovs-vsctl", f"--db={self.db}", "--timeout=60"] + ([] if wait else ["--no-wait"]) + list(args)
        self.commands.append(" ".join(argv))
        p = subprocess.run(argv, capture_output=True, text=True, env=self.env, timeout=90)
        if p.returncode != 0:
            raise RuntimeError(f"ovs-vsctl {' '.join(args)}: {p.stderr.strip()}")
        return p.stdout

    def __enter__(self):
        try:
            return self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise

    def _start(self):
        db = os.path.join(self.dir, "conf.db")
        subprocess.run(["ovsdb-tool", "create", db, self.SCHEMA], check=True, capture_output=True)
        self.ovsdb = subprocess.Popen(["ovsdb-server", db, f"--remote=punix:{self.dir}/db.sock",
                                       f"--unixctl={self.dir}/ovsdb.ctl", "--log-file=" + self.dir + "/ovsdb.log"],
                                      env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: os.path.exists(f"{self.dir}/db.sock"), 10, "ovsdb-server", self.ovsdb)
        self.vsctl("init", wait=False)
        self.vsctl("set", "Open_vSwitch", ".", "other_config:dpdk-init=true",
                   f"other_config:dpdk-extra={self.dpdk_extra}", "other_config:dpdk-lcore-mask=0x1",
                   "other_config:pmd-cpu-mask=0x2", wait=False)
        self.vswitchd_argv = ["unshare", "--net", "--", self.VSWITCHD, self.db, f"--unixctl={self.dir}/vswitchd.ctl",
                              f"--log-file={self.log}"]
        self.vswitchd = subprocess.Popen(self.vswitchd_argv, env=self.env, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL)
        self.vsctl("add-br", "br0", "--", "set", "bridge", "br0", "datapath_type=netdev", "fail_mode=secure",
                   "--", "add-port", "br0", "p1", "--", "set", "Interface", "p1", "type=dpdk",
                   f"options:dpdk-devargs={self.vdevs[0].split(',')[0]}", "ofport_request=1",
                   "--", "add-port", "br0", "p2", "--", "set", "Interface", "p2", "type=dpdk",
                   f"options:dpdk-devargs={self.vdevs[1].split(',')[0]}", "ofport_request=2",
                   # net_ring loops TX queue i into RX queue i, and OVS's PMD transmits on
                   # queue 1 (queue 0 is the main thread's): poll RX queue 1 too, or the
                   # returning frames pile up unread.
                   *(["options:n_rxq=2"] if self.vdevs[1].startswith("net_ring") else []))
        errors = [self.vsctl("get", "Interface", p, "error").strip() for p in ("p1", "p2")]
        if any(e not in ("[]", '""') for e in errors):
            raise RuntimeError(f"OVS-DPDK ports: {errors}")
        return self

    def __exit__(self, *exc):
        for ctl, proc in (("vswitchd.ctl", self.vswitchd), ("ovsdb.ctl", self.ovsdb)):
            if proc and proc.poll() is None:
                subprocess.run(["ovs-appctl", "-t", f"{self.dir}/{ctl}", "exit"], capture_output=True, timeout=20)
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    stop(proc)

    def total_tx(self):
        p = subprocess.run(["ovs-ofctl", "-O", "OpenFlow10", "dump-ports", self.mgmt], capture_output=True,
                           text=True, timeout=20)
        tx = re.findall(r"port\s+(\d+):.*?tx pkts=(\d+)", p.stdout, re.S)  # LOCAL is not a number
        if not tx:
            raise RuntimeError(f"ovs-ofctl dump-ports: {p.stdout.strip()} {p.stderr.strip()}")
        return sum(int(n) for _, n in tx)

    def run(self, flows_file, warmup, seconds):
        subprocess.run(["ovs-ofctl", "-O", "OpenFlow10", "del-flows", self.mgmt], check=True, capture_output=True)
        install_s = add_flows(self.mgmt, flows_file)
        pps, packets, secs = measure(self.total_tx, warmup, seconds)
        pmd = subprocess.run(["ovs-appctl", "-t", f"{self.dir}/vswitchd.ctl", "dpif-netdev/pmd-stats-show"],
                             capture_output=True, text=True, timeout=20).stdout
        subprocess.run(["ovs-appctl", "-t", f"{self.dir}/vswitchd.ctl", "dpif-netdev/pmd-stats-clear"],
                       capture_output=True, timeout=20)
        return {"ok": True, "mpps": pps / 1e6, "packets": packets, "seconds": secs, "install_seconds": install_s,
                "command_line": " ".join(self.vswitchd_argv) + f"  (dpdk-extra: {self.dpdk_extra})",
                "pmd_stats": pmd}


# ---- plot -------------------------------------------------------------------


def plot(out_dir, results, gnuplot):
    tmp = tempfile.mkdtemp(prefix="fwd-plot-")
    lines = []
    for src in results["sources"]:
        for sw in ("ofdp", "testpmd", "ovs-dpdk"):
            pts = [(p["flows"], p[sw]["mpps"]) for p in results["runs"]
                   if p["source"] == src and p.get(sw, {}).get("ok")]
            if not pts:
                continue
            dat = os.path.join(tmp, f"{src}-{sw}.dat")
            with open(dat, "w") as f:
                for k, v in pts:
                    f.write(f"{k} {v}\n")
            style = {"ofdp": "lw 2 pt 7", "testpmd": "lw 1 dt 2 pt 4", "ovs-dpdk": "lw 2 pt 5"}[sw]
            lines.append(f"'{dat}' using 1:2 with linespoints {style} title '{sw}, {src} source'")
    if not lines:
        return []
    script = f"""set terminal pngcairo size 900,500 font ',10'
set grid
set output '{out_dir}/forwarding-rate.png'
set title 'forwarding rate, one worker / forwarding core, 64-byte frames, DPDK vdevs --no-huge'
set xlabel 'OpenFlow rules installed (exact match)'; set ylabel 'Mpps'
set logscale x 10; set yrange [0:*]; set key outside right
plot {", ".join(lines)}
"""
    subprocess.run([gnuplot], input=script, text=True, check=False)
    shutil.rmtree(tmp, ignore_errors=True)
    return ["forwarding-rate.png"] if os.path.exists(os.path.join(out_dir, "forwarding-rate.png")) else []


# ---- main -------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-release", help="meson build directory (with datapath/ofdp)")
    ap.add_argument("--out", default="bench/results", help="where JSON and PNG go")
    ap.add_argument("--quick", action="store_true", help="1 and 1k rules, 1 s intervals (a smoke run)")
    ap.add_argument("--flows", default="", help="comma-separated rule counts (default 1,1000,10000,100000)")
    ap.add_argument("--sources", default="null,pcap,ring", help="traffic sources: null, pcap, ring")
    ap.add_argument("--seconds", type=float, default=0, help="measured interval (default 2, quick 1)")
    ap.add_argument("--max-trace", type=int, default=4000, help="most distinct flows in the pcap trace")
    ap.add_argument("--no-ovs", action="store_true", help="skip OVS-DPDK")
    # OVS 3.1 takes minutes to accept 100k OF1.0 flows from ovs-ofctl on this 2-core machine
    # (over 300 s once, under load), which alone would blow make bench's budget.
    ap.add_argument("--ovs-max-flows", type=int, default=10000,
                    help="largest rule count OVS-DPDK is measured at (default 10000)")
    ap.add_argument("--no-testpmd", action="store_true", help="skip dpdk-testpmd")
    args = ap.parse_args()

    common = load_common()
    load_common.mod = common
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    ofdp = os.path.join(os.path.abspath(args.build), "datapath/ofdp")
    if not os.access(ofdp, os.X_OK):
        print(f"bench-forwarding: {ofdp} not built", file=sys.stderr)
        return 1
    testpmd = None if args.no_testpmd else shutil.which("dpdk-testpmd")
    ovs_ok = not args.no_ovs and os.access(OvsDpdk.VSWITCHD, os.X_OK) and shutil.which("ovsdb-server")
    flows = [int(x) for x in args.flows.split(",")] if args.flows else \
        ([1, 1000] if args.quick else [1, 1000, 10000, 100000])
    # Start-ups (EAL with 1-2 GB of --no-huge memory) and OVS's rule installs dominate the
    # harness's time; 2 s intervals keep the full run near 7 minutes on this machine.
    seconds = args.seconds or (1.0 if args.quick else 2.0)
    warmup = 0.5
    sources = [s for s in args.sources.split(",") if s]
    work = tempfile.mkdtemp(prefix="bench-fwd-")

    results = {"tool": "bench-forwarding", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
               "git_revision": common.git_revision(root), "machine": common.machine_facts(),
               "command_line": " ".join(sys.argv), "seconds": seconds, "warmup": warmup, "sources": sources,
               "runs": [], "notes": []}
    if not testpmd and not args.no_testpmd:
        results["notes"].append("dpdk-testpmd not installed (Debian package dpdk-dev)")
    if not ovs_ok and not args.no_ovs:
        results["notes"].append(f"OVS-DPDK not installed ({OvsDpdk.VSWITCHD})")

    def say(msg):
        print(msg, flush=True)

    def fmt(r):
        return f"{r['mpps']:6.2f} Mpps" if r.get("ok") else ("skipped" if r.get("skipped") else "failed")

    for src in sources:
        for k in flows:
            trace_flows = min(k, args.max_trace)
            if src in ("pcap", "ring"):
                trace = os.path.join(work, f"trace-{trace_flows}.pcap")
                if not os.path.exists(trace):
                    write_trace(trace, trace_flows)
                vdevs = [f"net_pcap0,rx_pcap={trace},infinite_rx=1", RING if src == "ring" else SINK]
            else:
                vdevs = ["net_null0", SINK]
            flows_file = os.path.join(work, f"flows-{src}-{k}.txt")
            write_flows(flows_file, k, catch_all=(src == "null"), return_rule=(src == "ring"))
            results["runs"].append({"source": src, "flows": k, "vdevs": vdevs,
                                    "trace_flows": trace_flows if src != "null" else 1})
    # One OVS-DPDK per source (its rules are swapped per K), ofdp and testpmd per run.
    for src in sources:
        runs = [r for r in results["runs"] if r["source"] == src]
        for r in runs:
            r["ofdp"] = run_ofdp(ofdp, r["vdevs"], os.path.join(work, f"flows-{src}-{r['flows']}.txt"), r["flows"],
                                 work, warmup, seconds)
            if testpmd:
                # testpmd takes no rules: one run per distinct trace.
                same = [p for p in runs if p is not r and p.get("testpmd") and p["vdevs"] == r["vdevs"]]
                r["testpmd"] = dict(same[0]["testpmd"], reused_from_flows=same[0]["flows"]) if same else \
                    run_testpmd(testpmd, r["vdevs"], max(16384, 4 * r["trace_flows"]), warmup, seconds)
        if ovs_ok:
            # One OVS-DPDK per distinct vdev (its rules are swapped per K).
            for vdevs in dict.fromkeys(tuple(r["vdevs"]) for r in runs):
                shutil.rmtree(os.path.join(work, "ovs"), ignore_errors=True)
                group = [r for r in runs if tuple(r["vdevs"]) == vdevs and r["flows"] <= args.ovs_max_flows]
                for r in runs:
                    if tuple(r["vdevs"]) == vdevs and r["flows"] > args.ovs_max_flows:
                        r["ovs-dpdk"] = {"ok": False, "skipped": True,
                                         "error": f"skipped: more than --ovs-max-flows={args.ovs_max_flows} rules"}
                if not group:
                    continue
                try:
                    with OvsDpdk(work, list(vdevs)) as ovs:
                        for r in group:
                            r["ovs-dpdk"] = ovs.run(os.path.join(work, f"flows-{src}-{r['flows']}.txt"), warmup,
                                                    seconds)
                            r["ovs-dpdk"]["vsctl"] = ovs.commands[:]
                except (RuntimeError, subprocess.SubprocessError, OSError) as e:
                    log = tail(os.path.join(work, "ovs", "ovs-vswitchd.log"))
                    for r in group:
                        r.setdefault("ovs-dpdk", {"ok": False, "error": f"{e}\n{log}"})
            shutil.rmtree(os.path.join(work, "ovs"), ignore_errors=True)
        for r in runs:
            o, t, v = r.get("ofdp", {}), r.get("testpmd", {}), r.get("ovs-dpdk", {})
            if o.get("ok") and t.get("ok") and t["mpps"] > 0:
                r["ofdp_over_testpmd"] = o["mpps"] / t["mpps"]
            if o.get("ok") and v.get("ok") and v["mpps"] > 0:
                r["ofdp_over_ovs_dpdk"] = o["mpps"] / v["mpps"]
            say(f"{src:4s} {r['flows']:6d} rules ({r['trace_flows']} flows in traffic): ofdp {fmt(o)}, "
                f"testpmd io {fmt(t) if t else 'n/a':>11s}, OVS-DPDK {fmt(v) if v else 'n/a':>11s}"
                + (f"  ofdp/testpmd {r['ofdp_over_testpmd']:.2f}" if "ofdp_over_testpmd" in r else "")
                + (f"  ofdp/OVS-DPDK {r['ofdp_over_ovs_dpdk']:.2f}" if "ofdp_over_ovs_dpdk" in r else ""))
            for name in ("ofdp", "testpmd", "ovs-dpdk"):
                if r.get(name) and not r[name].get("ok") and not r[name].get("skipped"):
                    say(f"  {name}: {r[name].get('error', '')[:600]}")

    gnuplot = shutil.which("gnuplot")
    results["plots"] = plot(out, results, gnuplot) if gnuplot else []
    with open(os.path.join(out, "forwarding.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    for n in results["notes"]:
        say(f"note: {n[:800]}")
    say(f"wrote {out}/forwarding.json" + (f" and {', '.join(results['plots'])}" if results["plots"] else ""))
    shutil.rmtree(work, ignore_errors=True)
    ok = all(r.get("ofdp", {}).get("ok") for r in results["runs"])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
