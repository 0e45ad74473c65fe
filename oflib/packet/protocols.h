#pragma once
// Protocol numbers, the layers a frame is made of, and why parsing stopped.
//
// Every parser in oflib/packet returns ParseResult<View>: either a view whose
// accessors cannot fail, or the ParseError that says why the bytes were
// refused. ParsedPacket records the Layer at which a walk stopped together
// with that error.

#include <cstdint>
#include <span>
#include <string_view>

#include <tl/expected.hpp>

namespace ofkit {

using Bytes = std::span<const uint8_t>;
using MutableBytes = std::span<uint8_t>;

namespace eth_type {
inline constexpr uint16_t kIpv4 = 0x0800;
inline constexpr uint16_t kArp = 0x0806;
inline constexpr uint16_t kVlan = 0x8100;     // 802.1Q C-tag
inline constexpr uint16_t kQinQ = 0x88a8;     // 802.1ad S-tag
inline constexpr uint16_t kQinQOld = 0x9100;  // pre-standard QinQ
inline constexpr uint16_t kIpv6 = 0x86dd;
inline constexpr uint16_t kLldp = 0x88cc;
inline constexpr uint16_t kMin = 0x0600;         // below this the field is an 802.3 length
inline constexpr uint16_t kNotEthType = 0x05ff;  // OFP_DL_TYPE_NOT_ETH_TYPE
constexpr bool is_vlan_tpid(uint16_t t) { return t == kVlan || t == kQinQ || t == kQinQOld; }
}  // namespace eth_type

namespace ip_proto {
inline constexpr uint8_t kHopByHop = 0;
inline constexpr uint8_t kIcmp = 1;
inline constexpr uint8_t kTcp = 6;
inline constexpr uint8_t kUdp = 17;
inline constexpr uint8_t kRouting = 43;
inline constexpr uint8_t kFragment = 44;
inline constexpr uint8_t kEsp = 50;
inline constexpr uint8_t kAh = 51;
inline constexpr uint8_t kIcmpv6 = 58;
inline constexpr uint8_t kNoNext = 59;
inline constexpr uint8_t kDestOpts = 60;
}  // namespace ip_proto

enum class Layer : uint8_t {
  kNone,
  kEthernet,  // Ethernet II or 802.3 MAC header (14 bytes)
  kLlc,       // 802.2 LLC, with SNAP when dsap=ssap=0xaa
  kVlan,      // one 802.1Q/802.1ad tag: TCI + inner type (the TPID belongs to the layer before)
  kArp,
  kIpv4,
  kIpv6,
  kIpv6Ext,  // one IPv6 extension header (hop-by-hop, routing, fragment, dest opts, AH)
  kIcmp,
  kIcmpv6,
  kTcp,
  kUdp,
  kDhcp,
  kDns,
  kLldp,
  kPayload,  // bytes no parser claims (application data, ESP, non-first fragments)
};
std::string_view to_string(Layer l);

enum class ParseError : uint8_t {
  kTruncated,        // the capture ends inside this header
  kBadVersion,       // IP version field does not match the EtherType
  kBadHeaderLength,  // IHL / TCP data offset / extension length below the minimum
  kBadTotalLength,   // a length field is smaller than the header it covers
  kBadOption,        // an IPv4/TCP/DHCP option or a TLV runs past its container
  kBadFormat,        // fixed fields have impossible values (e.g. ARP hlen/plen, DHCP cookie)
  kTooManyHeaders,   // more extension headers / VLAN tags / layers than we walk
  kBadPointer,       // DNS compression pointer forward, out of range, or looping
  kBadLabel,         // DNS label type or name longer than 255 bytes
  kMissingTlv,       // LLDP mandatory TLV missing or out of order
};
std::string_view to_string(ParseError e);

template <typename T>
using ParseResult = tl::expected<T, ParseError>;
inline tl::unexpected<ParseError> parse_fail(ParseError e) { return tl::unexpected<ParseError>(e); }

}  // namespace ofkit
