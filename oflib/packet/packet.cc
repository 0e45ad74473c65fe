#include "oflib/packet/packet.h"

namespace ofkit {

const LayerRef* ParsedPacket::find_ref(Layer l) const {
  for (size_t i = 0; i < n_; ++i)
    if (layers_[i].layer == l) return &layers_[i];
  return nullptr;
}

Layer ParsedPacket::top() const {
  for (size_t i = n_; i-- > 0;)
    if (layers_[i].layer != Layer::kPayload) return layers_[i].layer;
  return Layer::kNone;
}

void ParsedPacket::push(Layer l, size_t offset, size_t length, uint8_t kind) {
  if (n_ == kMaxLayers) {
    if (ok()) fail(l, ParseError::kTooManyHeaders);
    return;
  }
  layers_[n_++] = LayerRef{l, kind, static_cast<uint16_t>(offset), static_cast<uint16_t>(length)};
}

std::string ParsedPacket::describe() const {
  std::string s;
  for (size_t i = 0; i < n_; ++i) {
    if (i) s += '/';
    s += to_string(layers_[i].layer);
  }
  if (!ok()) {
    s += " (";
    s += to_string(error_layer_);
    s += ": ";
    s += to_string(error_);
    s += ')';
  }
  return s;
}

ParsedPacket ParsedPacket::parse(Bytes frame) {
  ParsedPacket p;
  // Offsets are 16-bit: frames beyond 64 KiB are parsed over their first 64 KiB.
  if (frame.size() > 0xffff) frame = frame.first(0xffff);
  p.frame_ = frame;
  auto eth = EthernetView::parse(frame);
  if (!eth) {
    p.fail(Layer::kEthernet, eth.error());
    return p;
  }
  const Bytes body = eth->payload();
  p.push(Layer::kEthernet, 0, 14 + body.size());
  p.payload_offset_ = 14;
  if (eth->is_8023()) {
    auto llc = LlcView::parse(body);
    if (!llc) {
      p.fail(Layer::kLlc, llc.error());
      return p;
    }
    p.push(Layer::kLlc, 14, body.size());
    p.payload_offset_ = 14 + llc->header_length();
    if (llc->carries_ethertype()) p.parse_ethertype(llc->snap_type(), 14 + 8, llc->payload(), 0);
    return p;
  }
  p.parse_ethertype(eth->type_or_length(), 14, body, 0);
  return p;
}

// `b` is the bytes of the layer named by `type`, starting at frame offset `off`.
void ParsedPacket::parse_ethertype(uint16_t type, size_t off, Bytes b, int depth) {
  payload_offset_ = off;
  if (eth_type::is_vlan_tpid(type)) {
    if (depth >= 4) return fail(Layer::kVlan, ParseError::kTooManyHeaders);
    auto v = VlanView::parse(b);
    if (!v) return fail(Layer::kVlan, v.error());
    push(Layer::kVlan, off, b.size(), depth ? 1 : 0);
    return parse_ethertype(v->inner_type(), off + 4, v->payload(), depth + 1);
  }
  switch (type) {
    case eth_type::kArp: {
      auto a = ArpView::parse(b);
      if (!a) return fail(Layer::kArp, a.error());
      push(Layer::kArp, off, b.size());
      payload_offset_ = off + a->header_length();  // what follows is Ethernet padding
      return;
    }
    case eth_type::kIpv4: {
      auto ip = Ipv4View::parse(b);
      if (!ip) return fail(Layer::kIpv4, ip.error());
      const size_t extent = ip->header_length() + ip->payload().size();
      push(Layer::kIpv4, off, extent);
      return parse_ip_upper(ip->protocol(), off + ip->header_length(), ip->payload(),
                            ip->is_later_fragment());
    }
    case eth_type::kIpv6: {
      auto ip = Ipv6View::parse(b);
      if (!ip) return fail(Layer::kIpv6, ip.error());
      const size_t extent = 40 + ip->payload().size();
      push(Layer::kIpv6, off, extent);
      const Ipv6Walk w = walk_ipv6_extensions(*ip);
      for (size_t i = 0; i < w.num_ext; ++i)
        push(Layer::kIpv6Ext, off + w.ext[i].offset, extent - w.ext[i].offset, w.ext[i].type);
      if (!w.ok) return fail(Layer::kIpv6Ext, w.error);
      return parse_ip_upper(w.upper_protocol, off + w.upper_offset,
                            b.subspan(w.upper_offset, extent - w.upper_offset), w.is_later_fragment);
    }
    case eth_type::kLldp: {
      auto l = Lldpdu::parse(b);
      if (!l) return fail(Layer::kLldp, l.error());
      push(Layer::kLldp, off, b.size());
      payload_offset_ = off + b.size();
      return;
    }
    default:
      if (!b.empty()) push(Layer::kPayload, off, b.size());
      return;
  }
}

void ParsedPacket::parse_ip_upper(uint8_t proto, size_t off, Bytes b, bool later_fragment) {
  payload_offset_ = off;
  if (later_fragment) {
    if (!b.empty()) push(Layer::kPayload, off, b.size());
    return;
  }
  switch (proto) {
    case ip_proto::kIcmp:
    case ip_proto::kIcmpv6: {
      const Layer l = proto == ip_proto::kIcmp ? Layer::kIcmp : Layer::kIcmpv6;
      if (b.size() < 8) return fail(l, ParseError::kTruncated);
      push(l, off, b.size());
      payload_offset_ = off + 8;
      break;
    }
    case ip_proto::kTcp: {
      auto t = TcpView::parse(b);
      if (!t) return fail(Layer::kTcp, t.error());
      push(Layer::kTcp, off, b.size());
      payload_offset_ = off + t->header_length();
      break;
    }
    case ip_proto::kUdp: {
      auto u = UdpView::parse(b);
      if (!u) return fail(Layer::kUdp, u.error());
      push(Layer::kUdp, off, 8 + u->payload().size());
      payload_offset_ = off + 8;
      parse_udp_app(*u, off + 8);
      break;
    }
    default:
      break;
  }
  if (ok() && payload_offset_ < off + b.size())
    push(Layer::kPayload, payload_offset_, off + b.size() - payload_offset_);
}

void ParsedPacket::parse_udp_app(const UdpView& udp, size_t off) {
  const Bytes b = udp.payload();
  const auto port_is = [&](uint16_t a, uint16_t c) {
    return udp.src_port() == a || udp.dst_port() == a || udp.src_port() == c || udp.dst_port() == c;
  };
  if (port_is(kDhcpServerPort, kDhcpClientPort)) {
    auto d = DhcpView::parse(b);
    if (!d) return fail(Layer::kDhcp, d.error());
    push(Layer::kDhcp, off, b.size());
    payload_offset_ = off + b.size();
  } else if (port_is(kDnsPort, kMdnsPort)) {
    auto d = DnsMessage::parse(b);
    if (!d) return fail(Layer::kDns, d.error());
    push(Layer::kDns, off, b.size());
    payload_offset_ = off + b.size();
  }
}

}  // namespace ofkit
