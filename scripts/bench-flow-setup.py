#!/usr/bin/env python3
"""End-to-end flow setup rate of ofdp + controller, run by `make bench`.

Runs `ofbench --target=datapath` (see bench/ofbench/datapath_target.cc): ofdp
on veth pairs in a private network namespace, a learn phase, then the first
packet of K new flows offered with a bounded window; flow setups/s from the
packets that emerge, first-packet latency from kernel RX timestamps, ofdp's
own FLOW_MOD count as the cross-check. Two controllers in the same run:

  * tcp    ofctl-run l2_learning over TCP (ofdp --controller=tcp:...)
  * local  the same app in ofdp's process (ofdp --controller=local)

each in throughput mode (--window=W flows outstanding) and latency mode
(--window=1, one flow at a time: the unloaded first-packet latency), three
runs of each (the median run is kept, every run's rate is recorded).
Writes bench/results/flow-setup.json (machine, cores, git revision, command
lines) and, with gnuplot, flow-setup-latency-cdf.png. Needs root.

Usage: scripts/bench-flow-setup.py --build build-release [--out bench/results] [--quick]
"""

import argparse
import datetime
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile


def load_common():
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "bench-ofbench.py")
    spec = importlib.util.spec_from_file_location("bench_ofbench", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def run(argv, timeout=300):
    try:
        p = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"ok": False, "error": "timeout", "command_line": " ".join(argv)}
    try:
        r = json.loads(p.stdout)
    except json.JSONDecodeError:
        r = {"ok": False, "error": (p.stderr or "no output").strip()[-800:]}
    r["command_line"] = " ".join(argv)
    return r


def plot(out_dir, results, gnuplot):
    tmp = tempfile.mkdtemp(prefix="flow-setup-plot-")
    lines = []
    for name, r in results["runs"].items():
        cdf = r.get("offer", {}).get("latency", {}).get("cdf") if r.get("ok") else None
        if not cdf:
            continue
        dat = os.path.join(tmp, f"{name}.dat")
        with open(dat, "w") as f:
            for us, frac in cdf:
                f.write(f"{us} {frac}\n")
        lines.append(f"'{dat}' using 1:2 with steps lw 2 title '{name}'")
    if not lines:
        return []
    script = f"""set terminal pngcairo size 900,500 font ',10'
set grid
set output '{out_dir}/flow-setup-latency-cdf.png'
set title 'first-packet latency of a new flow: veth in, miss, PacketIn, l2_learning, FLOW_MOD, veth out'
set xlabel 'microseconds'; set ylabel 'fraction of flows'
set logscale x 10; set yrange [0:1]; set key outside right
plot {", ".join(lines)}
"""
    subprocess.run([gnuplot], input=script, text=True, check=False)
    shutil.rmtree(tmp, ignore_errors=True)
    return ["flow-setup-latency-cdf.png"] if os.path.exists(os.path.join(out_dir, "flow-setup-latency-cdf.png")) else []


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build-release", help="meson build directory")
    ap.add_argument("--out", default="bench/results", help="where JSON and PNG go")
    ap.add_argument("--quick", action="store_true", help="fewer flows (a smoke run)")
    ap.add_argument("--flows", type=int, default=0, help="new flows per run (default 20000, quick 2000)")
    # 128: ofdp's worker-to-agent PacketIn ring holds 256; a larger window measures its drops, not setups.
    ap.add_argument("--window", type=int, default=128, help="flows outstanding in throughput mode")
    args = ap.parse_args()

    common = load_common()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    build = os.path.abspath(args.build)
    out = os.path.abspath(args.out)
    os.makedirs(out, exist_ok=True)
    ofbench = os.path.join(build, "bench/ofbench/ofbench")
    if not os.access(ofbench, os.X_OK):
        print(f"bench-flow-setup: {ofbench} not built", file=sys.stderr)
        return 1
    flows = args.flows or (2000 if args.quick else 20000)
    latency_flows = max(200, flows // 20)

    results = {"tool": "bench-flow-setup", "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
               "git_revision": common.git_revision(root), "machine": common.machine_facts(),
               "command_line": " ".join(sys.argv), "runs": {}}
    if os.geteuid() != 0:
        results["error"] = "needs root (a private network namespace with veth pairs)"
        print(f"bench-flow-setup: {results['error']}", file=sys.stderr)
    else:
        for ctl in ("tcp", "local"):
            for mode, k, window in (("throughput", flows, args.window), ("latency", latency_flows, 1)):
                name = f"{ctl}, {mode}"
                # Three runs (one with --quick), the median kept: a shared 2-core machine is noisy.
                tries = [run([ofbench, "--target=datapath", f"--datapath-controller={ctl}", f"--flows={k}",
                              f"--window={window}", "--cdf", "--json"]) for _ in range(1 if args.quick else 3)]
                good = sorted((t for t in tries if t.get("ok")), key=lambda t: t["offer"]["per_s"])
                r = good[len(good) // 2] if good else tries[0]
                r["per_s_of_each_run"] = [t["offer"]["per_s"] if t.get("ok") else None for t in tries]
                results["runs"][name] = r
                if r.get("ok"):
                    o, lat = r["offer"], r["offer"]["latency"]
                    print(f"{name:18s}: {o['per_s']:9.0f} flow setups/s ({o['emerged']}/{o['offered']} set up, "
                          f"{o['lost']} lost; ofdp applied {r['ofdp']['flow_mods_applied']} FLOW_MODs, "
                          f"{r['ofdp']['packet_ins_rate_limited']} PacketIns rate-limited); first packet "
                          f"p50 {lat.get('p50_us', 0):.0f} us, p99 {lat.get('p99_us', 0):.0f} us", flush=True)
                else:
                    print(f"{name:18s}: failed: {r.get('error')}", flush=True)
        t, l = results["runs"].get("tcp, throughput", {}), results["runs"].get("local, throughput", {})
        if t.get("ok") and l.get("ok") and t["offer"]["per_s"] > 0:
            results["local_over_tcp"] = l["offer"]["per_s"] / t["offer"]["per_s"]
    gnuplot = shutil.which("gnuplot")
    results["plots"] = plot(out, results, gnuplot) if gnuplot else []
    with open(os.path.join(out, "flow-setup.json"), "w") as f:
        json.dump(results, f, indent=2)
        f.write("\n")
    print(f"wrote {out}/flow-setup.json" + (f" and {', '.join(results['plots'])}" if results["plots"] else ""))
    return 0 if results["runs"] and all(r.get("ok") for r in results["runs"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
