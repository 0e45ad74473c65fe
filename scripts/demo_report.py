#!/usr/bin/python3
"""Prints make demo's report from the traces and logs a demo run left behind.

    scripts/demo_report.py --data tests/data --out build/demo

Reads the input traces (demo-portN.pcap), the output pcaps of each run
(tcp-outN.pcap, local-outN.pcap), and ofdp's logs (counters printed at
exit, and the flow table with --dump-flows-on-exit). Needs python3-dpkt.
"""
import argparse
import os
import re
import sys

import dpkt

HOSTS = {  # from scripts/make-demo-trace.py
    "02:00:00:00:00:01": "alice", "02:00:00:00:00:02": "bob",
    "02:00:00:00:00:03": "carol", "02:00:00:00:00:fe": "gw",
    "02:00:00:00:00:05": "dave",
}


def count_frames(path):
    if not os.path.exists(path):
        return None
    n = 0
    with open(path, "rb") as f:
        for _ts, _buf in dpkt.pcap.Reader(f):
            n += 1
    return n


def parse_log(path):
    """Counters and flows from an ofdp log."""
    info = {"ports": {}, "flows": [], "packet_ins": None, "flow_count": None}
    if not os.path.exists(path):
        return info
    for line in open(path, errors="replace"):
        m = re.match(r"port (\d+) \(\S+\): rx=(\d+) .*?tx=(\d+)", line)
        if m:
            info["ports"][int(m.group(1))] = (int(m.group(2)), int(m.group(3)))
        m = re.match(r"flows=(\d+)", line)
        if m:
            info["flow_count"] = int(m.group(1))
        m = re.search(r"packet_ins_sent (\d+)", line)
        if m:
            info["packet_ins"] = int(m.group(1))
        if "actions=" in line and ("dl_dst=" in line or "priority=" in line):
            info["flows"].append(line.strip())
    return info


def learned(flows):
    """MAC -> port the controller learned: l2_learning's flows send dl_dst to its port."""
    table = {}
    for f in flows:
        dst = re.search(r"dl_dst=([0-9a-f:]{17})", f)
        out = re.search(r"actions=output:(\d+)", f)
        if dst and out:
            table[dst.group(1)] = int(out.group(1))
    return table


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default="tests/data")
    ap.add_argument("--out", default="build/demo")
    a = ap.parse_args()

    ok = True
    for run, title in (("tcp", "ofdp + ofctl-run l2_learning over TCP"),
                       ("local", "ofdp --controller=local --app=l2_learning")):
        info = parse_log(os.path.join(a.out, f"ofdp-{run}.log"))
        print(f"== {title}")
        print(f"   {'port':>4} {'frames in':>10} {'frames out':>11}  output pcap")
        for p in (1, 2, 3):
            fin = count_frames(os.path.join(a.data, f"demo-port{p}.pcap"))
            outp = os.path.join(a.out, f"{run}-out{p}.pcap")
            fout = count_frames(outp)
            if fout is None:
                ok = False
            print(f"   {p:>4} {fin if fin is not None else '-':>10} "
                  f"{fout if fout is not None else 'missing':>11}  {outp}")
        print(f"   PacketIns sent to the controller: {info['packet_ins']}")
        print(f"   flows installed at exit: {info['flow_count']}")
        table = learned(info["flows"])
        if table:
            print("   what l2_learning learned (MAC -> port):")
            for mac, port in sorted(table.items(), key=lambda kv: (kv[1], kv[0])):
                print(f"     {mac}  {HOSTS.get(mac, ''):<6} port {port}")
        if info["flows"]:
            print("   flow table at exit (ovs-ofctl dump-flows syntax, counters left out):")
            for f in info["flows"][:6]:
                f = re.sub(r"(cookie|duration|table|n_packets|n_bytes|idle_timeout|hard_timeout)=[^,]*, ", "", f)
                print(f"     {f}")
            if len(info["flows"]) > 6:
                print(f"     ... {len(info['flows']) - 6} more in {a.out}/ofdp-{run}.log")
        print()
    print(f"logs and pcaps: {a.out}/  (open the pcaps with tshark -r FILE)")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
