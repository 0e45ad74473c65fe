#!/usr/bin/python3
"""Writes tests/data/ofprint_reassembly.pcap: OpenFlow 1.0 messages, written
out by hand from the specification, carried in TCP segments that arrive out
of order, retransmitted, overlapping and coalesced, over IPv4 and over IPv6
behind an 802.1Q tag, next to traffic that is not OpenFlow. ofprint must put
every message back together (tests/oflib/text/ofprint_test.cc)."""
import sys
from scapy.all import Ether, Dot1Q, IP, IPv6, TCP, UDP, Raw, wrpcap

def h(s):
    return bytes.fromhex(s.replace(" ", ""))

# --- controller 10.0.0.2:6653 <-> switch 10.0.0.1:40000 ---------------------
HELLO_SW = h("01 00 0008 00000001")
FEATURES_REPLY = h(
    "01 06 0050 00000003"            # header, 80 bytes
    "0000000000000001"               # datapath_id
    "00000100 01 000000"             # n_buffers 256, n_tables 1, pad
    "00000087 00000fff"              # capabilities FLOW/TABLE/PORT_STATS|ARP_MATCH_IP, actions 0..11
    "0001 0a0000000001"              # port 1, hw_addr
    "65746831000000000000000000000000"  # "eth1"
    "00000000 00000000 000000a0 00000000 000000a0 00000000")  # config state curr adv supp peer
PACKET_IN = h(
    "01 0a 0020 00000000"            # header, 32 bytes
    "00000100 003c 0001 00 00"       # buffer 0x100, total_len 60, in_port 1, NO_MATCH, pad
    "ffffffffffff 0a0000000001 0806")  # first 14 bytes of an ARP broadcast
HELLO_CTL = h("01 00 0008 00000002")
FEATURES_REQUEST = h("01 05 0008 00000003")
FLOW_MOD = h(
    "01 0e 0050 00000004"
    "003ffffe 0001 000000000000 000000000000 0000 00 00 0000 00 00 0000 00000000 00000000 0000 0000"
    "0000000000000000 0000 000a 0000 8000 ffffffff ffff 0001"  # ADD idle 10 prio 32768 SEND_FLOW_REM
    "0000 0008 0002 0000")           # OUTPUT port 2
BAD_LEN = h("01 05 000c 00000005 00000000")  # FEATURES_REQUEST is exactly 8 bytes: BAD_LEN
BAD_VERSION = h("02 12 0008 00000006")        # BARRIER_REQUEST with version 2: BAD_VERSION

SW, CTL = ("10.0.0.1", 40000), ("10.0.0.2", 6653)
sw_mac, ctl_mac = "0a:00:00:00:00:01", "0a:00:00:00:00:02"

def seg(src, dst, seq, flags, data=b""):
    p = Ether(src=sw_mac if src == SW else ctl_mac, dst=ctl_mac if src == SW else sw_mac) / \
        IP(src=src[0], dst=dst[0]) / TCP(sport=src[1], dport=dst[1], seq=seq, flags=flags, ack=1)
    return p / Raw(data) if data else p

pkts = []
ISN_SW, ISN_CTL = 1000, 5000
pkts.append(seg(SW, CTL, ISN_SW, "S"))
pkts.append(seg(CTL, SW, ISN_CTL, "SA"))
# Controller -> switch: everything in two coalesced segments.
ctl_bytes = HELLO_CTL + FEATURES_REQUEST + FLOW_MOD + BAD_LEN + BAD_VERSION
pkts.append(seg(CTL, SW, ISN_CTL + 1, "PA", ctl_bytes[:30]))
# Switch -> controller: 120 bytes cut at 20, 60, 100; delivered 1, 3, 2, 2 again, then [100:] overlapping from 90.
sw_bytes = HELLO_SW + FEATURES_REPLY + PACKET_IN
assert len(sw_bytes) == 120
s1, s2, s3 = sw_bytes[:20], sw_bytes[20:60], sw_bytes[60:100]
pkts.append(seg(SW, CTL, ISN_SW + 1, "PA", s1))
pkts.append(seg(SW, CTL, ISN_SW + 61, "PA", s3))      # out of order
pkts.append(seg(CTL, SW, ISN_CTL + 31, "PA", ctl_bytes[30:]))
pkts.append(seg(SW, CTL, ISN_SW + 21, "PA", s2))      # fills the gap
pkts.append(seg(SW, CTL, ISN_SW + 21, "PA", s2))      # retransmission
pkts.append(seg(SW, CTL, ISN_SW + 91, "PA", sw_bytes[90:]))  # overlaps 10 old bytes
# Not OpenFlow: HTTP and DNS between the same hosts.
pkts.append(Ether() / IP(src="10.0.0.1", dst="10.0.0.3") / TCP(sport=40001, dport=80, flags="PA") / Raw(b"GET / HTTP/1.0\r\n\r\n"))
pkts.append(Ether() / IP(src="10.0.0.1", dst="10.0.0.3") / UDP(sport=5353, dport=53) / Raw(b"\x00" * 12))

# --- IPv6 behind a VLAN tag, legacy port 6633: HELLO and an ECHO_REQUEST --------
ECHO = h("01 02 000c 00000007 61626364")
v6 = Ether(src=sw_mac, dst=ctl_mac) / Dot1Q(vlan=10) / IPv6(src="2001:db8::1", dst="2001:db8::2")
pkts.append(v6 / TCP(sport=40002, dport=6633, seq=77, flags="PA") / Raw(HELLO_SW + ECHO[:5]))
pkts.append(v6 / TCP(sport=40002, dport=6633, seq=77 + 13, flags="PA") / Raw(ECHO[5:]))

for i, p in enumerate(pkts):
    p.time = 1700000000 + i / 1000
out = sys.argv[1] if len(sys.argv) > 1 else "tests/data/ofprint_reassembly.pcap"
wrpcap(out, pkts)
print("wrote", out)
