#!/usr/bin/env python3
"""Builds ofkit's scapy golden packets and prints them as JSON lines.

Each line: {"name": ..., "hex": <frame>, "fields": {"ip.src": "10.0.0.1", ...}}.
The fields come from scapy's own dissection of the final bytes (so lengths
and checksums are the values scapy computed). scapy_test.cc parses the hex
with oflib/packet, compares every field, and rebuilds the frame with
PacketBuilder from the same parameters, byte for byte.
"""
import json
import logging
import sys

logging.getLogger("scapy.runtime").setLevel(logging.ERROR)
from scapy.all import (ARP, BOOTP, DHCP, DNS, DNSQR, DNSRR, ICMP, IP, LLC, SNAP, STP, TCP, UDP, Dot1AD,  # noqa: E402
                       Dot1Q, Dot3, Ether, ICMPv6EchoRequest, IPv6, IPv6ExtHdrDestOpt, IPv6ExtHdrFragment,
                       IPv6ExtHdrHopByHop, IPv6ExtHdrRouting, Raw, raw)
from scapy.contrib.lldp import (LLDPDUChassisID, LLDPDUEndOfLLDPDU, LLDPDUManagementAddress,  # noqa: E402
                                LLDPDUPortDescription, LLDPDUPortID, LLDPDUSystemCapabilities,
                                LLDPDUSystemDescription, LLDPDUSystemName, LLDPDUTimeToLive)

A = "00:00:00:00:00:01"
B = "00:00:00:00:00:02"


def eth():
    return Ether(dst=B, src=A)


PACKETS = {
    "tcp_syn": eth() / IP(src="10.0.0.1", dst="10.0.0.2", id=7, tos=0x28, flags="DF", ttl=63) /
    TCP(sport=40000, dport=443, seq=12345, flags="S", window=29200,
        options=[("MSS", 1460), ("SAckOK", b""), ("Timestamp", (100, 0)), ("NOP", None), ("WScale", 7)]),
    "tcp_sack": eth() / IP(src="192.168.1.10", dst="192.168.1.20", id=8) /
    TCP(sport=443, dport=40000, seq=1, ack=2, flags="PA", window=501,
        options=[("NOP", None), ("NOP", None), ("Timestamp", (5, 6)), ("NOP", None), ("NOP", None),
                 ("SAck", (1000, 2000, 3000, 4000))]) / Raw(b"data"),
    "udp_vlan": eth() / Dot1Q(vlan=42, prio=3) / IP(src="10.1.1.1", dst="10.2.2.2", id=9) /
    UDP(sport=1234, dport=5678) / Raw(b"hello"),
    "icmp_qinq": eth() / Dot1AD(vlan=5) / Dot1Q(vlan=6, prio=1) / IP(src="10.0.0.1", dst="10.0.0.2", id=10) /
    ICMP(type=8, id=0x42, seq=7) / Raw(b"ping"),
    "arp_reply": Ether(dst=B, src=A) / ARP(op=2, hwsrc=A, psrc="10.0.0.1", hwdst=B, pdst="10.0.0.2"),
    "icmp_tos": eth() / IP(src="172.16.0.1", dst="172.16.0.2", tos=0xb9, id=11, ttl=5) /
    ICMP(type=3, code=3) / Raw(b"\x45\x00\x00\x1c"),
    "ipv4_frag": eth() / IP(src="10.0.0.1", dst="10.0.0.2", id=12, flags="MF", frag=0) /
    UDP(sport=1, dport=2, chksum=0x1234) / Raw(b"12345678"),
    "ipv6_ext_udp": eth() / IPv6(src="2001:db8::1", dst="2001:db8:0:0:1::2", hlim=32, tc=0x20, fl=0x12345) /
    IPv6ExtHdrHopByHop() / IPv6ExtHdrRouting(addresses=[]) / IPv6ExtHdrDestOpt() / UDP(sport=546, dport=547) /
    Raw(b"x"),
    "ipv6_frag_icmpv6": eth() / IPv6(src="fe80::1", dst="ff02::1") /
    IPv6ExtHdrFragment(offset=0, m=1, id=0x1234) / ICMPv6EchoRequest(id=1, seq=2, data=b"abcd"),
    "icmpv6_echo": eth() / IPv6(src="::1", dst="::1", hlim=255) / ICMPv6EchoRequest(id=9, seq=10, data=b"hi"),
    "snap_ipv4": Dot3(dst=B, src=A) / LLC(dsap=0xaa, ssap=0xaa, ctrl=3) / SNAP(OUI=0, code=0x0800) /
    IP(src="10.0.0.1", dst="10.0.0.2", id=13) / UDP(sport=7, dport=7),
    "stp": Dot3(dst="01:80:c2:00:00:00", src=A) / LLC(dsap=0x42, ssap=0x42, ctrl=3) / STP(),
    "dhcp_discover": Ether(dst="ff:ff:ff:ff:ff:ff", src="00:0c:29:aa:bb:cc") /
    IP(src="0.0.0.0", dst="255.255.255.255", id=14) / UDP(sport=68, dport=67) /
    BOOTP(op=1, xid=0x3903F326, flags=0x8000, chaddr=bytes.fromhex("000c29aabbcc") + b"\x00" * 10) /
    DHCP(options=[("message-type", "discover"), ("hostname", b"abc"), ("param_req_list", [1, 3, 6]), "end"]),
    "dns_response": eth() / IP(src="10.0.0.53", dst="10.0.0.1", id=15) / UDP(sport=53, dport=40000) /
    DNS(id=7, qr=1, rd=1, ra=1, qd=DNSQR(qname="www.example.com"),
        an=DNSRR(rrname="www.example.com", type="CNAME", rdata="example.com", ttl=300) /
        DNSRR(rrname="example.com", type="A", rdata="93.184.216.34", ttl=300)),
    "lldp": Ether(dst="01:80:c2:00:00:0e", src=A) /
    LLDPDUChassisID(subtype=4, id=A) / LLDPDUPortID(subtype=5, id=b"eth1") / LLDPDUTimeToLive(ttl=60) /
    LLDPDUPortDescription(description=b"uplink") / LLDPDUSystemName(system_name=b"switch-a") /
    LLDPDUSystemDescription(description=b"ofkit 0.1") /
    LLDPDUSystemCapabilities(mac_bridge_available=1, router_available=1, mac_bridge_enabled=1) /
    LLDPDUManagementAddress(management_address_subtype=1, management_address=b"\x0a\x00\x00\x01",
                            interface_numbering_subtype=2, interface_number=3) /
    LLDPDUEndOfLLDPDU(),
}


