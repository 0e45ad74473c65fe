#pragma once
// DHCP (RFC 2131) message view and options (RFC 2132), plus a value form for
// building. DHCP rides on UDP ports 67/68.
//
// parse() requires the 236-byte BOOTP header, the magic cookie 99.130.83.99,
// and options whose lengths stay inside the message (pad 0 and end 255 are
// single bytes; anything after end is ignored).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "oflib/common/byte_order.h"
#include "oflib/packet/addr.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

namespace dhcp_opt {
inline constexpr uint8_t kPad = 0;
inline constexpr uint8_t kSubnetMask = 1;
inline constexpr uint8_t kRouter = 3;
inline constexpr uint8_t kDnsServer = 6;
inline constexpr uint8_t kHostName = 12;
inline constexpr uint8_t kDomainName = 15;
inline constexpr uint8_t kRequestedIp = 50;
inline constexpr uint8_t kLeaseTime = 51;
inline constexpr uint8_t kMessageType = 53;
inline constexpr uint8_t kServerId = 54;
inline constexpr uint8_t kParamRequestList = 55;
inline constexpr uint8_t kClientId = 61;
inline constexpr uint8_t kEnd = 255;
}  // namespace dhcp_opt

namespace dhcp_msg {
inline constexpr uint8_t kDiscover = 1;
inline constexpr uint8_t kOffer = 2;
inline constexpr uint8_t kRequest = 3;
inline constexpr uint8_t kDecline = 4;
inline constexpr uint8_t kAck = 5;
inline constexpr uint8_t kNak = 6;
inline constexpr uint8_t kRelease = 7;
inline constexpr uint8_t kInform = 8;
}  // namespace dhcp_msg

inline constexpr uint16_t kDhcpServerPort = 67;
inline constexpr uint16_t kDhcpClientPort = 68;

struct DhcpOption {
  uint8_t code = 0;
  Bytes data;
};

class DhcpView {
 public:
  static constexpr Layer kLayer = Layer::kDhcp;
  static constexpr size_t kFixedLen = 236;
  static constexpr uint32_t kMagicCookie = 0x63825363;
  static ParseResult<DhcpView> parse(Bytes b);

  uint8_t op() const { return data_[0]; }  // 1 BOOTREQUEST, 2 BOOTREPLY
  uint8_t htype() const { return data_[1]; }
  uint8_t hlen() const { return data_[2]; }
  uint8_t hops() const { return data_[3]; }
  uint32_t xid() const { return load_be32(data_.data() + 4); }
  uint16_t secs() const { return load_be16(data_.data() + 8); }
  uint16_t flags() const { return load_be16(data_.data() + 10); }
  bool broadcast() const { return flags() & 0x8000; }
  Ipv4Addr ciaddr() const { return Ipv4Addr{load_be32(data_.data() + 12)}; }
  Ipv4Addr yiaddr() const { return Ipv4Addr{load_be32(data_.data() + 16)}; }
  Ipv4Addr siaddr() const { return Ipv4Addr{load_be32(data_.data() + 20)}; }
  Ipv4Addr giaddr() const { return Ipv4Addr{load_be32(data_.data() + 24)}; }
  MacAddr chaddr_mac() const { return MacAddr::from_bytes(data_.data() + 28); }
  Bytes chaddr() const { return data_.subspan(28, 16); }
  std::string_view sname() const { return c_string(44, 64); }
  std::string_view file() const { return c_string(108, 128); }
  Bytes options() const { return data_.subspan(240); }
  template <typename Fn>
  void for_each_option(Fn&& fn) const {
    Bytes o = options();
    for (size_t i = 0; i < o.size();) {
      if (o[i] == dhcp_opt::kEnd) break;
      if (o[i] == dhcp_opt::kPad) {
        ++i;
        continue;
      }
      fn(DhcpOption{o[i], o.subspan(i + 2, o[i + 1])});
      i += 2 + size_t{o[i + 1]};
    }
  }
  std::optional<Bytes> find_option(uint8_t code) const;
  std::optional<uint8_t> message_type() const;
  Bytes bytes() const { return data_; }

 private:
  explicit DhcpView(Bytes b) : data_(b) {}
  std::string_view c_string(size_t off, size_t max) const;
  Bytes data_;
};

// A DHCP message to build. Options are written in order, then END.
struct DhcpMessage {
  uint8_t op = 1;
  uint8_t htype = 1;
  uint8_t hlen = 6;
  uint8_t hops = 0;
  uint32_t xid = 0;
  uint16_t secs = 0;
  uint16_t flags = 0;
  Ipv4Addr ciaddr, yiaddr, siaddr, giaddr;
  MacAddr chaddr;
  std::string sname, file;
  std::vector<std::pair<uint8_t, std::vector<uint8_t>>> options;

  // Bytes written, or 0 when out is too small or a field too long.
  size_t write(MutableBytes out) const;
  size_t size() const;
};

}  // namespace ofkit
