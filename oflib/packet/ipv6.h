#pragma once
// IPv6 (RFC 8200) view and the extension-header walk to the upper layer.
//
// parse() requires version 6 and the 40-byte header; payload() is clipped to
// the payload length (Ethernet padding is not payload). walk_ipv6_extensions()
// follows hop-by-hop (0), routing (43), fragment (44), destination options
// (60) and AH (51) headers to the upper-layer protocol. It stops at ESP (50:
// encrypted), No Next Header (59), any other protocol, or a non-first fragment
// (whose payload has no upper-layer header). It walks at most kMaxExt headers.

#include <array>

#include "oflib/common/byte_order.h"
#include "oflib/packet/addr.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

class Ipv6View {
 public:
  static constexpr Layer kLayer = Layer::kIpv6;
  static constexpr size_t kHeaderLen = 40;
  static ParseResult<Ipv6View> parse(Bytes b) {
    if (b.size() < kHeaderLen) return parse_fail(ParseError::kTruncated);
    if ((b[0] >> 4) != 6) return parse_fail(ParseError::kBadVersion);
    return Ipv6View(b);
  }
  uint8_t version() const { return data_[0] >> 4; }
  uint8_t traffic_class() const { return static_cast<uint8_t>(load_be16(data_.data()) >> 4); }
  uint32_t flow_label() const { return load_be32(data_.data()) & 0xfffff; }
  uint16_t payload_length() const { return load_be16(data_.data() + 4); }
  uint8_t next_header() const { return data_[6]; }
  uint8_t hop_limit() const { return data_[7]; }
  Ipv6Addr src() const { return Ipv6Addr::from_bytes(data_.data() + 8); }
  Ipv6Addr dst() const { return Ipv6Addr::from_bytes(data_.data() + 24); }
  const uint8_t* src_bytes() const { return data_.data() + 8; }
  const uint8_t* dst_bytes() const { return data_.data() + 24; }
  size_t header_length() const { return kHeaderLen; }
  bool truncated() const { return kHeaderLen + payload_length() > data_.size(); }
  Bytes payload() const {
    const size_t avail = data_.size() - kHeaderLen;
    return data_.subspan(kHeaderLen, payload_length() < avail ? payload_length() : avail);
  }
  Bytes bytes() const { return data_; }

 private:
  explicit Ipv6View(Bytes b) : data_(b) {}
  Bytes data_;
};

// True for the extension headers the walk follows.
constexpr bool is_ipv6_extension(uint8_t nh) {
  return nh == ip_proto::kHopByHop || nh == ip_proto::kRouting || nh == ip_proto::kFragment ||
         nh == ip_proto::kDestOpts || nh == ip_proto::kAh;
}

// One extension header. Its own type is named by the header before it, so
// parse() takes it.
class Ipv6ExtView {
 public:
  static constexpr Layer kLayer = Layer::kIpv6Ext;
  static ParseResult<Ipv6ExtView> parse(Bytes b, uint8_t type);
  uint8_t type() const { return type_; }
  uint8_t next_header() const { return data_[0]; }
  size_t header_length() const { return header_length(type_, data_[1]); }
  Bytes body() const { return data_.subspan(2, header_length() - 2); }
  // Fragment header (44).
  uint16_t fragment_offset() const { return load_be16(data_.data() + 2) >> 3; }  // 8-byte units
  bool more_fragments() const { return data_[3] & 1; }
  uint32_t fragment_id() const { return load_be32(data_.data() + 4); }
  // Routing header (43).
  uint8_t routing_type() const { return data_[2]; }
  uint8_t segments_left() const { return data_[3]; }
  Bytes payload() const { return data_.subspan(header_length()); }
  Bytes bytes() const { return data_; }

  static size_t header_length(uint8_t type, uint8_t len_field) {
    if (type == ip_proto::kFragment) return 8;
    if (type == ip_proto::kAh) return (size_t{len_field} + 2) * 4;
    return (size_t{len_field} + 1) * 8;
  }

 private:
  Ipv6ExtView(Bytes b, uint8_t type) : data_(b), type_(type) {}
  Bytes data_;
  uint8_t type_;
};

struct Ipv6Walk {
  static constexpr size_t kMaxExt = 8;
  struct Ext {
    uint8_t type;
    uint16_t offset;  // from the start of the IPv6 header
    uint16_t length;
  };
  std::array<Ext, kMaxExt> ext{};
  uint8_t num_ext = 0;
  uint8_t upper_protocol = ip_proto::kNoNext;  // protocol after the last extension header
  uint16_t upper_offset = 40;                  // where it starts, from the IPv6 header
  bool is_fragment = false;
  bool is_later_fragment = false;  // offset != 0: no upper-layer header follows
  bool ok = true;                  // false: walk stopped at ext[num_ext] because of `error`
  ParseError error = ParseError::kTruncated;
};

// Walks the extension headers of a parsed IPv6 packet (within its payload).
Ipv6Walk walk_ipv6_extensions(const Ipv6View& ip);

}  // namespace ofkit
