#!/usr/bin/env python3
"""End-to-end controller benchmarks with ofbench, run by `make bench`.

Starts each controller on a free loopback port, drives it with ofbench and
collects ofbench's JSON:

  * the null controller (ofbench-null-controller, answers from a pre-built
    buffer): shows ofbench's own ceiling;
  * ofctl-run l2_learning (this project's controller);
  * ovs-testcontroller (Open vSwitch's learning switch, Debian's package).

Sweeps: switches (1..64) for every controller, ofbench threads against the
null controller, ofctl-run shards (--threads), and a latency-mode run of each
(one PacketIn in flight per switch) for the CDF. Writes
bench/results/ofbench.json (machine, cores, git revision, every command line
and result, the same-run ratios) and, if gnuplot is installed, PNG plots.

Figures from one run are comparable with each other; across runs on a shared
2-core machine they are not, so the ratios are the numbers to quote.

Usage: scripts/bench-ofbench.py --build build-release [--out bench/results] [--quick]
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import socket
import subprocess
import sys
import tempfile
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, timeout=10.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return True
        except OSError:
            time.sleep(0.05)
    return False


class Controller:
    """A controller process listening on a fresh port, stopped on exit."""

    def __init__(self, name, argv_for_port, log_dir):
        self.name = name
        self.port = free_port()
        self.argv = argv_for_port(self.port)
        self.log = open(os.path.join(log_dir, f"{name}.log"), "w")
        self.proc = None

    def __enter__(self):
        self.proc = subprocess.Popen(self.argv, stdout=self.log, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL)
        if not wait_listening(self.port, self.proc):
            self.__exit__(None, None, None)
            raise RuntimeError(f"{self.name} did not start: {' '.join(self.argv)}")
        return self

    def __exit__(self, *exc):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def run_ofbench(ofbench, port, args, timeout=120):
    argv = [ofbench, f"--controller=tcp:127.0.0.1:{port}", "--json", "--quiet"] + args
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "timeout", "command_line": " ".join(argv)}
    try:
        result = json.loads(p.stdout)
    except json.JSONDecodeError:
        result = {"ok": False, "error": (p.stderr or "no output").strip()[-500:]}
    result["command_line"] = " ".join(argv)
    return result


def git_revision(root):
    try:
        rev = subprocess.run(["git", "-C", root, "rev-parse", "--short", "HEAD"], capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", root, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return rev + ("-dirty" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine_facts():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    try:
        load = os.getloadavg()
    except OSError:
        load = None
    return {"hostname": socket.gethostname(), "cores": os.cpu_count(), "cpu": cpu,
            "kernel": platform.release(), "loadavg_at_start": load}


def rate(r):
    return r.get("responses_per_s", 0.0) if r.get("ok") else 0.0


def plot(out_dir, results, gnuplot):
    """PNG plots from the collected results, with gnuplot."""
    tmp = tempfile.mkdtemp(prefix="ofbench-plot-")
    scripts = []

    # responses/s against switches, one line per controller
    sw = results["switch_sweep"]
    names = [n for n in ("null", "ofctl-run", "ovs-testcontroller") if n in sw]
    if names:
        for n in names:
            with open(os.path.join(tmp, f"sw-{n}.dat"), "w") as f:
                for point in sw[n]:
                    f.write(f"{point['switches']} {rate(point['result'])}\n")
        lines = ", ".join(f"'{tmp}/sw-{n}.dat' using 1:2 with linespoints lw 2 title '{n}'" for n in names)
        scripts.append(f"""
set output '{out_dir}/ofbench-switches.png'
set title 'ofbench throughput mode: responses/s against emulated switches'
set xlabel 'switches'; set ylabel 'responses/s (median of loops)'
set logscale x 2; set logscale y 10; set key outside right
plot {lines}
unset logscale
""")

    # responses/s against threads: ofbench threads (null controller), ofctl-run shards
    th = results["thread_sweep"]
    series = [(k, t) for k, t in (("ofbench threads vs null", "ofbench --threads, null controller"),
                                  ("ofctl-run threads", "ofctl-run --threads (l2_learning)")) if k in th]
    if series:
        for i, (k, _) in enumerate(series):
            with open(os.path.join(tmp, f"th-{i}.dat"), "w") as f:
                for point in th[k]:
                    f.write(f"{point['threads']} {rate(point['result'])}\n")
        lines = ", ".join(f"'{tmp}/th-{i}.dat' using 1:2 with linespoints lw 2 title '{t}'"
                          for i, (_, t) in enumerate(series))
        scripts.append(f"""
set output '{out_dir}/ofbench-threads.png'
set title 'responses/s against threads (16 switches)'
set xlabel 'threads'; set ylabel 'responses/s (median of loops)'
set xtics 1; set key outside right; set yrange [0:*]
plot {lines}
set autoscale y; set xtics autofreq
""")

    # latency CDF (latency mode, one PacketIn in flight per switch)
    lat = results["latency"]
    cdf_names = [n for n in lat if lat[n].get("ok") and lat[n].get("latency", {}).get("cdf")]
    if cdf_names:
        for n in cdf_names:
            with open(os.path.join(tmp, f"cdf-{n}.dat"), "w") as f:
                for us, frac in lat[n]["latency"]["cdf"]:
                    f.write(f"{us} {frac}\n")
        lines = ", ".join(f"'{tmp}/cdf-{n}.dat' using 1:2 with steps lw 2 title '{n}'" for n in cdf_names)
        scripts.append(f"""
