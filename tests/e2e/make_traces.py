#!/usr/bin/python3
"""Input traces of the golden trace-replay suite (tests/e2e/golden_test.cc).

    /usr/bin/python3 tests/e2e/make_traces.py            # writes tests/data/e2e-*.pcap
    /usr/bin/python3 tests/e2e/make_traces.py --out-dir=DIR

Needs Debian's python3-scapy (hence /usr/bin/python3) and python3-dpkt's
example captures. The output is deterministic: fixed timestamps, explicit IP
ids, TCP sequence numbers and DNS ids, and pcap files written by this script
(classic pcap, little-endian, microseconds, Ethernet).

Two kinds of inputs, one file per switch port ("-in<N>.pcap"):

  e2e-lan-in{1,2,3}.pcap   a synthetic 4-port LAN built here (port 4 has no
                           input: it only shows what is flooded):
      port 1  alice 02:00:00:00:00:0a 10.0.0.10  and  dave 02:00:00:00:00:0d 10.0.0.13
      port 2  bob   02:00:00:00:00:0b 10.0.0.11
      port 3  carol 02:00:00:00:00:0c 10.0.0.12
      ARP, ICMP, TCP, UDP, DNS, DHCP broadcast, mDNS and IPv6 multicast,
      an 802.1Q frame, LLDP and an STP BPDU (bridge-filtered), traffic
      between two hosts on the same port, unknown destinations, a 1514-byte
      frame.

  e2e-<capture>-in<N>.pcap real captures shipped by Debian's python3-dpkt
                           (/usr/share/doc/python3-dpkt/examples/data/, copied
                           unchanged to tests/data/dpkt-<capture>.pcap), split
                           by source MAC: the first source seen goes to port 1,
                           the next to port 2, ... (frames and timestamps
                           unchanged).

The suite's determinism rests on every input file holding at most 32 frames
(ofdp's RX burst): see tests/data/golden/README.md. This script refuses to
write a larger one.
"""

import argparse
import os
import shutil
import struct
import sys

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, ICMP, IP, LLC, STP, TCP, UDP, Dot1Q, Dot3, Ether, IPv6,
                       ICMPv6ND_NS, ICMPv6NDOptSrcLLAddr, Raw)

MAX_FRAMES_PER_PORT = 32
START = 1735689600  # 2025-01-01 00:00:00 UTC
DPKT_DATA = "/usr/share/doc/python3-dpkt/examples/data"
CAPTURES = ["http", "dns_icmp", "nb6-http", "truncated_dns", "truncated_dns_2"]

ALICE = ("02:00:00:00:00:0a", "10.0.0.10")
BOB = ("02:00:00:00:00:0b", "10.0.0.11")
CAROL = ("02:00:00:00:00:0c", "10.0.0.12")
DAVE = ("02:00:00:00:00:0d", "10.0.0.13")
ERIN = ("02:00:00:00:00:0e", "10.0.0.14")  # never sends: always unknown
BCAST = "ff:ff:ff:ff:ff:ff"


