// Golden packets built by scapy (tests/oflib/packet/scapy_packets.py, run
// live): every field scapy dissects is compared with oflib/packet's parse,
// including the lengths and checksums scapy computed, and every frame is
// rebuilt by PacketBuilder byte for byte. Suite: oflib, integration (spawns
// python3).
#include <gtest/gtest.h>

#include <unistd.h>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

#include "hex.h"
#include "oflib/packet/builder.h"
#include "oflib/packet/flow_extract.h"
#include "oflib/packet/packet.h"

namespace ofkit {
namespace {

using test::hex;
using test::to_hex;
using Fields = std::map<std::string, std::string>;

struct ScapyPacket {
  std::string name;
  std::vector<uint8_t> frame;
  Fields fields;
};

std::vector<ScapyPacket> run_scapy() {
  const char* src = std::getenv("OFKIT_SOURCE_DIR");
  const std::string script = std::string(src ? src : ".") + "/tests/oflib/packet/scapy_packets.py";
  // Debian's python3 has python3-scapy; a python3 earlier on PATH may not.
  const std::string python = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
  const std::string cmd = python + " " + script + " 2>&1";
  std::vector<ScapyPacket> out;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return out;
  std::string all;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) all.append(buf, n);
  const int rc = pclose(p);
  EXPECT_EQ(rc, 0) << all;
  size_t pos = 0;
  while (pos < all.size()) {
    size_t nl = all.find('\n', pos);
    if (nl == std::string::npos) nl = all.size();
    const std::string line = all.substr(pos, nl - pos);
    pos = nl + 1;
    if (line.empty() || line[0] != '{') continue;
    auto j = nlohmann::json::parse(line);
    ScapyPacket sp{j["name"], hex(j["hex"].get<std::string>()), {}};
    for (auto& [k, v] : j["fields"].items()) sp.fields[k] = v.get<std::string>();
    out.push_back(std::move(sp));
  }
  return out;
}

std::string str(uint64_t v) { return std::to_string(v); }

// The same keys scapy_packets.py prints, from oflib/packet's views.
Fields our_fields(const ParsedPacket& p) {
  Fields f;
  if (auto e = p.find<EthernetView>()) {
    f["eth.dst"] = e->dst().to_string();
    f["eth.src"] = e->src().to_string();
    if (e->is_8023()) f["eth.len"] = str(e->type_or_length());
  }
  if (auto v = p.find<VlanView>()) {
    f["vlan.vid"] = str(v->vid());
    f["vlan.pcp"] = str(v->pcp());
    f["vlan.type"] = str(v->inner_type());
  }
  if (auto l = p.find<LlcView>()) {
    f["llc.dsap"] = str(l->dsap());
    f["llc.ssap"] = str(l->ssap());
    f["llc.ctrl"] = str(l->control());
    if (l->is_snap()) {
      f["snap.oui"] = str(l->snap_oui());
      f["snap.code"] = str(l->snap_type());
    }
  }
  if (auto a = p.find<ArpView>()) {
    f["arp.op"] = str(a->op());
    f["arp.hwsrc"] = a->sender_mac().to_string();
    f["arp.psrc"] = a->sender_ip().to_string();
    f["arp.hwdst"] = a->target_mac().to_string();
    f["arp.pdst"] = a->target_ip().to_string();
  }
  if (auto i = p.find<Ipv4View>()) {
    f["ip.ihl"] = str(i->header_length() / 4);
    f["ip.tos"] = str(i->tos());
    f["ip.len"] = str(i->total_length());
    f["ip.id"] = str(i->id());
    f["ip.flags"] = str((i->dont_fragment() ? 2 : 0) | (i->more_fragments() ? 1 : 0));
    f["ip.frag"] = str(i->fragment_offset());
    f["ip.ttl"] = str(i->ttl());
    f["ip.proto"] = str(i->protocol());
    f["ip.chksum"] = str(i->checksum());
    f["ip.src"] = i->src().to_string();
    f["ip.dst"] = i->dst().to_string();
    EXPECT_TRUE(i->checksum_ok());
    EXPECT_EQ(ipv4_header_checksum(i->bytes().data(), i->header_length()), i->checksum());
  }
  if (auto i = p.find<Ipv6View>()) {
    f["ipv6.tc"] = str(i->traffic_class());
    f["ipv6.fl"] = str(i->flow_label());
    f["ipv6.plen"] = str(i->payload_length());
    f["ipv6.nh"] = str(i->next_header());
    f["ipv6.hlim"] = str(i->hop_limit());
    f["ipv6.src"] = i->src().to_string();
    f["ipv6.dst"] = i->dst().to_string();
  }
  for (const LayerRef& r : p) {
    if (r.layer == Layer::kIpv6Ext && r.kind == ip_proto::kFragment) {
      auto x = Ipv6ExtView::parse(p.bytes_of(r), r.kind);
      f["frag6.offset"] = str(x->fragment_offset());
      f["frag6.m"] = str(x->more_fragments());
      f["frag6.id"] = str(x->fragment_id());
    }
  }
  // Pseudo-header source for checksum recomputation.
  auto ip4 = p.find<Ipv4View>();
  auto ip6 = p.find<Ipv6View>();
  if (auto t = p.find<TcpView>()) {
    f["tcp.sport"] = str(t->src_port());
    f["tcp.dport"] = str(t->dst_port());
    f["tcp.seq"] = str(t->seq());
    f["tcp.ack"] = str(t->ack());
    f["tcp.dataofs"] = str(t->header_length() / 4);
    f["tcp.flags"] = str(t->flags());
    f["tcp.window"] = str(t->window());
    f["tcp.chksum"] = str(t->checksum());
    f["tcp.urgptr"] = str(t->urgent_pointer());
    const TcpOptions o = t->options();
    if (o.mss) f["tcp.mss"] = str(*o.mss);
    if (o.window_scale) f["tcp.wscale"] = str(*o.window_scale);
    if (o.ts_val) {
      f["tcp.ts_val"] = str(*o.ts_val);
      f["tcp.ts_ecr"] = str(o.ts_ecr);
    }
    if (o.sack_permitted) f["tcp.sack_ok"] = "1";
    std::string sack;
    for (size_t k = 0; k < o.num_sack; ++k)
      sack += (k ? "," : "") + str(o.sack[k].left) + "-" + str(o.sack[k].right);
    if (!sack.empty()) f["tcp.sack"] = sack;
    EXPECT_EQ(tcp_checksum_ipv4(ip4->src().value, ip4->dst().value, t->bytes().data(), t->bytes().size()),
              t->checksum());
  }
  if (auto u = p.find<UdpView>()) {
    f["udp.sport"] = str(u->src_port());
    f["udp.dport"] = str(u->dst_port());
    f["udp.len"] = str(u->length());
    f["udp.chksum"] = str(u->checksum());
    const size_t len = u->length();
    if (ip6) {
      EXPECT_EQ(udp_checksum_ipv6(ip6->src_bytes(), ip6->dst_bytes(), u->bytes().data(), len), u->checksum());
    } else if (ip4 && !ip4->is_fragment() && u->checksum() != 0) {
      EXPECT_EQ(udp_checksum_ipv4(ip4->src().value, ip4->dst().value, u->bytes().data(), len), u->checksum());
    }
  }
  if (auto c = p.find<IcmpView>()) {
    f["icmp.type"] = str(c->type());
    f["icmp.code"] = str(c->code());
    f["icmp.chksum"] = str(c->checksum());
    EXPECT_EQ(icmp_checksum(c->bytes().data(), ip4->payload().size()), c->checksum());
  }
  if (auto c = p.find<Icmpv6View>()) {
    f["icmpv6.type"] = str(c->type());
    f["icmpv6.code"] = str(c->code());
    f["icmpv6.cksum"] = str(c->checksum());
    f["icmpv6.id"] = str(c->echo_id());
    f["icmpv6.seq"] = str(c->echo_seq());
    EXPECT_EQ(icmpv6_checksum(ip6->src_bytes(), ip6->dst_bytes(), c->bytes().data(), c->bytes().size()),
              c->checksum());
  }
  if (auto d = p.find<DhcpView>()) {
    f["dhcp.op"] = str(d->op());
    f["dhcp.xid"] = str(d->xid());
    f["dhcp.flags"] = str(d->flags());
    f["dhcp.chaddr"] = d->chaddr_mac().to_string();
    if (auto t = d->message_type()) f["dhcp.message_type"] = str(*t);
    if (auto h = d->find_option(dhcp_opt::kHostName)) f["dhcp.hostname"] = std::string(h->begin(), h->end());
  }
  if (auto d = p.find<DnsMessage>()) {
    f["dns.id"] = str(d->id);
    f["dns.qr"] = str(d->is_response());
    f["dns.qdcount"] = str(d->questions.size());
    f["dns.ancount"] = str(d->answers.size());
    if (!d->questions.empty()) f["dns.qname"] = d->questions[0].name;
    for (size_t k = 0; k < d->answers.size(); ++k) {
      const DnsRecord& r = d->answers[k];
      const std::string pre = "dns.an" + str(k) + ".";
      f[pre + "rrname"] = r.name;
      f[pre + "type"] = str(r.type);
      f[pre + "ttl"] = str(r.ttl);
      f[pre + "rdata"] = r.a() ? r.a()->to_string() : r.aaaa() ? r.aaaa()->to_string() : r.target;
    }
  }
  if (auto l = p.find<Lldpdu>()) {
    f["lldp.chassis_id"] =
        l->chassis_id.size() == 6 ? MacAddr::from_bytes(l->chassis_id.data()).to_string() : "";
    f["lldp.port_id"] = std::string(l->port_id_text());
    f["lldp.ttl"] = str(l->ttl);
    f["lldp.port_description"] = std::string(l->port_description.value_or(""));
    f["lldp.system_name"] = std::string(l->system_name.value_or(""));
    f["lldp.system_description"] = std::string(l->system_description.value_or(""));
    if (l->capabilities) {
      f["lldp.cap_system"] = str(l->capabilities->system);
      f["lldp.cap_enabled"] = str(l->capabilities->enabled);
    }
    if (!l->management_addresses.empty()) {
      f["lldp.mgmt_addr"] = to_hex(l->management_addresses[0].addr);
      f["lldp.mgmt_if"] = str(l->management_addresses[0].if_number);
    }
  }
  return f;
}

MacAddr mac(const char* s) { return *MacAddr::parse(s); }
Ipv4Addr ip4(const char* s) { return *Ipv4Addr::parse(s); }
Ipv6Addr ip6(const char* s) { return *Ipv6Addr::parse(s); }
const MacAddr kA = MacAddr::from_u64(1), kB = MacAddr::from_u64(2);
Bytes text(const char* s) { return Bytes(reinterpret_cast<const uint8_t*>(s), std::strlen(s)); }

// The same packets as scapy_packets.py, built by PacketBuilder.
using Rebuild = std::function<void(PacketBuilder&, const ParsedPacket&)>;
const std::map<std::string, Rebuild>& rebuilders() {
  static const std::map<std::string, Rebuild> m = {
      {"tcp_syn",
       [](PacketBuilder& b, const ParsedPacket&) {
         TcpOptions o;
         o.mss = 1460;
         o.sack_permitted = true;
         o.ts_val = 100;
         o.window_scale = 7;
         b.ethernet(kB, kA)
             .ipv4({.tos = 0x28,
                    .id = 7,
                    .dont_fragment = true,
                    .ttl = 63,
                    .src = ip4("10.0.0.1"),
                    .dst = ip4("10.0.0.2")})
             .tcp({.src_port = 40000,
                   .dst_port = 443,
                   .seq = 12345,
                   .flags = tcp_flag::kSyn,
                   .window = 29200,
                   .options = o});
       }},
      {"tcp_sack",
       [](PacketBuilder& b, const ParsedPacket&) {
         TcpOptions o;
         o.ts_val = 5;
         o.ts_ecr = 6;
         o.num_sack = 2;
         o.sack[0] = {1000, 2000};
         o.sack[1] = {3000, 4000};
         b.ethernet(kB, kA)
             .ipv4({.id = 8, .src = ip4("192.168.1.10"), .dst = ip4("192.168.1.20")})
             .tcp({.src_port = 443,
                   .dst_port = 40000,
                   .seq = 1,
                   .ack = 2,
                   .flags = tcp_flag::kPsh | tcp_flag::kAck,
                   .window = 501,
                   .options = o})
             .payload(text("data"));
       }},
      {"udp_vlan",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA)
             .vlan({.vid = 42, .pcp = 3})
             .ipv4({.id = 9, .src = ip4("10.1.1.1"), .dst = ip4("10.2.2.2")})
             .udp({.src_port = 1234, .dst_port = 5678})
             .payload(text("hello"));
       }},
      {"icmp_qinq",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA)
             .vlan({.vid = 5, .tpid = eth_type::kQinQ})
             .vlan({.vid = 6, .pcp = 1})
             .ipv4({.id = 10, .src = ip4("10.0.0.1"), .dst = ip4("10.0.0.2")})
             .icmp({.type = 8, .rest = 0x00420007})
             .payload(text("ping"));
       }},
      {"arp_reply",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA).arp(
             {.op = 2, .sha = kA, .spa = ip4("10.0.0.1"), .tha = kB, .tpa = ip4("10.0.0.2")});
       }},
      {"icmp_tos",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA)
             .ipv4({.tos = 0xb9, .id = 11, .ttl = 5, .src = ip4("172.16.0.1"), .dst = ip4("172.16.0.2")})
             .icmp({.type = 3, .code = 3})
             .payload(hex("45 00 00 1c"));
       }},
      {"ipv4_frag",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA)
             .ipv4({.id = 12, .more_fragments = true, .src = ip4("10.0.0.1"), .dst = ip4("10.0.0.2")})
             .udp({.src_port = 1, .dst_port = 2, .fill_checksum = false, .checksum = 0x1234})
             .payload(text("12345678"));
       }},
      {"ipv6_ext_udp",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA)
             .ipv6({.traffic_class = 0x20,
                    .flow_label = 0x12345,
                    .hop_limit = 32,
                    .src = ip6("2001:db8::1"),
                    .dst = ip6("2001:db8::1:0:0:2")})
             .ipv6_ext(ip_proto::kHopByHop, {})
             .ipv6_ext(ip_proto::kRouting, hex("00 00 00 00 00 00"))
             .ipv6_ext(ip_proto::kDestOpts, {})
             .udp({.src_port = 546, .dst_port = 547})
             .payload(text("x"));
       }},
      {"ipv6_frag_icmpv6",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA)
             .ipv6({.src = ip6("fe80::1"), .dst = ip6("ff02::1")})
             .ipv6_fragment(0, true, 0x1234)
             .icmpv6({.type = 128, .rest = 0x00010002})
             .payload(text("abcd"));
       }},
      {"icmpv6_echo",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet(kB, kA)
             .ipv6({.hop_limit = 255, .src = ip6("::1"), .dst = ip6("::1")})
             .icmpv6({.type = 128, .rest = 0x0009000a})
             .payload(text("hi"));
       }},
      {"snap_ipv4",
       [](PacketBuilder& b, const ParsedPacket&) {
         b.ethernet_8023(kB, kA)
             .snap()
             .ipv4({.id = 13, .src = ip4("10.0.0.1"), .dst = ip4("10.0.0.2")})
             .udp({.src_port = 7, .dst_port = 7});
       }},
      {"stp",
       [](PacketBuilder& b, const ParsedPacket& p) {
         b.ethernet_8023(mac("01:80:c2:00:00:00"), kA)
             .llc(0x42, 0x42, 3)
             .payload(p.find<LlcView>()->payload());
       }},
      {"dhcp_discover",
       [](PacketBuilder& b, const ParsedPacket&) {
         DhcpMessage m;
         m.xid = 0x3903f326;
         m.flags = 0x8000;
         m.chaddr = mac("00:0c:29:aa:bb:cc");
         m.options = {{dhcp_opt::kMessageType, {dhcp_msg::kDiscover}},
                      {dhcp_opt::kHostName, {'a', 'b', 'c'}},
                      {dhcp_opt::kParamRequestList, {1, 3, 6}}};
         b.ethernet(MacAddr::broadcast(), mac("00:0c:29:aa:bb:cc"))
             .ipv4({.id = 14, .src = Ipv4Addr{0}, .dst = Ipv4Addr{0xffffffff}})
             .udp({.src_port = 68, .dst_port = 67})
             .dhcp(m);
       }},
      {"dns_response",
       [](PacketBuilder& b, const ParsedPacket&) {
         DnsMessage m;
         m.id = 7;
         m.flags = 0x8180;  // QR RD RA
         m.questions = {{"www.example.com", dns_type::kA, 1}};
         DnsRecord cname{"www.example.com", dns_type::kCname, 1, 300, "example.com", {}};
         DnsRecord a{"example.com", dns_type::kA, 1, 300, "", {93, 184, 216, 34}};
         m.answers = {cname, a};
         b.ethernet(kB, kA)
             .ipv4({.id = 15, .src = ip4("10.0.0.53"), .dst = ip4("10.0.0.1")})
             .udp({.src_port = 53, .dst_port = 40000})
             .dns(m, /*compress=*/false);  // scapy does not compress
       }},
      {"lldp",
       [](PacketBuilder& b, const ParsedPacket&) {
         static const uint8_t chassis[6] = {0, 0, 0, 0, 0, 1};
         static const uint8_t mgmt[4] = {10, 0, 0, 1};
         Lldpdu d;
         d.chassis_id_subtype = lldp_subtype::kChassisMac;
         d.chassis_id = chassis;
         d.port_id_subtype = lldp_subtype::kPortIfName;
         d.port_id = text("eth1");
         d.ttl = 60;
         d.port_description = "uplink";
         d.system_name = "switch-a";
         d.system_description = "ofkit 0.1";
         d.capabilities = Lldpdu::Capabilities{0x14, 0x04};
         d.management_addresses.push_back({1, mgmt, 2, 3, {}});
         b.ethernet(MacAddr::from_bytes(kLldpMulticast), kA).lldp(d);
       }},
  };
  return m;
}