set output '{out_dir}/ofbench-latency-cdf.png'
set title 'PacketIn to answer latency, latency mode (16 switches, one in flight each)'
set xlabel 'microseconds'; set ylabel 'fraction of answers'
set logscale x 10; set yrange [0:1]; set key outside right
plot {lines}
""")

    if not scripts:
        return []
    script = "set terminal pngcairo size 900,500 font ',10'\nset grid\n" + "".join(scripts)
    subprocess.run([gnuplot], input=script, text=True, check=False)
    shutil.rmtree(tmp, ignore_errors=True)
    return [p for p in ("ofbench-switches.png", "ofbench-threads.png", "ofbench-latency-cdf.png")
            if os.path.exists(os.path.join(out_dir, p))]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-release", help="meson build directory")
    ap.add_argument("--out", default="bench/results", help="where JSON and PNG go")
    ap.add_argument("--quick", action="store_true", help="fewer, shorter loops (a smoke run)")
    args = ap.parse_args()

    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(args.build)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    ofbench = os.path.join(build, "bench/ofbench/ofbench")
    null_ctl = os.path.join(build, "bench/ofbench/ofbench-null-controller")
    ofctl = os.path.join(build, "controller/ofctl-run")
    ovs = shutil.which("ovs-testcontroller")
    if not os.access(ofbench, os.X_OK) or not os.access(null_ctl, os.X_OK):
        print(f"bench-ofbench: {ofbench} not built", file=sys.stderr)
        return 1
    log_dir = tempfile.mkdtemp(prefix="ofbench-logs-")

    loops = ["--loops=3", "--ms-per-loop=300", "--warmup=1"] if args.quick else \
        ["--loops=7", "--ms-per-loop=500", "--warmup=1"]
    controllers = {
        "null": lambda p: [null_ctl, f"--listen=ptcp:{p}:127.0.0.1"],
    }
    if os.access(ofctl, os.X_OK):
        # --packet-in-rate=0: no per-switch PacketIn meter (its default admits 100k/s per switch).
        controllers["ofctl-run"] = lambda p: [ofctl, f"--listen=ptcp:{p}:127.0.0.1", "--log-level=warn",
                                              "--packet-in-rate=0", "l2_learning"]
    if ovs:
        controllers["ovs-testcontroller"] = lambda p: [ovs, "-O", "OpenFlow10",
                                                       f"--unixctl={log_dir}/ovs-testcontroller.ctl",
                                                       f"ptcp:{p}:127.0.0.1"]

    results = {"tool": "bench-ofbench", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
               "git_revision": git_revision(root), "machine": machine_facts(),
               "command_line": " ".join(sys.argv), "switch_sweep": {}, "thread_sweep": {}, "latency": {},
               "comparison": {}}
    switch_counts = [1, 4, 16] if args.quick else [1, 4, 16, 64]

    def say(msg):
        print(msg, flush=True)

    # Same-run comparison at 16 switches first, then the sweeps.
    for name, argv in controllers.items():
        with Controller(name, argv, log_dir) as c:
            points = []
            for n in switch_counts:
                r = run_ofbench(ofbench, c.port, [f"--switches={n}"] + loops)
                say(f"{name:20s} {n:3d} switches: {rate(r):12.0f} responses/s"
                    + ("" if r.get("ok") else f"  ({r.get('error')})"))
                points.append({"switches": n, "result": r})
            results["switch_sweep"][name] = points
            r = run_ofbench(ofbench, c.port, ["--switches=16", "--mode=latency", "--cdf"] + loops)
            say(f"{name:20s} latency mode: p50 {r.get('latency', {}).get('p50_us', 0):.1f} us, "
                f"p99 {r.get('latency', {}).get('p99_us', 0):.1f} us")
            results["latency"][name] = r
            if name == "null":
                points = []
                for t in (1, 2):
                    r = run_ofbench(ofbench, c.port, ["--switches=16", f"--threads={t}"] + loops)
                    say(f"{name:20s} ofbench --threads={t}: {rate(r):12.0f} responses/s")
                    points.append({"threads": t, "result": r})
                results["thread_sweep"]["ofbench threads vs null"] = points

    if "ofctl-run" in controllers:
        points = []
        for t in (1, 2):
            argv = lambda p, t=t: [ofctl, f"--listen=ptcp:{p}:127.0.0.1", f"--threads={t}", "--log-level=warn",
                                   "--packet-in-rate=0", "l2_learning"]
            with Controller(f"ofctl-run-t{t}", argv, log_dir) as c:
                r = run_ofbench(ofbench, c.port, ["--switches=16"] + loops)
                say(f"{'ofctl-run':20s} --threads={t}: {rate(r):12.0f} responses/s")
                points.append({"threads": t, "result": r, "controller_command": " ".join(c.argv)})
        results["thread_sweep"]["ofctl-run threads"] = points

    def at16(name):
        for p in results["switch_sweep"].get(name, []):
            if p["switches"] == 16:
                return rate(p["result"])
        return 0.0

    cmp = results["comparison"]
    cmp["switches"] = 16
    for n in controllers:
        cmp[f"{n}_responses_per_s"] = at16(n)
    if at16("ovs-testcontroller") > 0 and at16("ofctl-run") > 0:
        cmp["ofctl_run_over_ovs_testcontroller"] = at16("ofctl-run") / at16("ovs-testcontroller")
    if at16("null") > 0 and at16("ofctl-run") > 0:
        cmp["ofctl_run_over_null_controller"] = at16("ofctl-run") / at16("null")
    say("same-run ratios at 16 switches: " + json.dumps({k: round(v, 3) for k, v in cmp.items()
                                                         if isinstance(v, float) and "over" in k}))

    gnuplot = shutil.which("gnuplot")
    results["plots"] = plot(out, results, gnuplot) if gnuplot else []
    with open(os.path.join(out, "ofbench.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    say(f"wrote {out}/ofbench.json" + (f" and {', '.join(results['plots'])}" if results["plots"] else ""))
    shutil.rmtree(log_dir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