def write_pcap(path, frames):
    """frames: [(timestamp_us, bytes, orig_len or None)]"""
    if len(frames) > MAX_FRAMES_PER_PORT:
        sys.exit(f"{path}: {len(frames)} frames, more than {MAX_FRAMES_PER_PORT} (one ofdp RX burst)")
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 1))
        for ts_us, data, orig in frames:
            f.write(struct.pack("<IIII", ts_us // 1000000, ts_us % 1000000, len(data), orig or len(data)))
            f.write(data)


def read_pcap(path):
    """[(timestamp_us, bytes, orig_len)] of a classic pcap (either byte order, us or ns)."""
    b = open(path, "rb").read()
    magic = b[:4]
    order = {b"\xd4\xc3\xb2\xa1": "<", b"\xa1\xb2\xc3\xd4": ">", b"\x4d\x3c\xb2\xa1": "<",
             b"\xa1\xb2\x3c\x4d": ">"}[magic]
    nano = magic in (b"\x4d\x3c\xb2\xa1", b"\xa1\xb2\x3c\x4d")
    out, off = [], 24
    while off + 16 <= len(b):
        sec, frac, caplen, orig = struct.unpack(order + "IIII", b[off:off + 16])
        off += 16
        out.append((sec * 1000000 + (frac // 1000 if nano else frac), b[off:off + caplen], orig))
        off += caplen
    return out


def eth(src, dst):
    return Ether(src=src[0] if isinstance(src, tuple) else src, dst=dst[0] if isinstance(dst, tuple) else dst)


def pad(pkt):
    data = bytes(pkt)
    return data + b"\x00" * (60 - len(data)) if len(data) < 60 else data


def ping(src, dst, seq, reply=False, ip_id=1):
    return eth(src, dst) / IP(src=src[1], dst=dst[1], id=ip_id, ttl=64) / ICMP(
        type=0 if reply else 8, id=0x4242, seq=seq) / Raw(b"ofkit-e2e-ping-%02d" % seq)


def tcp(src, dst, sport, dport, flags, seq, ack=0, payload=b"", ip_id=1):
    return eth(src, dst) / IP(src=src[1], dst=dst[1], id=ip_id, ttl=64) / TCP(
        sport=sport, dport=dport, flags=flags, seq=seq, ack=ack, window=64240) / Raw(payload)


def udp(src, dst, sport, dport, payload, ip_id=1):
    return eth(src, dst) / IP(src=src[1], dst=dst[1], id=ip_id, ttl=64) / UDP(sport=sport, dport=dport) / payload


def lan_ports():
    """The synthetic LAN: {port: [frames]} in the order each port receives them."""
    p1 = [
        eth(ALICE, BCAST) / ARP(op=1, hwsrc=ALICE[0], psrc=ALICE[1], pdst=BOB[1]),
        ping(ALICE, BOB, 1, ip_id=101),
        eth(DAVE, BCAST) / ARP(op=1, hwsrc=DAVE[0], psrc=DAVE[1], pdst=ALICE[1]),
        eth(ALICE, DAVE) / ARP(op=2, hwsrc=ALICE[0], psrc=ALICE[1], hwdst=DAVE[0], pdst=DAVE[1]),
        udp(DAVE, ALICE, 40000, 9, Raw(b"same-port discard"), ip_id=102),
        tcp(ALICE, DAVE, 40001, 22, "S", 1000, ip_id=103),
        Ether(src=ALICE[0], dst="01:80:c2:00:00:0e", type=0x88cc) / Raw(bytes.fromhex(
            "0207040200000000000a" "0403056574683101" "0602007800" "0000")),
        Dot3(src=ALICE[0], dst="01:80:c2:00:00:00") / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP(),
        eth(ALICE, "01:00:5e:00:00:fb") / IP(src=ALICE[1], dst="224.0.0.251", id=104, ttl=255) /
        UDP(sport=5353, dport=5353) / DNS(id=0, qd=DNSQR(qname="printer.local", qtype="A")),
        Ether(src=ALICE[0], dst="33:33:ff:00:00:0b") / IPv6(src="fe80::a", dst="ff02::1:ff00:b", hlim=255) /
        ICMPv6ND_NS(tgt="fe80::b") / ICMPv6NDOptSrcLLAddr(lladdr=ALICE[0]),
        Ether(src=ALICE[0], dst=BOB[0]) / Dot1Q(vlan=10, prio=5) / IP(src=ALICE[1], dst=BOB[1], id=105) /
        ICMP(id=7, seq=1),
        udp(ALICE, ERIN, 40002, 53, DNS(id=0x1234, qd=DNSQR(qname="example.org")), ip_id=106),
    ]
    p2 = [
        eth(BOB, ALICE) / ARP(op=2, hwsrc=BOB[0], psrc=BOB[1], hwdst=ALICE[0], pdst=ALICE[1]),
        ping(BOB, ALICE, 1, reply=True, ip_id=201),
        tcp(BOB, CAROL, 40100, 80, "S", 5000, ip_id=202),
        eth(BOB, BCAST) / IP(src="0.0.0.0", dst="255.255.255.255", id=203) / UDP(sport=68, dport=67) /
        BOOTP(chaddr=bytes.fromhex("02000000000b") + b"\x00" * 10, xid=0xE2E0) /
        DHCP(options=[("message-type", "discover"), "end"]),
        ping(BOB, DAVE, 2, ip_id=204),
    ]
    p3 = [
        tcp(CAROL, BOB, 80, 40100, "SA", 9000, 5001, ip_id=301),
        tcp(CAROL, BOB, 80, 40100, "PA", 9001, 5001, b"x" * 1460, ip_id=302),
        udp(CAROL, ALICE, 53, 40002, DNS(id=0x1234, qr=1, qd=DNSQR(qname="example.org")), ip_id=303),
        ping(CAROL, DAVE, 3, ip_id=304),
        ping(CAROL, ERIN, 4, ip_id=305),
    ]
    return {1: p1, 2: p2, 3: p3}


def write_lan(out_dir):
    for port, pkts in lan_ports().items():
        t0 = (START + port) * 1000000
        write_pcap(os.path.join(out_dir, f"e2e-lan-in{port}.pcap"),
                   [(t0 + i * 1000, pad(p), None) for i, p in enumerate(pkts)])


def split_capture(out_dir, name):
    src = os.path.join(DPKT_DATA, name + ".pcap")
    copy = os.path.join(out_dir, "dpkt-" + name + ".pcap")
    shutil.copyfile(src, copy)
    ports = {}  # source MAC -> frames
    for ts, data, orig in read_pcap(copy):
        ports.setdefault(data[6:12], []).append((ts, data, orig))
    for port, frames in enumerate(ports.values(), start=1):
        write_pcap(os.path.join(out_dir, f"e2e-{name.replace('_', '-')}-in{port}.pcap"), frames)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out-dir", default=os.path.join(os.path.dirname(__file__), "..", "data"))
    args = ap.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    write_lan(args.out_dir)
    for name in CAPTURES:
        split_capture(args.out_dir, name)


if __name__ == "__main__":
    main()
