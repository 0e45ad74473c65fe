#!/usr/bin/python3
"""Generates the bundled demo trace: a small office LAN seen by a 3-port switch.

    /usr/bin/python3 scripts/make-demo-trace.py            # writes tests/data/demo*.pcap
    /usr/bin/python3 scripts/make-demo-trace.py --out-dir=DIR

Needs python3-scapy (Debian's, hence /usr/bin/python3). The output is
deterministic: a fixed random seed, fixed start time (2024-01-01 00:00:00
UTC), explicit IP ids, TCP sequence numbers, DNS ids and DHCP xids, and the
pcap files are written by this script (classic pcap, little-endian,
microseconds, Ethernet) rather than by scapy, so the same scapy version
always produces the same bytes. Re-run it and commit the pcaps when you
change the scenario.

Hosts and switch ports:
    port 1  alice  02:00:00:00:00:01  10.0.0.1   fe80::1
            bob    02:00:00:00:00:02  10.0.0.2   fe80::2
    port 2  carol  02:00:00:00:00:03  10.0.0.3
    port 3  gw     02:00:00:00:00:fe  10.0.0.254 (router, DNS, DHCP, NTP)
            dave   02:00:00:00:00:05  10.0.0.5   (gets its address by DHCP)

Traffic: DHCP discover/offer/request/ack, ARP request/reply, DNS query and
response, ICMP echo (and one port unreachable), a TCP connection (handshake,
HTTP request, a response in many segments, FIN both ways), UDP NTP, an RTP
stream marked DSCP EF, mDNS and SSDP multicast, a NetBIOS broadcast, a
fragmented UDP datagram, an 802.1Q-tagged ping (VLAN 10, priority 5), and
IPv6 neighbour discovery plus ping6.

Outputs: demo.pcap (everything, in time order) and demo-port{1,2,3}.pcap
(the frames each port receives from its hosts, split by source host), for
the switch demo's file ports.
"""

import argparse
import os
import random
import struct
import sys

from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, ICMP, IP, IPv6, NTP, TCP, UDP, Dot1Q, Ether,
                       ICMPv6EchoReply, ICMPv6EchoRequest, ICMPv6ND_NA, ICMPv6ND_NS, ICMPv6NDOptDstLLAddr,
                       ICMPv6NDOptSrcLLAddr, Raw, fragment)

SEED = 20240101
START = 1704067200  # 2024-01-01 00:00:00 UTC

HOSTS = {
    # name: (mac, ipv4, port)
    "alice": ("02:00:00:00:00:01", "10.0.0.1", 1),
    "bob": ("02:00:00:00:00:02", "10.0.0.2", 1),
    "carol": ("02:00:00:00:00:03", "10.0.0.3", 2),
    "gw": ("02:00:00:00:00:fe", "10.0.0.254", 3),
    "dave": ("02:00:00:00:00:05", "10.0.0.5", 3),
}
BCAST = "ff:ff:ff:ff:ff:ff"


def mac(h):
    return HOSTS[h][0]


def ip(h):
    return HOSTS[h][1]


class Trace:
    def __init__(self):
        self.rng = random.Random(SEED)
        self.t_us = 0  # microseconds since START
        self.frames = []  # (t_us, source host, bytes)
        self.ip_id = 0x1000

    def next_id(self):
        self.ip_id += 1
        return self.ip_id

    def gap(self, lo_us, hi_us):
        self.t_us += self.rng.randint(lo_us, hi_us)

    def add(self, src_host, pkt, gap=(200, 3000)):
        self.gap(*gap)
        self.frames.append((self.t_us, src_host, bytes(pkt)))

    def eth(self, src, dst_mac):
        return Ether(src=mac(src), dst=dst_mac)

    def ipv4(self, src, dst, dst_mac=None, **kw):
        return self.eth(src, dst_mac or mac(dst)) / IP(src=ip(src), dst=ip(dst), id=self.next_id(), **kw)


