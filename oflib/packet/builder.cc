#include "oflib/packet/builder.h"

#include <cstring>

#include "oflib/common/byte_order.h"
#include "oflib/packet/checksum.h"

namespace ofkit {

uint8_t* PacketBuilder::grow(size_t n) {
  if (!ok_ || pos_ + n > buf_.size() || pos_ + n > 0xffff) {
    ok_ = false;
    return nullptr;
  }
  uint8_t* p = buf_.data() + pos_;
  std::memset(p, 0, n);
  pos_ += n;
  return p;
}

void PacketBuilder::record(Kind k, size_t offset, bool fill) {
  if (nrec_ == recs_.size()) {
    ok_ = false;
    return;
  }
  recs_[nrec_++] = Rec{k, static_cast<uint16_t>(offset), fill};
}

void PacketBuilder::link_ethertype(uint16_t type) {
  if (pending_ == Pending::kEtherType && ok_) store_be16(buf_.data() + pending_at_, type);
  pending_ = Pending::kNone;
}

void PacketBuilder::link_ipproto(uint8_t proto) {
  if (pending_ == Pending::kIpProto && ok_) buf_[pending_at_] = proto;
  pending_ = Pending::kNone;
}

PacketBuilder& PacketBuilder::ethernet(MacAddr dst, MacAddr src, uint16_t type) {
  const size_t at = pos_;
  uint8_t* p = grow(14);
  if (!p) return *this;
  std::memcpy(p, dst.bytes.data(), 6);
  std::memcpy(p + 6, src.bytes.data(), 6);
  store_be16(p + 12, type);
  pending_ = Pending::kNone;
  if (type == 0) arm(Pending::kEtherType, at + 12);
  return *this;
}

PacketBuilder& PacketBuilder::ethernet_8023(MacAddr dst, MacAddr src) {
  const size_t at = pos_;
  uint8_t* p = grow(14);
  if (!p) return *this;
  std::memcpy(p, dst.bytes.data(), 6);
  std::memcpy(p + 6, src.bytes.data(), 6);
  record(Kind::kEth8023, at);
  pending_ = Pending::kNone;
  return *this;
}

PacketBuilder& PacketBuilder::llc(uint8_t dsap, uint8_t ssap, uint8_t control) {
  uint8_t* p = grow(3);
  if (!p) return *this;
  p[0] = dsap;
  p[1] = ssap;
  p[2] = control;
  pending_ = Pending::kNone;
  return *this;
}

PacketBuilder& PacketBuilder::snap(uint32_t oui, uint16_t type) {
  const size_t at = pos_;
  uint8_t* p = grow(8);
  if (!p) return *this;
  p[0] = 0xaa;
  p[1] = 0xaa;
  p[2] = 0x03;
  p[3] = static_cast<uint8_t>(oui >> 16);
  p[4] = static_cast<uint8_t>(oui >> 8);
  p[5] = static_cast<uint8_t>(oui);
  store_be16(p + 6, type);
  pending_ = Pending::kNone;
  if (type == 0) arm(Pending::kEtherType, at + 6);
  return *this;
}

PacketBuilder& PacketBuilder::vlan(const VlanFields& v, uint16_t inner_type) {
  link_ethertype(v.tpid);
  const size_t at = pos_;
  uint8_t* p = grow(4);
  if (!p) return *this;
  store_be16(p, static_cast<uint16_t>(v.pcp << 13 | (v.dei ? 1 << 12 : 0) | (v.vid & 0x0fff)));
  store_be16(p + 2, inner_type);
  if (inner_type == 0) arm(Pending::kEtherType, at + 2);
  return *this;
}

PacketBuilder& PacketBuilder::arp(const ArpFields& a) {
  link_ethertype(eth_type::kArp);
  uint8_t* p = grow(28);
  if (!p) return *this;
  store_be16(p, 1);
  store_be16(p + 2, eth_type::kIpv4);
  p[4] = 6;
  p[5] = 4;
  store_be16(p + 6, a.op);
  std::memcpy(p + 8, a.sha.bytes.data(), 6);
  store_be32(p + 14, a.spa.value);
  std::memcpy(p + 18, a.tha.bytes.data(), 6);
  store_be32(p + 24, a.tpa.value);
  return *this;
}

PacketBuilder& PacketBuilder::ipv4(const Ipv4Fields& f) {
  link_ethertype(eth_type::kIpv4);
  const size_t opt_len = (f.options.size() + 3) / 4 * 4;
  if (opt_len > 40) {
    ok_ = false;
    return *this;
  }
  const size_t at = pos_;
  uint8_t* p = grow(20 + opt_len);
  if (!p) return *this;
  p[0] = static_cast<uint8_t>(0x40 | (20 + opt_len) / 4);
  p[1] = f.tos;
  store_be16(p + 4, f.id);
  store_be16(p + 6, static_cast<uint16_t>((f.dont_fragment ? 0x4000 : 0) | (f.more_fragments ? 0x2000 : 0) |
                                          (f.fragment_offset & 0x1fff)));
  p[8] = f.ttl;
  p[9] = f.protocol;
  store_be16(p + 10, f.checksum);
  store_be32(p + 12, f.src.value);
  store_be32(p + 16, f.dst.value);
  if (!f.options.empty()) std::memcpy(p + 20, f.options.data(), f.options.size());
  record(Kind::kIpv4, at, f.fill_checksum);
  if (f.protocol == 0) arm(Pending::kIpProto, at + 9);
  return *this;
}

PacketBuilder& PacketBuilder::ipv6(const Ipv6Fields& f) {
  link_ethertype(eth_type::kIpv6);
  const size_t at = pos_;
  uint8_t* p = grow(40);
  if (!p) return *this;
  store_be32(p, 6u << 28 | uint32_t{f.traffic_class} << 20 | (f.flow_label & 0xfffff));
  p[6] = f.next_header;
  p[7] = f.hop_limit;
  std::memcpy(p + 8, f.src.bytes.data(), 16);
  std::memcpy(p + 24, f.dst.bytes.data(), 16);
  record(Kind::kIpv6, at);
  if (f.next_header_auto && f.next_header == 0) arm(Pending::kIpProto, at + 6);
  return *this;
}

PacketBuilder& PacketBuilder::ipv6_ext(uint8_t type, Bytes body) {
  link_ipproto(type);
  const size_t len = (2 + body.size() + 7) / 8 * 8;
  if (len > 2048) {
    ok_ = false;
    return *this;
  }
  const size_t at = pos_;
  uint8_t* p = grow(len);
  if (!p) return *this;
  p[1] = static_cast<uint8_t>(len / 8 - 1);
  if (!body.empty()) std::memcpy(p + 2, body.data(), body.size());
  const size_t pad = len - 2 - body.size();
  if (pad == 1) {
    p[len - 1] = 0;  // Pad1
  } else if (pad >= 2) {
    p[2 + body.size()] = 1;  // PadN
    p[3 + body.size()] = static_cast<uint8_t>(pad - 2);
  }
  arm(Pending::kIpProto, at);
  return *this;
}

PacketBuilder& PacketBuilder::ipv6_fragment(uint16_t offset, bool more, uint32_t id) {
  link_ipproto(ip_proto::kFragment);
  const size_t at = pos_;
  uint8_t* p = grow(8);
  if (!p) return *this;
  store_be16(p + 2, static_cast<uint16_t>(offset << 3 | (more ? 1 : 0)));
  store_be32(p + 4, id);
  arm(Pending::kIpProto, at);
  return *this;
}

PacketBuilder& PacketBuilder::icmp_header(uint8_t proto, Kind kind, const IcmpFields& f) {
  link_ipproto(proto);
  const size_t at = pos_;
  uint8_t* p = grow(8);
  if (!p) return *this;
  p[0] = f.type;
  p[1] = f.code;
  store_be16(p + 2, f.checksum);
  store_be32(p + 4, f.rest);
  record(kind, at, f.fill_checksum);
  return *this;
}

PacketBuilder& PacketBuilder::icmp(const IcmpFields& f) {
  return icmp_header(ip_proto::kIcmp, Kind::kIcmp, f);
}

PacketBuilder& PacketBuilder::icmpv6(const IcmpFields& f) {
  return icmp_header(ip_proto::kIcmpv6, Kind::kIcmpv6, f);
}

PacketBuilder& PacketBuilder::tcp(const TcpFields& f) {
  link_ipproto(ip_proto::kTcp);
  uint8_t opts[40];
  const auto opt_len = write_tcp_options(f.options, MutableBytes(opts));
  if (!opt_len) {
    ok_ = false;
    return *this;
  }
  const size_t at = pos_;
  uint8_t* p = grow(20 + *opt_len);
  if (!p) return *this;
  store_be16(p, f.src_port);
  store_be16(p + 2, f.dst_port);
  store_be32(p + 4, f.seq);
  store_be32(p + 8, f.ack);
  store_be16(p + 12, static_cast<uint16_t>((20 + *opt_len) / 4 << 12 | (f.flags & 0x01ff)));
  store_be16(p + 14, f.window);
  store_be16(p + 16, f.checksum);
  store_be16(p + 18, f.urgent);
  if (*opt_len) std::memcpy(p + 20, opts, *opt_len);
  record(Kind::kTcp, at, f.fill_checksum);
  return *this;
}

PacketBuilder& PacketBuilder::udp(const UdpFields& f) {
  link_ipproto(ip_proto::kUdp);
  const size_t at = pos_;
  uint8_t* p = grow(8);
  if (!p) return *this;
  store_be16(p, f.src_port);
  store_be16(p + 2, f.dst_port);
  store_be16(p + 6, f.checksum);
  record(Kind::kUdp, at, f.fill_checksum);
  return *this;
}

PacketBuilder& PacketBuilder::dhcp(const DhcpMessage& m) {
  pending_ = Pending::kNone;
  if (!ok_) return *this;
  const size_t n = m.write(buf_.subspan(pos_));
  if (n == 0 || pos_ + n > 0xffff)
    ok_ = false;
  else
    pos_ += n;
  return *this;
}

PacketBuilder& PacketBuilder::dns(const DnsMessage& m, bool compress) {
  pending_ = Pending::kNone;
  if (!ok_) return *this;
  const size_t n = m.write(buf_.subspan(pos_), compress);
  if (n == 0 || pos_ + n > 0xffff)
    ok_ = false;
  else
    pos_ += n;
  return *this;
}

PacketBuilder& PacketBuilder::lldp(const Lldpdu& d) {
  link_ethertype(eth_type::kLldp);
  if (!ok_) return *this;
  const size_t n = d.write(buf_.subspan(pos_));
  if (n == 0 || pos_ + n > 0xffff)
    ok_ = false;
  else
    pos_ += n;
  return *this;
}

PacketBuilder& PacketBuilder::payload(Bytes data) {
  pending_ = Pending::kNone;
  uint8_t* p = grow(data.size());
  if (p && !data.empty()) std::memcpy(p, data.data(), data.size());
  return *this;
}

PacketBuilder& PacketBuilder::zeros(size_t n) {
  pending_ = Pending::kNone;
  grow(n);
  return *this;
}

const PacketBuilder::Rec* PacketBuilder::enclosing_ip(size_t before) const {
  for (size_t i = before; i-- > 0;)
    if (recs_[i].kind == Kind::kIpv4 || recs_[i].kind == Kind::kIpv6) return &recs_[i];
  return nullptr;
}

size_t PacketBuilder::finish(size_t min_frame_len) {
  if (!ok_) return 0;
  uint8_t* const b = buf_.data();
  // Innermost first: L4 checksums before the IP header that precedes them
  // (the IPv4 header checksum does not cover the payload, so order between
  // them is only about lengths, which depend on pos_ alone).
  for (size_t i = nrec_; i-- > 0;) {
    const Rec& r = recs_[i];
    uint8_t* p = b + r.offset;
    const size_t len = pos_ - r.offset;
    const Rec* ip = enclosing_ip(i);
    auto l4_sum = [&](uint8_t proto) -> uint32_t {
      if (!ip) return 0;
      const uint8_t* h = b + ip->offset;
      if (ip->kind == Kind::kIpv4)
        return ipv4_pseudo_sum(load_be32(h + 12), load_be32(h + 16), proto, static_cast<uint16_t>(len));
      return ipv6_pseudo_sum(h + 8, h + 24, static_cast<uint32_t>(len), proto);
    };
    switch (r.kind) {
      case Kind::kEth8023:
        store_be16(p + 12, static_cast<uint16_t>(len - 14));
        break;
      case Kind::kIpv4:
        store_be16(p + 2, static_cast<uint16_t>(len));
        if (r.fill_checksum) store_be16(p + 10, ipv4_header_checksum(p, size_t{p[0] & 0x0fu} * 4));
        break;
      case Kind::kIpv6:
        store_be16(p + 4, static_cast<uint16_t>(len - 40));
        break;
      case Kind::kTcp:
        if (r.fill_checksum) store_be16(p + 16, l4_checksum(l4_sum(ip_proto::kTcp), p, len, 16));
        break;
      case Kind::kUdp:
        store_be16(p + 4, static_cast<uint16_t>(len));
        if (r.fill_checksum) {
          const uint16_t c = l4_checksum(l4_sum(ip_proto::kUdp), p, len, 6);
          store_be16(p + 6, c == 0 ? 0xffff : c);
        }
        break;
      case Kind::kIcmp:
        if (r.fill_checksum) store_be16(p + 2, l4_checksum(0, p, len, 2));
        break;
      case Kind::kIcmpv6:
        if (r.fill_checksum) store_be16(p + 2, l4_checksum(l4_sum(ip_proto::kIcmpv6), p, len, 2));
        break;
      case Kind::kOther:
        break;
    }
  }
  if (pos_ < min_frame_len) {
    if (min_frame_len > buf_.size()) return 0;
    std::memset(b + pos_, 0, min_frame_len - pos_);
    pos_ = min_frame_len;
  }
  return pos_;
}

}  // namespace ofkit
