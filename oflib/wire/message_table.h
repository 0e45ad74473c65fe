#pragma once
// One constexpr table of the OpenFlow 1.0 message types, indexed by the
// OFPT value: the spec name, the minimum length (header included), whether
// that length is the only valid one, and who sends it. It drives the length
// checks in decode_message(), printers, and tests that loop over every type.

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

#include "oflib/wire/constants.h"

namespace ofkit::of {

enum class Sender : uint8_t { kSwitch, kController, kBoth };

struct MsgInfo {
  MsgType type;
  std::string_view name;  // "OFPT_FLOW_MOD"
  uint16_t min_len;       // sizeof the fixed part, header included
  bool fixed_len;         // true when min_len is the only valid length
  Sender sender;
};

inline constexpr std::array<MsgInfo, kMsgTypeCount> kMsgTable = {{
    {MsgType::kHello, "OFPT_HELLO", 8, false, Sender::kBoth},
    {MsgType::kError, "OFPT_ERROR", 12, false, Sender::kBoth},
    {MsgType::kEchoRequest, "OFPT_ECHO_REQUEST", 8, false, Sender::kBoth},
    {MsgType::kEchoReply, "OFPT_ECHO_REPLY", 8, false, Sender::kBoth},
    {MsgType::kVendor, "OFPT_VENDOR", 12, false, Sender::kBoth},
    {MsgType::kFeaturesRequest, "OFPT_FEATURES_REQUEST", 8, true, Sender::kController},
    {MsgType::kFeaturesReply, "OFPT_FEATURES_REPLY", 32, false, Sender::kSwitch},
    {MsgType::kGetConfigRequest, "OFPT_GET_CONFIG_REQUEST", 8, true, Sender::kController},
    {MsgType::kGetConfigReply, "OFPT_GET_CONFIG_REPLY", 12, true, Sender::kSwitch},
    {MsgType::kSetConfig, "OFPT_SET_CONFIG", 12, true, Sender::kController},
    {MsgType::kPacketIn, "OFPT_PACKET_IN", 18, false, Sender::kSwitch},
    {MsgType::kFlowRemoved, "OFPT_FLOW_REMOVED", 88, true, Sender::kSwitch},
    {MsgType::kPortStatus, "OFPT_PORT_STATUS", 64, true, Sender::kSwitch},
    {MsgType::kPacketOut, "OFPT_PACKET_OUT", 16, false, Sender::kController},
    {MsgType::kFlowMod, "OFPT_FLOW_MOD", 72, false, Sender::kController},
    {MsgType::kPortMod, "OFPT_PORT_MOD", 32, true, Sender::kController},
    {MsgType::kStatsRequest, "OFPT_STATS_REQUEST", 12, false, Sender::kController},
    {MsgType::kStatsReply, "OFPT_STATS_REPLY", 12, false, Sender::kSwitch},
    {MsgType::kBarrierRequest, "OFPT_BARRIER_REQUEST", 8, true, Sender::kController},
    {MsgType::kBarrierReply, "OFPT_BARRIER_REPLY", 8, true, Sender::kSwitch},
    {MsgType::kQueueGetConfigRequest, "OFPT_QUEUE_GET_CONFIG_REQUEST", 12, true, Sender::kController},
    {MsgType::kQueueGetConfigReply, "OFPT_QUEUE_GET_CONFIG_REPLY", 16, false, Sender::kSwitch},
}};

constexpr bool msg_table_is_ordered() {
  for (size_t i = 0; i < kMsgTable.size(); ++i)
    if (static_cast<size_t>(kMsgTable[i].type) != i) return false;
  return true;
}
static_assert(msg_table_is_ordered());

constexpr bool is_known_type(uint8_t type) { return type < kMsgTypeCount; }
// Entry for a type; t must be known (is_known_type).
constexpr const MsgInfo& msg_info(MsgType t) { return kMsgTable[static_cast<uint8_t>(t)]; }
// "OFPT_FLOW_MOD", or empty for an unknown type.
constexpr std::string_view msg_type_name(uint8_t type) {
  return is_known_type(type) ? kMsgTable[type].name : std::string_view{};
}
inline std::optional<MsgType> msg_type_from_name(std::string_view name) {
  for (const auto& i : kMsgTable)
    if (i.name == name || i.name.substr(5) == name) return i.type;
  return std::nullopt;
}
// Names of the stats types ("OFPST_FLOW"), empty for unknown.
constexpr std::string_view stats_type_name(StatsType t) {
  switch (t) {
    case StatsType::kDesc:
      return "OFPST_DESC";
    case StatsType::kFlow:
      return "OFPST_FLOW";
    case StatsType::kAggregate:
      return "OFPST_AGGREGATE";
    case StatsType::kTable:
      return "OFPST_TABLE";
    case StatsType::kPort:
      return "OFPST_PORT";
    case StatsType::kQueue:
      return "OFPST_QUEUE";
    case StatsType::kVendor:
      return "OFPST_VENDOR";
  }
  return {};
}

}  // namespace ofkit::of