def dhcp(tr):
    xid = 0x3903F326
    client = mac("dave")
    chaddr = bytes.fromhex(client.replace(":", "")) + b"\x00" * 10

    def boot(op, yiaddr="0.0.0.0"):
        return BOOTP(op=op, xid=xid, chaddr=chaddr, yiaddr=yiaddr, flags=0)

    disc = (Ether(src=client, dst=BCAST) / IP(src="0.0.0.0", dst="255.255.255.255", id=tr.next_id()) /
            UDP(sport=68, dport=67) / boot(1) /
            DHCP(options=[("message-type", "discover"), ("param_req_list", [1, 3, 6, 15]), "end"]))
    tr.add("dave", disc, gap=(1000, 2000))
    offer = (tr.eth("gw", client) / IP(src=ip("gw"), dst="10.0.0.5", id=tr.next_id()) /
             UDP(sport=67, dport=68) / boot(2, "10.0.0.5") /
             DHCP(options=[("message-type", "offer"), ("server_id", ip("gw")), ("lease_time", 3600),
                           ("subnet_mask", "255.255.255.0"), ("router", ip("gw")), ("name_server", ip("gw")),
                           "end"]))
    tr.add("gw", offer)
    req = (Ether(src=client, dst=BCAST) / IP(src="0.0.0.0", dst="255.255.255.255", id=tr.next_id()) /
           UDP(sport=68, dport=67) / boot(1) /
           DHCP(options=[("message-type", "request"), ("requested_addr", "10.0.0.5"), ("server_id", ip("gw")),
                         "end"]))
    tr.add("dave", req)
    ack = (tr.eth("gw", client) / IP(src=ip("gw"), dst="10.0.0.5", id=tr.next_id()) /
           UDP(sport=67, dport=68) / boot(2, "10.0.0.5") /
           DHCP(options=[("message-type", "ack"), ("server_id", ip("gw")), ("lease_time", 3600),
                         ("subnet_mask", "255.255.255.0"), ("router", ip("gw")), "end"]))
    tr.add("gw", ack)


def arp(tr, who, target):
    tr.add(who, Ether(src=mac(who), dst=BCAST) /
           ARP(op=1, hwsrc=mac(who), psrc=ip(who), hwdst="00:00:00:00:00:00", pdst=ip(target)))
    tr.add(target, Ether(src=mac(target), dst=mac(who)) /
           ARP(op=2, hwsrc=mac(target), psrc=ip(target), hwdst=mac(who), pdst=ip(who)))


def dns(tr):
    q = DNS(id=0x1a2b, rd=1, qd=DNSQR(qname="intranet.example.com", qtype="A"))
    tr.add("alice", tr.ipv4("alice", "gw") / UDP(sport=53001, dport=53) / q)
    r = DNS(id=0x1a2b, qr=1, aa=0, rd=1, ra=1, qd=DNSQR(qname="intranet.example.com", qtype="A"),
            an=DNSRR(rrname="intranet.example.com", type="A", ttl=300, rdata=ip("carol")))
    tr.add("gw", tr.ipv4("gw", "alice") / UDP(sport=53, dport=53001) / r)


def ping(tr, a, b, count, ident, vlan=None):
    for seq in range(1, count + 1):
        for src, dst, typ in ((a, b, 8), (b, a, 0)):
            payload = bytes(range(48))
            l3 = IP(src=ip(src), dst=ip(dst), id=tr.next_id()) / ICMP(type=typ, id=ident, seq=seq) / Raw(payload)
            frame = Ether(src=mac(src), dst=mac(dst))
            if vlan is not None:
                frame = frame / Dot1Q(vlan=vlan[0], prio=vlan[1])
            tr.add(src, frame / l3, gap=(100, 600) if typ == 0 else (5000, 20000))


