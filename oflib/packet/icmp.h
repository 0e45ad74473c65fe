#pragma once
// ICMP (RFC 792) and ICMPv6 (RFC 4443) views: type, code, checksum and the
// 4-byte rest-of-header (echo id/sequence, unreachable MTU, ...).

#include "oflib/common/byte_order.h"
#include "oflib/packet/checksum.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

namespace icmp_type {
inline constexpr uint8_t kEchoReply = 0;
inline constexpr uint8_t kDestUnreachable = 3;
inline constexpr uint8_t kEchoRequest = 8;
inline constexpr uint8_t kTimeExceeded = 11;
}  // namespace icmp_type

namespace icmpv6_type {
inline constexpr uint8_t kDestUnreachable = 1;
inline constexpr uint8_t kPacketTooBig = 2;
inline constexpr uint8_t kEchoRequest = 128;
inline constexpr uint8_t kEchoReply = 129;
inline constexpr uint8_t kRouterSolicit = 133;
inline constexpr uint8_t kRouterAdvert = 134;
inline constexpr uint8_t kNeighborSolicit = 135;
inline constexpr uint8_t kNeighborAdvert = 136;
}  // namespace icmpv6_type

template <Layer L>
class IcmpViewT {
 public:
  static constexpr Layer kLayer = L;
  static constexpr size_t kHeaderLen = 8;
  static ParseResult<IcmpViewT> parse(Bytes b) {
    if (b.size() < kHeaderLen) return parse_fail(ParseError::kTruncated);
    return IcmpViewT(b);
  }
  uint8_t type() const { return data_[0]; }
  uint8_t code() const { return data_[1]; }
  uint16_t checksum() const { return load_be16(data_.data() + 2); }
  uint32_t rest() const { return load_be32(data_.data() + 4); }
  uint16_t echo_id() const { return load_be16(data_.data() + 4); }
  uint16_t echo_seq() const { return load_be16(data_.data() + 6); }
  size_t header_length() const { return kHeaderLen; }
  Bytes payload() const { return data_.subspan(kHeaderLen); }
  Bytes bytes() const { return data_; }

 private:
  explicit IcmpViewT(Bytes b) : data_(b) {}
  Bytes data_;
};

using IcmpView = IcmpViewT<Layer::kIcmp>;      // check: icmp_checksum(bytes) == checksum()
using Icmpv6View = IcmpViewT<Layer::kIcmpv6>;  // check: icmpv6_checksum(src, dst, bytes)

}  // namespace ofkit
