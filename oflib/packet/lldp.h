#pragma once
// LLDP (IEEE 802.1AB) data units: EtherType 0x88cc, a list of TLVs with a
// 7-bit type and a 9-bit length.
//
// parse() requires the mandatory Chassis ID (1), Port ID (2) and TTL (3)
// TLVs first and in that order, every TLV inside the frame, and stops at
// End (0) (a missing End is accepted: many captures are cut there). The
// decoded Lldpdu points into the parsed bytes (zero-copy); the same struct,
// pointing at the caller's storage, is what write() encodes.

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "oflib/packet/addr.h"
#include "oflib/packet/protocols.h"

namespace ofkit {

namespace lldp_tlv {
inline constexpr uint8_t kEnd = 0;
inline constexpr uint8_t kChassisId = 1;
inline constexpr uint8_t kPortId = 2;
inline constexpr uint8_t kTtl = 3;
inline constexpr uint8_t kPortDescription = 4;
inline constexpr uint8_t kSystemName = 5;
inline constexpr uint8_t kSystemDescription = 6;
inline constexpr uint8_t kSystemCapabilities = 7;
inline constexpr uint8_t kManagementAddress = 8;
inline constexpr uint8_t kOrgSpecific = 127;
}  // namespace lldp_tlv

namespace lldp_subtype {
inline constexpr uint8_t kChassisMac = 4;
inline constexpr uint8_t kChassisLocal = 7;
inline constexpr uint8_t kPortIfName = 5;
inline constexpr uint8_t kPortMac = 3;
inline constexpr uint8_t kPortLocal = 7;
}  // namespace lldp_subtype

inline constexpr uint8_t kLldpMulticast[6] = {0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e};

struct LldpManagementAddress {
  uint8_t addr_subtype = 1;  // IANA address family: 1 IPv4, 2 IPv6, 6 802 MAC
  Bytes addr;
  uint8_t if_subtype = 2;  // 2 ifIndex
  uint32_t if_number = 0;
  Bytes oid;
};

struct LldpTlv {
  uint8_t type = 0;
  Bytes value;
};

struct Lldpdu {
  static constexpr Layer kLayer = Layer::kLldp;

  uint8_t chassis_id_subtype = lldp_subtype::kChassisMac;
  Bytes chassis_id;
  uint8_t port_id_subtype = lldp_subtype::kPortIfName;
  Bytes port_id;
  uint16_t ttl = 120;
  std::optional<std::string_view> port_description;
  std::optional<std::string_view> system_name;
  std::optional<std::string_view> system_description;
  struct Capabilities {
    uint16_t system = 0, enabled = 0;
  };
  std::optional<Capabilities> capabilities;
  std::vector<LldpManagementAddress> management_addresses;
  std::vector<LldpTlv> other;  // org-specific and unknown TLVs, in order

  std::string_view chassis_id_text() const {
    return {reinterpret_cast<const char*>(chassis_id.data()), chassis_id.size()};
  }
  std::string_view port_id_text() const {
    return {reinterpret_cast<const char*>(port_id.data()), port_id.size()};
  }

  static ParseResult<Lldpdu> parse(Bytes b);
  // Writes the TLVs in the standard order (chassis, port, TTL, port desc,
  // system name, system desc, capabilities, management, others) and End.
  // Bytes written, or 0 when out is too small or a value is too long.
  size_t write(MutableBytes out) const;
};

}  // namespace ofkit