def tcp_session(tr, client, server, sport, dport):
    c_isn, s_isn = 0x10000000, 0x70000000
    c, s = c_isn + 1, s_isn + 1

    def seg(src, dst, flags, seq, ack, data=b"", **kw):
        return tr.ipv4(src, dst, **kw) / TCP(sport=sport if src == client else dport,
                                             dport=dport if src == client else sport,
                                             flags=flags, seq=seq, ack=ack, window=64240) / Raw(data)

    syn = tr.ipv4(client, server) / TCP(sport=sport, dport=dport, flags="S", seq=c_isn, window=64240,
                                       options=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7)])
    tr.add(client, syn)
    tr.add(server, tr.ipv4(server, client) / TCP(sport=dport, dport=sport, flags="SA", seq=s_isn, ack=c,
                                                   window=65160,
                                                   options=[("MSS", 1460), ("SAckOK", b""), ("WScale", 7)]))
    tr.add(client, seg(client, server, "A", c, s))
    req = b"GET /report.html HTTP/1.1\r\nHost: intranet.example.com\r\nUser-Agent: demo\r\n\r\n"
    tr.add(client, seg(client, server, "PA", c, s, req))
    c += len(req)
    tr.add(server, seg(server, client, "A", s, c))
    body = bytes(tr.rng.getrandbits(8) for _ in range(30000))
    resp = b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n" % len(body) + body
    mss = 1448
    for i, off in enumerate(range(0, len(resp), mss)):
        chunk = resp[off:off + mss]
        flags = "PA" if off + mss >= len(resp) else "A"
        tr.add(server, seg(server, client, flags, s, c, chunk), gap=(20, 200))
        s += len(chunk)
        if i % 2 == 1:
            tr.add(client, seg(client, server, "A", c, s), gap=(20, 100))
    tr.add(client, seg(client, server, "A", c, s), gap=(20, 100))
    tr.add(client, seg(client, server, "FA", c, s), gap=(1000, 5000))
    c += 1
    tr.add(server, seg(server, client, "FA", s, c))
    s += 1
    tr.add(client, seg(client, server, "A", c, s))


def ntp(tr):
    tr.add("bob", tr.ipv4("bob", "gw") / UDP(sport=123, dport=123) / NTP(version=4, mode=3, ref=START, orig=START, recv=START, sent=START + 1))
    tr.add("gw", tr.ipv4("gw", "bob") / UDP(sport=123, dport=123) /
           NTP(version=4, mode=4, stratum=2, ref=START, orig=START + 1, recv=START + 2, sent=START + 3))


def rtp(tr, a, b, count):
    # A voice call: RTP over UDP, DSCP EF (46) both ways, 20 ms apart.
    for i in range(count):
        for src, dst, port in ((a, b, 16384), (b, a, 16386)):
            rtp_hdr = struct.pack("!BBHII", 0x80, 0, 1000 + i, 160 * i, 0x11223344 if src == a else 0x55667788)
            tr.add(src, tr.ipv4(src, dst, tos=46 << 2) / UDP(sport=port, dport=port) / Raw(rtp_hdr + bytes(160)),
                   gap=(9000, 11000))


def multicast_and_broadcast(tr):
    mdns = DNS(id=0, qr=0, qd=DNSQR(qname="_ipp._tcp.local", qtype="PTR"))
    tr.add("bob", Ether(src=mac("bob"), dst="01:00:5e:00:00:fb") /
           IP(src=ip("bob"), dst="224.0.0.251", ttl=255, id=tr.next_id()) / UDP(sport=5353, dport=5353) / mdns)
    ssdp = (b"M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: \"ssdp:discover\"\r\n"
            b"MX: 1\r\nST: ssdp:all\r\n\r\n")
    tr.add("carol", Ether(src=mac("carol"), dst="01:00:5e:7f:ff:fa") /
           IP(src=ip("carol"), dst="239.255.255.250", ttl=4, id=tr.next_id()) /
           UDP(sport=50000, dport=1900) / Raw(ssdp))
    # NetBIOS name query for FILESERVER: header, then the first-level encoded name (RFC 1002 4.1).
    name = b"FILESERVER".ljust(15) + b"\x00"
    encoded = bytes(b for c in name for b in (ord("A") + (c >> 4), ord("A") + (c & 15)))
    nbns = struct.pack("!HHHHHH", 0xA1B2, 0x0110, 1, 0, 0, 0) + b"\x20" + encoded + b"\x00" + struct.pack("!HH", 0x20, 1)
    tr.add("carol", Ether(src=mac("carol"), dst=BCAST) /
           IP(src=ip("carol"), dst="10.0.0.255", id=tr.next_id()) / UDP(sport=137, dport=137) / Raw(nbns))


