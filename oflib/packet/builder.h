#pragma once
// PacketBuilder: writes a frame layer by layer into the caller's buffer and,
// in finish(), fills in what depends on what follows: EtherType / IP
// protocol / next-header fields left "auto" (0 / kAuto), the 802.3 length,
// IPv4 total length and header checksum, IPv6 payload length, UDP length, and
// the TCP/UDP/ICMP/ICMPv6 checksums (with the IPv4 or IPv6 pseudo-header of
// the nearest IP layer). No allocation.
//
//   uint8_t buf[1514];
//   PacketBuilder b(buf);
//   b.ethernet(dst, src).ipv4({.src = a, .dst = c}).udp({.src_port = 68, .dst_port = 67}).payload(data);
//   size_t n = b.finish();   // 0 if the buffer was too small or a layer invalid
//
// Fields given explicitly (a non-auto EtherType, a checksum with
// fill_checksum = false) are written as given, so golden frames can be rebuilt
// byte for byte, including deliberately wrong ones.

#include <array>
#include <cstdint>

#include "oflib/packet/addr.h"
#include "oflib/packet/dhcp.h"
#include "oflib/packet/dns.h"
#include "oflib/packet/lldp.h"
#include "oflib/packet/protocols.h"
#include "oflib/packet/tcp.h"

namespace ofkit {

struct VlanFields {
  uint16_t vid = 0;
  uint8_t pcp = 0;
  bool dei = false;
  uint16_t tpid = eth_type::kVlan;  // the TPID written in the layer before the tag
};

struct ArpFields {
  uint16_t op = 1;
  MacAddr sha{};
  Ipv4Addr spa{};
  MacAddr tha{};
  Ipv4Addr tpa{};
};

struct Ipv4Fields {
  uint8_t tos = 0;
  uint16_t id = 0;
  bool dont_fragment = false;
  bool more_fragments = false;
  uint16_t fragment_offset = 0;  // 8-byte units
  uint8_t ttl = 64;
  uint8_t protocol = 0;  // 0: from the next layer
  Ipv4Addr src{}, dst{};
  Bytes options{};  // raw, padded with END (0) to a multiple of 4
  bool fill_checksum = true;
  uint16_t checksum = 0;  // used when !fill_checksum
};

struct Ipv6Fields {
  uint8_t traffic_class = 0;
  uint32_t flow_label = 0;
  uint8_t next_header = 0;  // 0 with no explicit value: from the next layer (hop-by-hop must be given)
  bool next_header_auto = true;
  uint8_t hop_limit = 64;
  Ipv6Addr src{}, dst{};
};

struct TcpFields {
  uint16_t src_port = 0, dst_port = 0;
  uint32_t seq = 0, ack = 0;
  uint16_t flags = 0;  // tcp_flag::k*
  uint16_t window = 65535;
  uint16_t urgent = 0;
  TcpOptions options{};
  bool fill_checksum = true;
  uint16_t checksum = 0;
};

struct UdpFields {
  uint16_t src_port = 0, dst_port = 0;
  bool fill_checksum = true;  // false: checksum field as given (0 = none over IPv4)
  uint16_t checksum = 0;
};

struct IcmpFields {
  uint8_t type = 8, code = 0;
  uint32_t rest = 0;  // echo: id << 16 | seq
  bool fill_checksum = true;
  uint16_t checksum = 0;
};

class PacketBuilder {
 public:
  explicit PacketBuilder(MutableBytes buf) : buf_(buf) {}

  // Ethernet II; type 0 = from the next layer.
  PacketBuilder& ethernet(MacAddr dst, MacAddr src, uint16_t type = 0);
  // 802.3 MAC header (length filled in) followed by LLC.
  PacketBuilder& ethernet_8023(MacAddr dst, MacAddr src);
  PacketBuilder& llc(uint8_t dsap, uint8_t ssap, uint8_t control);
  // LLC aa-aa-03 + SNAP; type 0 = from the next layer.
  PacketBuilder& snap(uint32_t oui = 0, uint16_t type = 0);
  // A tag: its TPID goes into the previous layer's type field; inner type 0 = auto.
  PacketBuilder& vlan(const VlanFields& v, uint16_t inner_type = 0);
  PacketBuilder& arp(const ArpFields& a);
  PacketBuilder& ipv4(const Ipv4Fields& f);
  PacketBuilder& ipv6(const Ipv6Fields& f);
  // Hop-by-hop (0), routing (43) or destination options (60) with the given
  // body (after the next-header/length bytes); padded with PadN to 8n bytes.
  PacketBuilder& ipv6_ext(uint8_t type, Bytes body);
  PacketBuilder& ipv6_fragment(uint16_t offset, bool more, uint32_t id);
  PacketBuilder& icmp(const IcmpFields& f);
  PacketBuilder& icmpv6(const IcmpFields& f);
  PacketBuilder& tcp(const TcpFields& f);
  PacketBuilder& udp(const UdpFields& f);
  PacketBuilder& dhcp(const DhcpMessage& m);
  PacketBuilder& dns(const DnsMessage& m, bool compress = true);
  PacketBuilder& lldp(const Lldpdu& d);
  PacketBuilder& payload(Bytes data);
  PacketBuilder& zeros(size_t n);  // e.g. Ethernet padding

  // Fixes lengths and checksums; returns the frame length, or 0 on error.
  // With min_frame_len (e.g. 60, the Ethernet minimum without FCS) the frame
  // is then zero-padded to that length; the padding is not counted in any
  // IP/UDP length or checksum (zeros() before finish() would be).
  size_t finish(size_t min_frame_len = 0);
  bool ok() const { return ok_; }
  size_t size() const { return pos_; }

 private:
  enum class Kind : uint8_t { kEth8023, kIpv4, kIpv6, kTcp, kUdp, kIcmp, kIcmpv6, kOther };
  struct Rec {
    Kind kind;
    uint16_t offset;
    bool fill_checksum;
  };
  enum class Pending : uint8_t { kNone, kEtherType, kIpProto };

  uint8_t* grow(size_t n);
  void record(Kind k, size_t offset, bool fill = true);
  // ICMP and ICMPv6 share the 8-byte header layout; only the protocol differs.
  PacketBuilder& icmp_header(uint8_t proto, Kind kind, const IcmpFields& f);
  // Sets the previous layer's auto type field, then arms this layer's.
  void link_ethertype(uint16_t type);
  void link_ipproto(uint8_t proto);
  void arm(Pending kind, size_t field_offset) {
    pending_ = kind;
    pending_at_ = field_offset;
  }
  const Rec* enclosing_ip(size_t before) const;

  MutableBytes buf_;
  size_t pos_ = 0;
  bool ok_ = true;
  std::array<Rec, 16> recs_{};
  size_t nrec_ = 0;
  Pending pending_ = Pending::kNone;
  size_t pending_at_ = 0;
};

}  // namespace ofkit
