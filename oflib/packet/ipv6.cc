#include "oflib/packet/ipv6.h"

namespace ofkit {

ParseResult<Ipv6ExtView> Ipv6ExtView::parse(Bytes b, uint8_t type) {
  if (b.size() < 2) return parse_fail(ParseError::kTruncated);
  if (type == ip_proto::kAh && b[1] < 1) return parse_fail(ParseError::kBadHeaderLength);
  if (b.size() < header_length(type, b[1])) return parse_fail(ParseError::kTruncated);
  return Ipv6ExtView(b, type);
}

Ipv6Walk walk_ipv6_extensions(const Ipv6View& ip) {
  Ipv6Walk w;
  const Bytes all = ip.bytes().first(Ipv6View::kHeaderLen + ip.payload().size());
  uint8_t nh = ip.next_header();
  size_t off = Ipv6View::kHeaderLen;
  while (is_ipv6_extension(nh)) {
    if (w.num_ext == Ipv6Walk::kMaxExt) {
      w.ok = false;
      w.error = ParseError::kTooManyHeaders;
      break;
    }
    // RFC 8200 4.1: hop-by-hop only directly after the IPv6 header.
    if (nh == ip_proto::kHopByHop && off != Ipv6View::kHeaderLen) {
      w.ok = false;
      w.error = ParseError::kBadFormat;
      break;
    }
    auto e = Ipv6ExtView::parse(all.subspan(off), nh);
    if (!e) {
      w.ok = false;
      w.error = e.error();
      break;
    }
    const size_t len = e->header_length();
    w.ext[w.num_ext++] = {nh, static_cast<uint16_t>(off), static_cast<uint16_t>(len)};
    if (nh == ip_proto::kFragment) {
      w.is_fragment = true;
      if (e->fragment_offset() != 0) w.is_later_fragment = true;
    }
    off += len;
    nh = e->next_header();
    if (w.is_later_fragment) break;
  }
  w.upper_protocol = nh;
  w.upper_offset = static_cast<uint16_t>(off);
  return w;
}

}  // namespace ofkit
