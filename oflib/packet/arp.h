#pragma once
// ARP (RFC 826) view. Any hardware/protocol address sizes parse; the
// Ethernet/IPv4 accessors read only when is_ethernet_ipv4().

#include "oflib/common/byte_order.h"
#include "oflib/packet/addr.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

namespace arp_op {
inline constexpr uint16_t kRequest = 1;
inline constexpr uint16_t kReply = 2;
}  // namespace arp_op

class ArpView {
 public:
  static constexpr Layer kLayer = Layer::kArp;
  static ParseResult<ArpView> parse(Bytes b) {
    if (b.size() < 8) return parse_fail(ParseError::kTruncated);
    ArpView v(b);
    if (b[4] == 0 || b[5] == 0) return parse_fail(ParseError::kBadFormat);
    if (b.size() < v.header_length()) return parse_fail(ParseError::kTruncated);
    return v;
  }
  uint16_t htype() const { return load_be16(data_.data()); }
  uint16_t ptype() const { return load_be16(data_.data() + 2); }
  uint8_t hlen() const { return data_[4]; }
  uint8_t plen() const { return data_[5]; }
  uint16_t op() const { return load_be16(data_.data() + 6); }
  Bytes sha() const { return data_.subspan(8, hlen()); }
  Bytes spa() const { return data_.subspan(8 + hlen(), plen()); }
  Bytes tha() const { return data_.subspan(8 + hlen() + plen(), hlen()); }
  Bytes tpa() const { return data_.subspan(8 + 2 * hlen() + plen(), plen()); }
  bool is_ethernet_ipv4() const {
    return htype() == 1 && ptype() == eth_type::kIpv4 && hlen() == 6 && plen() == 4;
  }
  // Zero unless is_ethernet_ipv4().
  MacAddr sender_mac() const { return is_ethernet_ipv4() ? MacAddr::from_bytes(sha().data()) : MacAddr{}; }
  Ipv4Addr sender_ip() const { return Ipv4Addr{is_ethernet_ipv4() ? load_be32(spa().data()) : 0}; }
  MacAddr target_mac() const { return is_ethernet_ipv4() ? MacAddr::from_bytes(tha().data()) : MacAddr{}; }
  Ipv4Addr target_ip() const { return Ipv4Addr{is_ethernet_ipv4() ? load_be32(tpa().data()) : 0}; }
  size_t header_length() const { return 8 + 2 * size_t{hlen()} + 2 * size_t{plen()}; }
  Bytes payload() const { return data_.subspan(header_length()); }  // Ethernet padding
  Bytes bytes() const { return data_; }

 private:
  explicit ArpView(Bytes b) : data_(b) {}
  Bytes data_;
};

}  // namespace ofkit