def fields(p):
    f = {}
    if Ether in p:
        f["eth.dst"], f["eth.src"] = p[Ether].dst, p[Ether].src
    if Dot3 in p:
        f["eth.dst"], f["eth.src"], f["eth.len"] = p[Dot3].dst, p[Dot3].src, p[Dot3].len
    if Dot1AD in p:
        f["vlan.vid"], f["vlan.pcp"] = p[Dot1AD].vlan, p[Dot1AD].prio
    elif Dot1Q in p:
        f["vlan.vid"], f["vlan.pcp"], f["vlan.type"] = p[Dot1Q].vlan, p[Dot1Q].prio, p[Dot1Q].type
    if LLC in p:
        f["llc.dsap"], f["llc.ssap"], f["llc.ctrl"] = p[LLC].dsap, p[LLC].ssap, p[LLC].ctrl
    if SNAP in p:
        f["snap.oui"], f["snap.code"] = p[SNAP].OUI, p[SNAP].code
    if ARP in p:
        a = p[ARP]
        f.update({"arp.op": a.op, "arp.hwsrc": a.hwsrc, "arp.psrc": a.psrc, "arp.hwdst": a.hwdst,
                  "arp.pdst": a.pdst})
    if IP in p:
        i = p[IP]
        f.update({"ip.ihl": i.ihl, "ip.tos": i.tos, "ip.len": i.len, "ip.id": i.id, "ip.flags": int(i.flags),
                  "ip.frag": i.frag, "ip.ttl": i.ttl, "ip.proto": i.proto, "ip.chksum": i.chksum,
                  "ip.src": i.src, "ip.dst": i.dst})
    if IPv6 in p:
        i = p[IPv6]
        f.update({"ipv6.tc": i.tc, "ipv6.fl": i.fl, "ipv6.plen": i.plen, "ipv6.nh": i.nh, "ipv6.hlim": i.hlim,
                  "ipv6.src": i.src, "ipv6.dst": i.dst})
    if IPv6ExtHdrFragment in p:
        x = p[IPv6ExtHdrFragment]
        f.update({"frag6.offset": x.offset, "frag6.m": x.m, "frag6.id": x.id})
    if TCP in p:
        t = p[TCP]
        f.update({"tcp.sport": t.sport, "tcp.dport": t.dport, "tcp.seq": t.seq, "tcp.ack": t.ack,
                  "tcp.dataofs": t.dataofs, "tcp.flags": int(t.flags), "tcp.window": t.window,
                  "tcp.chksum": t.chksum, "tcp.urgptr": t.urgptr})
        for name, val in t.options:
            if name == "MSS":
                f["tcp.mss"] = val
            elif name == "WScale":
                f["tcp.wscale"] = val
            elif name == "Timestamp":
                f["tcp.ts_val"], f["tcp.ts_ecr"] = val
            elif name == "SAckOK":
                f["tcp.sack_ok"] = 1
            elif name == "SAck":
                f["tcp.sack"] = ",".join("%d-%d" % (val[k], val[k + 1]) for k in range(0, len(val), 2))
    if UDP in p:
        u = p[UDP]
        f.update({"udp.sport": u.sport, "udp.dport": u.dport, "udp.len": u.len, "udp.chksum": u.chksum})
    if ICMP in p:
        c = p[ICMP]
        f.update({"icmp.type": c.type, "icmp.code": c.code, "icmp.chksum": c.chksum})
    if ICMPv6EchoRequest in p:
        c = p[ICMPv6EchoRequest]
        f.update({"icmpv6.type": c.type, "icmpv6.code": c.code, "icmpv6.cksum": c.cksum, "icmpv6.id": c.id,
                  "icmpv6.seq": c.seq})
    if BOOTP in p:
        b = p[BOOTP]
        f.update({"dhcp.op": b.op, "dhcp.xid": b.xid, "dhcp.flags": int(b.flags),
                  "dhcp.chaddr": ":".join("%02x" % x for x in b.chaddr[:6])})
        for o in p[DHCP].options:
            if o[0] == "message-type":
                f["dhcp.message_type"] = o[1]
            elif o[0] == "hostname":
                f["dhcp.hostname"] = o[1].decode()
    if DNS in p:
        d = p[DNS]
        f.update({"dns.id": d.id, "dns.qr": d.qr, "dns.qdcount": d.qdcount, "dns.ancount": d.ancount,
                  "dns.qname": d.qd.qname.decode().rstrip(".")})
        for k in range(d.ancount):
            r = d.an[k]
            f["dns.an%d.rrname" % k] = r.rrname.decode().rstrip(".")
            f["dns.an%d.type" % k] = r.type
            f["dns.an%d.ttl" % k] = r.ttl
            rd = r.rdata
            f["dns.an%d.rdata" % k] = (rd.decode() if isinstance(rd, bytes) else str(rd)).rstrip(".")
    if LLDPDUChassisID in p:
        f["lldp.chassis_id"] = p[LLDPDUChassisID].id
        f["lldp.port_id"] = p[LLDPDUPortID].id.decode()
        f["lldp.ttl"] = p[LLDPDUTimeToLive].ttl
        f["lldp.port_description"] = p[LLDPDUPortDescription].description.decode()
        f["lldp.system_name"] = p[LLDPDUSystemName].system_name.decode()
        f["lldp.system_description"] = p[LLDPDUSystemDescription].description.decode()
        c = p[LLDPDUSystemCapabilities]
        f["lldp.cap_system"] = int.from_bytes(raw(c)[2:4], "big")
        f["lldp.cap_enabled"] = int.from_bytes(raw(c)[4:6], "big")
        m = p[LLDPDUManagementAddress]
        f["lldp.mgmt_addr"] = m.management_address.hex()
        f["lldp.mgmt_if"] = m.interface_number
    return {k: str(v) for k, v in f.items()}


def main():
    only = sys.argv[1:]
    for name, pkt in PACKETS.items():
        if only and name not in only:
            continue
        b = raw(pkt)
        cls = Dot3 if Dot3 in pkt else Ether
        again = cls(b)
        print(json.dumps({"name": name, "hex": b.hex(), "fields": fields(again)}))


if __name__ == "__main__":
    main()
