#pragma once
// Names of OpenFlow 1.0 enum values and bitmap bits, shared by the printer
// and the JSON form. Names are the spec's without their prefix:
// OFPC_FLOW_STATS is "FLOW_STATS", OFPPF_10MB_HD is "10MB_HD".

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ofkit::text {

struct BitName {
  uint32_t bit;
  std::string_view name;
};

inline constexpr BitName kCapabilityNames[] = {
    {1u << 0, "FLOW_STATS"}, {1u << 1, "TABLE_STATS"}, {1u << 2, "PORT_STATS"},  {1u << 3, "STP"},
    {1u << 4, "RESERVED"},   {1u << 5, "IP_REASM"},    {1u << 6, "QUEUE_STATS"}, {1u << 7, "ARP_MATCH_IP"},
};
// Bitmap of supported actions in FEATURES_REPLY: bit n is OFPAT n.
inline constexpr BitName kActionBitNames[] = {
    {1u << 0, "OUTPUT"},     {1u << 1, "SET_VLAN_VID"}, {1u << 2, "SET_VLAN_PCP"}, {1u << 3, "STRIP_VLAN"},
    {1u << 4, "SET_DL_SRC"}, {1u << 5, "SET_DL_DST"},   {1u << 6, "SET_NW_SRC"},   {1u << 7, "SET_NW_DST"},
    {1u << 8, "SET_NW_TOS"}, {1u << 9, "SET_TP_SRC"},   {1u << 10, "SET_TP_DST"},  {1u << 11, "ENQUEUE"},
};
inline constexpr BitName kPortConfigNames[] = {
    {1u << 0, "PORT_DOWN"}, {1u << 1, "NO_STP"}, {1u << 2, "NO_RECV"},      {1u << 3, "NO_RECV_STP"},
    {1u << 4, "NO_FLOOD"},  {1u << 5, "NO_FWD"}, {1u << 6, "NO_PACKET_IN"},
};
// OFPPS_LINK_DOWN plus the STP state field (bits 8-9; STP_LISTEN is 0 and
// therefore never listed).
inline constexpr BitName kPortStateNames[] = {
    {1u << 0, "LINK_DOWN"},
    {1u << 8, "STP_LEARN"},
    {2u << 8, "STP_FORWARD"},
    {3u << 8, "STP_BLOCK"},
};
inline constexpr BitName kPortFeatureNames[] = {
    {1u << 0, "10MB_HD"}, {1u << 1, "10MB_FD"}, {1u << 2, "100MB_HD"}, {1u << 3, "100MB_FD"},
    {1u << 4, "1GB_HD"},  {1u << 5, "1GB_FD"},  {1u << 6, "10GB_FD"},  {1u << 7, "COPPER"},
    {1u << 8, "FIBER"},   {1u << 9, "AUTONEG"}, {1u << 10, "PAUSE"},   {1u << 11, "PAUSE_ASYM"},
};
inline constexpr BitName kFlowModFlagNames[] = {
    {1u << 0, "SEND_FLOW_REM"},
    {1u << 1, "CHECK_OVERLAP"},
    {1u << 2, "EMERG"},
};
inline constexpr BitName kStatsFlagNames[] = {{1u << 0, "REPLY_MORE"}};

// Splits value into names; bits with no name come back in *unknown. The
// port-state STP field is handled as a 2-bit value, not as bits.
struct BitNames {
  std::string joined;    // names separated by ' '
  uint32_t unknown = 0;  // bits no name covers
};
inline BitNames bit_names(uint32_t value, std::span<const BitName> table, uint32_t field_mask = 0) {
  BitNames out;
  uint32_t left = value;
  for (const BitName& b : table) {
    const bool in_field = (b.bit & field_mask) != 0;
    const bool set = in_field ? (value & field_mask) == b.bit : (value & b.bit) == b.bit;
    if (!set) continue;
    if (!out.joined.empty()) out.joined += ' ';
    out.joined += b.name;
    left &= ~b.bit;
  }
  if (field_mask != 0) left &= ~field_mask;  // STP_LISTEN (0) has no name but is known
  out.unknown = left;
  return out;
}
inline std::optional<uint32_t> bit_from_name(std::string_view name, std::span<const BitName> table) {
  for (const BitName& b : table) {
    if (b.name == name) return b.bit;
  }
  return std::nullopt;
}

inline constexpr uint32_t kPortStateStpMask = 3u << 8;

}  // namespace ofkit::text
