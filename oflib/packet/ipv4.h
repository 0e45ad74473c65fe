#pragma once
// IPv4 (RFC 791) view with options and fragments.
//
// parse() requires version 4, IHL >= 5, the whole header (options included)
// captured, total length >= header length, and well-formed options. A total
// length beyond the capture is allowed (short capture): payload() is then
// what was captured and truncated() is true. Trailing Ethernet padding past
// the total length is not payload.

#include <optional>

#include "oflib/common/byte_order.h"
#include "oflib/packet/addr.h"
#include "oflib/packet/checksum.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

namespace ipv4_opt {
inline constexpr uint8_t kEnd = 0;
inline constexpr uint8_t kNop = 1;
inline constexpr uint8_t kRecordRoute = 7;
inline constexpr uint8_t kTimestamp = 68;
inline constexpr uint8_t kRouterAlert = 148;
}  // namespace ipv4_opt

// One IPv4 option: type and its data (without the type/length bytes).
struct Ipv4Option {
  uint8_t type = 0;
  Bytes data;
};

class Ipv4View {
 public:
  static constexpr Layer kLayer = Layer::kIpv4;
  static constexpr size_t kMinHeaderLen = 20;
  static ParseResult<Ipv4View> parse(Bytes b);

  uint8_t version() const { return data_[0] >> 4; }
  size_t header_length() const { return size_t{data_[0] & 0x0fu} * 4; }
  uint8_t tos() const { return data_[1]; }
  uint8_t dscp() const { return data_[1] >> 2; }
  uint8_t ecn() const { return data_[1] & 3; }
  uint16_t total_length() const { return load_be16(data_.data() + 2); }
  uint16_t id() const { return load_be16(data_.data() + 4); }
  bool dont_fragment() const { return data_[6] & 0x40; }
  bool more_fragments() const { return data_[6] & 0x20; }
  uint16_t fragment_offset() const { return load_be16(data_.data() + 6) & 0x1fff; }  // 8-byte units
  bool is_fragment() const { return more_fragments() || fragment_offset() != 0; }
  bool is_later_fragment() const { return fragment_offset() != 0; }
  uint8_t ttl() const { return data_[8]; }
  uint8_t protocol() const { return data_[9]; }
  uint16_t checksum() const { return load_be16(data_.data() + 10); }
  bool checksum_ok() const { return ipv4_header_checksum_ok(data_.data(), header_length()); }
  Ipv4Addr src() const { return Ipv4Addr{load_be32(data_.data() + 12)}; }
  Ipv4Addr dst() const { return Ipv4Addr{load_be32(data_.data() + 16)}; }
  Bytes options() const { return data_.subspan(20, header_length() - 20); }
  // The option of `type` if present (options were validated by parse()).
  std::optional<Ipv4Option> find_option(uint8_t type) const;
  // Calls fn(const Ipv4Option&) for each option except NOP/END.
  template <typename Fn>
  void for_each_option(Fn&& fn) const {
    Bytes o = options();
    for (size_t i = 0; i < o.size();) {
      if (o[i] == ipv4_opt::kEnd) break;
      if (o[i] == ipv4_opt::kNop) {
        ++i;
        continue;
      }
      fn(Ipv4Option{o[i], o.subspan(i + 2, o[i + 1] - 2)});
      i += o[i + 1];
    }
  }
  bool truncated() const { return total_length() > data_.size(); }
  Bytes payload() const {
    const size_t end = total_length() < data_.size() ? total_length() : data_.size();
    return data_.subspan(header_length(), end - header_length());
  }
  Bytes bytes() const { return data_; }

 private:
  explicit Ipv4View(Bytes b) : data_(b) {}
  Bytes data_;
};

}  // namespace ofkit