def port_unreachable(tr):
    probe = tr.ipv4("alice", "gw") / UDP(sport=40000, dport=9999) / Raw(b"hello?")
    tr.add("alice", probe)
    inner = bytes(probe[IP])[:28 + 6]
    tr.add("gw", tr.ipv4("gw", "alice") / ICMP(type=3, code=3) / Raw(inner))


def fragmented(tr):
    dgram = IP(src=ip("dave"), dst=ip("gw"), id=0x4242) / UDP(sport=5000, dport=6000) / Raw(bytes(range(256)) * 10)
    for frag in fragment(dgram, fragsize=1200):
        tr.add("dave", Ether(src=mac("dave"), dst=mac("gw")) / frag, gap=(10, 50))


def ipv6(tr):
    a_ll, b_ll = "fe80::1", "fe80::2"
    sol = "ff02::1:ff00:2"
    tr.add("alice", Ether(src=mac("alice"), dst="33:33:ff:00:00:02") /
           IPv6(src=a_ll, dst=sol, hlim=255) / ICMPv6ND_NS(tgt=b_ll) / ICMPv6NDOptSrcLLAddr(lladdr=mac("alice")))
    tr.add("bob", Ether(src=mac("bob"), dst=mac("alice")) /
           IPv6(src=b_ll, dst=a_ll, hlim=255) / ICMPv6ND_NA(tgt=b_ll, R=0, S=1, O=1) /
           ICMPv6NDOptDstLLAddr(lladdr=mac("bob")))
    for seq in (1, 2):
        tr.add("alice", Ether(src=mac("alice"), dst=mac("bob")) / IPv6(src=a_ll, dst=b_ll) /
               ICMPv6EchoRequest(id=0x77, seq=seq, data=b"ping6 demo"))
        tr.add("bob", Ether(src=mac("bob"), dst=mac("alice")) / IPv6(src=b_ll, dst=a_ll) /
               ICMPv6EchoReply(id=0x77, seq=seq, data=b"ping6 demo"))


def build():
    tr = Trace()
    dhcp(tr)
    arp(tr, "alice", "gw")
    dns(tr)
    arp(tr, "alice", "bob")
    ping(tr, "alice", "bob", 3, ident=0x0101)
    multicast_and_broadcast(tr)
    arp(tr, "carol", "alice")
    tcp_session(tr, "alice", "carol", 51514, 80)
    ntp(tr)
    arp(tr, "bob", "carol")
    rtp(tr, "bob", "carol", 25)
    port_unreachable(tr)
    arp(tr, "dave", "gw")
    fragmented(tr)
    ping(tr, "carol", "gw", 2, ident=0x0202, vlan=(10, 5))
    ipv6(tr)
    arp(tr, "dave", "alice")
    ping(tr, "dave", "alice", 2, ident=0x0303)
    return tr


def write_pcap(path, frames):
    with open(path, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t_us, _, data in frames:
            f.write(struct.pack("<IIII", START + t_us // 1000000, t_us % 1000000, len(data), len(data)))
            f.write(data)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", default=os.path.join(here, "..", "tests", "data"))
    args = ap.parse_args()
    tr = build()
    os.makedirs(args.out_dir, exist_ok=True)
    write_pcap(os.path.join(args.out_dir, "demo.pcap"), tr.frames)
    for port in (1, 2, 3):
        mine = [fr for fr in tr.frames if HOSTS[fr[1]][2] == port]
        write_pcap(os.path.join(args.out_dir, "demo-port%d.pcap" % port), mine)
    print("make-demo-trace: %d frames, %.3f s, %d bytes -> %s" %
          (len(tr.frames), tr.t_us / 1e6, sum(len(f[2]) for f in tr.frames), os.path.normpath(args.out_dir)),
          file=sys.stderr)


if __name__ == "__main__":
    main()
