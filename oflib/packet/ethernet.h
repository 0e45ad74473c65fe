#pragma once
// Zero-copy views of the link layer: the MAC header (Ethernet II or 802.3),
// one 802.1Q/802.1ad tag, and 802.2 LLC with SNAP.
//
// A view is a span over the bytes from its header to the end of what was
// captured (or, where a length field says less, to that length). parse()
// checks that the fixed header is present; accessors never fail after that.

#include "oflib/common/byte_order.h"
#include "oflib/packet/addr.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

class EthernetView {
 public:
  static constexpr Layer kLayer = Layer::kEthernet;
  static constexpr size_t kHeaderLen = 14;
  static ParseResult<EthernetView> parse(Bytes b) {
    if (b.size() < kHeaderLen) return parse_fail(ParseError::kTruncated);
    return EthernetView(b);
  }
  MacAddr dst() const { return MacAddr::from_bytes(data_.data()); }
  MacAddr src() const { return MacAddr::from_bytes(data_.data() + 6); }
  uint16_t type_or_length() const { return load_be16(data_.data() + 12); }
  bool is_8023() const { return type_or_length() < eth_type::kMin; }
  size_t header_length() const { return kHeaderLen; }
  // For 802.3 frames the length field bounds the payload (trailing padding
  // is not payload); Ethernet II payload is everything after the header.
  Bytes payload() const {
    Bytes p = data_.subspan(kHeaderLen);
    if (is_8023() && type_or_length() < p.size()) p = p.first(type_or_length());
    return p;
  }
  Bytes bytes() const { return data_; }

 private:
  explicit EthernetView(Bytes b) : data_(b) {}
  Bytes data_;
};

// The 4 bytes after a VLAN TPID: TCI and the inner EtherType.
class VlanView {
 public:
  static constexpr Layer kLayer = Layer::kVlan;
  static constexpr size_t kHeaderLen = 4;
  static ParseResult<VlanView> parse(Bytes b) {
    if (b.size() < kHeaderLen) return parse_fail(ParseError::kTruncated);
    return VlanView(b);
  }
  uint16_t tci() const { return load_be16(data_.data()); }
  uint8_t pcp() const { return static_cast<uint8_t>(tci() >> 13); }
  bool dei() const { return (tci() >> 12) & 1; }
  uint16_t vid() const { return tci() & 0x0fff; }
  uint16_t inner_type() const { return load_be16(data_.data() + 2); }
  size_t header_length() const { return kHeaderLen; }
  Bytes payload() const { return data_.subspan(kHeaderLen); }
  Bytes bytes() const { return data_; }

 private:
  explicit VlanView(Bytes b) : data_(b) {}
  Bytes data_;
};

// 802.2 LLC (3 bytes for U-format control, 4 for I/S-format), followed by a
// 5-byte SNAP header when DSAP = SSAP = 0xaa and control = 0x03.
class LlcView {
 public:
  static constexpr Layer kLayer = Layer::kLlc;
  static ParseResult<LlcView> parse(Bytes b) {
    if (b.size() < 3) return parse_fail(ParseError::kTruncated);
    LlcView v(b);
    if (v.header_length() > b.size()) return parse_fail(ParseError::kTruncated);
    return v;
  }
  uint8_t dsap() const { return data_[0]; }
  uint8_t ssap() const { return data_[1]; }
  uint16_t control() const { return (data_[2] & 3) == 3 ? data_[2] : load_be16(data_.data() + 2); }
  bool is_snap() const { return data_[0] == 0xaa && data_[1] == 0xaa && data_[2] == 0x03; }
  uint32_t snap_oui() const { return uint32_t{data_[3]} << 16 | uint32_t{data_[4]} << 8 | data_[5]; }
  uint16_t snap_type() const { return load_be16(data_.data() + 6); }
  // SNAP with OUI 00-00-00 carrying an EtherType (RFC 1042 encapsulation).
  bool carries_ethertype() const { return is_snap() && snap_oui() == 0 && snap_type() >= eth_type::kMin; }
  size_t header_length() const { return is_snap() ? 8 : (data_[2] & 3) == 3 ? 3 : 4; }
  Bytes payload() const { return data_.subspan(header_length()); }
  Bytes bytes() const { return data_; }

 private:
  explicit LlcView(Bytes b) : data_(b) {}
  Bytes data_;
};

}  // namespace ofkit