TEST(Scapy, EveryPacketFieldByFieldAndRebuiltByteForByte) {
  const auto packets = run_scapy();
  ASSERT_EQ(packets.size(), rebuilders().size()) << "scapy_packets.py produced too few packets";
  for (const ScapyPacket& sp : packets) {
    SCOPED_TRACE(sp.name);
    const ParsedPacket p = ParsedPacket::parse(sp.frame);
    EXPECT_TRUE(p.ok()) << p.describe();
    const Fields mine = our_fields(p);
    for (const auto& [key, want] : sp.fields) {
      auto it = mine.find(key);
      if (it == mine.end()) {
        ADD_FAILURE() << "no value for " << key << " (" << p.describe() << ")";
        continue;
      }
      EXPECT_EQ(it->second, want) << key;
    }
    uint8_t buf[2048];
    PacketBuilder b(buf);
    rebuilders().at(sp.name)(b, p);
    const size_t n = b.finish();
    EXPECT_EQ(to_hex(buf, n), to_hex(sp.frame)) << "rebuild differs";
  }
}

// The flow key of each scapy packet agrees with scapy's fields.
TEST(Scapy, FlowKeysAgreeWithScapyFields) {
  for (const ScapyPacket& sp : run_scapy()) {
    SCOPED_TRACE(sp.name);
    FlowKey k;
    ASSERT_EQ(extract_flow_key(sp.frame.data(), sp.frame.size(), 1, &k), KeyStatus::kOk);
    const Fields& f = sp.fields;
    EXPECT_EQ(k.dl_src.to_string(), f.at("eth.src"));
    if (f.count("vlan.vid")) {
      EXPECT_EQ(str(k.dl_vlan), f.at("vlan.vid"));
    } else {
      EXPECT_EQ(k.dl_vlan, 0xffff);
    }
    if (f.count("ip.src")) {
      EXPECT_EQ(Ipv4Addr{k.nw_src}.to_string(), f.at("ip.src"));
      EXPECT_EQ(str(k.nw_proto), f.at("ip.proto"));
      EXPECT_EQ(str(k.nw_tos), str(std::stoul(f.at("ip.tos")) & 0xfc));
    }
    if (f.count("arp.psrc")) {
      EXPECT_EQ(Ipv4Addr{k.nw_src}.to_string(), f.at("arp.psrc"));
    }
    if (f.count("tcp.sport")) {
      EXPECT_EQ(str(k.tp_src), f.at("tcp.sport"));
    }
    if (f.count("udp.dport") && !f.count("ipv6.src")) {
      EXPECT_EQ(str(k.tp_dst), f.at("udp.dport"));
    }
    if (f.count("icmp.type")) {
      EXPECT_EQ(str(k.tp_src), f.at("icmp.type"));
    }
    if (f.count("ipv6.src")) {
      EXPECT_EQ(k.dl_type, 0x86dd);
      EXPECT_EQ(k.nw_proto, 0);
    }
    if (sp.name == "stp") {
      EXPECT_EQ(k.dl_type, 0x05ff);
    }
    if (sp.name == "snap_ipv4") {
      EXPECT_EQ(k.dl_type, 0x0800);
    }
  }
}

}  // namespace
}  // namespace ofkit
