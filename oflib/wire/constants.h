#pragma once
// OpenFlow 1.0.0 constants (wire version 0x01), named as in the
// specification's openflow.h so they can be grepped: OFPT_FLOW_MOD is
// MsgType::kFlowMod, OFPP_FLOOD is port::kFlood, and so on.

#include <cstddef>
#include <cstdint>

namespace ofkit::of {

inline constexpr uint8_t kVersion = 0x01;  // OFP_VERSION
inline constexpr uint16_t kDefaultPort = 6653;
inline constexpr uint16_t kLegacyPort = 6633;
inline constexpr size_t kHeaderLen = 8;                // sizeof(struct ofp_header)
inline constexpr size_t kMaxMsgLen = 65535;            // the length field is 16 bits
inline constexpr size_t kMaxPortNameLen = 16;          // OFP_MAX_PORT_NAME_LEN
inline constexpr size_t kMaxTableNameLen = 32;         // OFP_MAX_TABLE_NAME_LEN
inline constexpr size_t kDescStrLen = 256;             // DESC_STR_LEN
inline constexpr size_t kSerialNumLen = 32;            // SERIAL_NUM_LEN
inline constexpr size_t kEthAlen = 6;                  // OFP_ETH_ALEN
inline constexpr uint16_t kDefaultMissSendLen = 128;   // OFP_DEFAULT_MISS_SEND_LEN
inline constexpr uint16_t kFlowPermanent = 0;          // OFP_FLOW_PERMANENT
inline constexpr uint16_t kDefaultPriority = 0x8000;   // OFP_DEFAULT_PRIORITY
inline constexpr uint32_t kNoBuffer = 0xffffffff;      // buffer_id "none"
inline constexpr uint16_t kVlanNone = 0xffff;          // OFP_VLAN_NONE
inline constexpr uint16_t kDlTypeEth2Cutoff = 0x0600;  // OFP_DL_TYPE_ETH2_CUTOFF
inline constexpr uint16_t kDlTypeNotEthType = 0x05ff;  // OFP_DL_TYPE_NOT_ETH_TYPE
inline constexpr uint32_t kAllQueues = 0xffffffff;     // OFPQ_ALL
inline constexpr uint16_t kMinRateUncfg = 0xffff;      // OFPQ_MIN_RATE_UNCFG

// enum ofp_type
enum class MsgType : uint8_t {
  kHello = 0,                   // OFPT_HELLO
  kError = 1,                   // OFPT_ERROR
  kEchoRequest = 2,             // OFPT_ECHO_REQUEST
  kEchoReply = 3,               // OFPT_ECHO_REPLY
  kVendor = 4,                  // OFPT_VENDOR
  kFeaturesRequest = 5,         // OFPT_FEATURES_REQUEST
  kFeaturesReply = 6,           // OFPT_FEATURES_REPLY
  kGetConfigRequest = 7,        // OFPT_GET_CONFIG_REQUEST
  kGetConfigReply = 8,          // OFPT_GET_CONFIG_REPLY
  kSetConfig = 9,               // OFPT_SET_CONFIG
  kPacketIn = 10,               // OFPT_PACKET_IN
  kFlowRemoved = 11,            // OFPT_FLOW_REMOVED
  kPortStatus = 12,             // OFPT_PORT_STATUS
  kPacketOut = 13,              // OFPT_PACKET_OUT
  kFlowMod = 14,                // OFPT_FLOW_MOD
  kPortMod = 15,                // OFPT_PORT_MOD
  kStatsRequest = 16,           // OFPT_STATS_REQUEST
  kStatsReply = 17,             // OFPT_STATS_REPLY
  kBarrierRequest = 18,         // OFPT_BARRIER_REQUEST
  kBarrierReply = 19,           // OFPT_BARRIER_REPLY
  kQueueGetConfigRequest = 20,  // OFPT_QUEUE_GET_CONFIG_REQUEST
  kQueueGetConfigReply = 21,    // OFPT_QUEUE_GET_CONFIG_REPLY
};
inline constexpr uint8_t kMsgTypeCount = 22;

// enum ofp_port: reserved port numbers. Physical ports are 1..kMax.
namespace port {
inline constexpr uint16_t kMax = 0xff00;         // OFPP_MAX
inline constexpr uint16_t kInPort = 0xfff8;      // OFPP_IN_PORT
inline constexpr uint16_t kTable = 0xfff9;       // OFPP_TABLE
inline constexpr uint16_t kNormal = 0xfffa;      // OFPP_NORMAL
inline constexpr uint16_t kFlood = 0xfffb;       // OFPP_FLOOD
inline constexpr uint16_t kAll = 0xfffc;         // OFPP_ALL
inline constexpr uint16_t kController = 0xfffd;  // OFPP_CONTROLLER
inline constexpr uint16_t kLocal = 0xfffe;       // OFPP_LOCAL
inline constexpr uint16_t kNone = 0xffff;        // OFPP_NONE
}  // namespace port

// enum ofp_action_type
enum class ActionType : uint16_t {
  kOutput = 0,       // OFPAT_OUTPUT
  kSetVlanVid = 1,   // OFPAT_SET_VLAN_VID
  kSetVlanPcp = 2,   // OFPAT_SET_VLAN_PCP
  kStripVlan = 3,    // OFPAT_STRIP_VLAN
  kSetDlSrc = 4,     // OFPAT_SET_DL_SRC
  kSetDlDst = 5,     // OFPAT_SET_DL_DST
  kSetNwSrc = 6,     // OFPAT_SET_NW_SRC
  kSetNwDst = 7,     // OFPAT_SET_NW_DST
  kSetNwTos = 8,     // OFPAT_SET_NW_TOS
  kSetTpSrc = 9,     // OFPAT_SET_TP_SRC
  kSetTpDst = 10,    // OFPAT_SET_TP_DST
  kEnqueue = 11,     // OFPAT_ENQUEUE
  kVendor = 0xffff,  // OFPAT_VENDOR
};

// enum ofp_capabilities
namespace capability {
inline constexpr uint32_t kFlowStats = 1 << 0;   // OFPC_FLOW_STATS
inline constexpr uint32_t kTableStats = 1 << 1;  // OFPC_TABLE_STATS
inline constexpr uint32_t kPortStats = 1 << 2;   // OFPC_PORT_STATS
inline constexpr uint32_t kStp = 1 << 3;         // OFPC_STP
inline constexpr uint32_t kReserved = 1 << 4;    // OFPC_RESERVED
inline constexpr uint32_t kIpReasm = 1 << 5;     // OFPC_IP_REASM
inline constexpr uint32_t kQueueStats = 1 << 6;  // OFPC_QUEUE_STATS
inline constexpr uint32_t kArpMatchIp = 1 << 7;  // OFPC_ARP_MATCH_IP
}  // namespace capability

// enum ofp_port_config
namespace port_config {
inline constexpr uint32_t kPortDown = 1 << 0;    // OFPPC_PORT_DOWN
inline constexpr uint32_t kNoStp = 1 << 1;       // OFPPC_NO_STP
inline constexpr uint32_t kNoRecv = 1 << 2;      // OFPPC_NO_RECV
inline constexpr uint32_t kNoRecvStp = 1 << 3;   // OFPPC_NO_RECV_STP
inline constexpr uint32_t kNoFlood = 1 << 4;     // OFPPC_NO_FLOOD
inline constexpr uint32_t kNoFwd = 1 << 5;       // OFPPC_NO_FWD
inline constexpr uint32_t kNoPacketIn = 1 << 6;  // OFPPC_NO_PACKET_IN
inline constexpr uint32_t kAll = 0x7f;
}  // namespace port_config

// enum ofp_port_state
namespace port_state {
inline constexpr uint32_t kLinkDown = 1 << 0;    // OFPPS_LINK_DOWN
inline constexpr uint32_t kStpListen = 0 << 8;   // OFPPS_STP_LISTEN
inline constexpr uint32_t kStpLearn = 1 << 8;    // OFPPS_STP_LEARN
inline constexpr uint32_t kStpForward = 2 << 8;  // OFPPS_STP_FORWARD
inline constexpr uint32_t kStpBlock = 3 << 8;    // OFPPS_STP_BLOCK
inline constexpr uint32_t kStpMask = 3 << 8;     // OFPPS_STP_MASK
}  // namespace port_state

// enum ofp_port_features
namespace port_features {
inline constexpr uint32_t k10MbHd = 1 << 0;      // OFPPF_10MB_HD
inline constexpr uint32_t k10MbFd = 1 << 1;      // OFPPF_10MB_FD
inline constexpr uint32_t k100MbHd = 1 << 2;     // OFPPF_100MB_HD
inline constexpr uint32_t k100MbFd = 1 << 3;     // OFPPF_100MB_FD
inline constexpr uint32_t k1GbHd = 1 << 4;       // OFPPF_1GB_HD
inline constexpr uint32_t k1GbFd = 1 << 5;       // OFPPF_1GB_FD
inline constexpr uint32_t k10GbFd = 1 << 6;      // OFPPF_10GB_FD
inline constexpr uint32_t kCopper = 1 << 7;      // OFPPF_COPPER
inline constexpr uint32_t kFiber = 1 << 8;       // OFPPF_FIBER
inline constexpr uint32_t kAutoneg = 1 << 9;     // OFPPF_AUTONEG
inline constexpr uint32_t kPause = 1 << 10;      // OFPPF_PAUSE
inline constexpr uint32_t kPauseAsym = 1 << 11;  // OFPPF_PAUSE_ASYM
}  // namespace port_features

// enum ofp_port_reason
enum class PortReason : uint8_t {
  kAdd = 0,     // OFPPR_ADD
  kDelete = 1,  // OFPPR_DELETE
  kModify = 2,  // OFPPR_MODIFY
};

// enum ofp_config_flags
namespace config_flags {
inline constexpr uint16_t kFragNormal = 0;  // OFPC_FRAG_NORMAL
inline constexpr uint16_t kFragDrop = 1;    // OFPC_FRAG_DROP
inline constexpr uint16_t kFragReasm = 2;   // OFPC_FRAG_REASM
inline constexpr uint16_t kFragMask = 3;    // OFPC_FRAG_MASK
}  // namespace config_flags

// enum ofp_flow_wildcards
namespace wildcards {
inline constexpr uint32_t kInPort = 1 << 0;                                      // OFPFW_IN_PORT
inline constexpr uint32_t kDlVlan = 1 << 1;                                      // OFPFW_DL_VLAN
inline constexpr uint32_t kDlSrc = 1 << 2;                                       // OFPFW_DL_SRC
inline constexpr uint32_t kDlDst = 1 << 3;                                       // OFPFW_DL_DST
inline constexpr uint32_t kDlType = 1 << 4;                                      // OFPFW_DL_TYPE
inline constexpr uint32_t kNwProto = 1 << 5;                                     // OFPFW_NW_PROTO
inline constexpr uint32_t kTpSrc = 1 << 6;                                       // OFPFW_TP_SRC
inline constexpr uint32_t kTpDst = 1 << 7;                                       // OFPFW_TP_DST
inline constexpr int kNwSrcShift = 8;                                            // OFPFW_NW_SRC_SHIFT
inline constexpr uint32_t kNwSrcBits = 6;                                        // OFPFW_NW_SRC_BITS
inline constexpr uint32_t kNwSrcMask = ((1u << kNwSrcBits) - 1) << kNwSrcShift;  // OFPFW_NW_SRC_MASK
inline constexpr uint32_t kNwSrcAll = 32u << kNwSrcShift;                        // OFPFW_NW_SRC_ALL
inline constexpr int kNwDstShift = 14;                                           // OFPFW_NW_DST_SHIFT
inline constexpr uint32_t kNwDstBits = 6;                                        // OFPFW_NW_DST_BITS
inline constexpr uint32_t kNwDstMask = ((1u << kNwDstBits) - 1) << kNwDstShift;  // OFPFW_NW_DST_MASK
inline constexpr uint32_t kNwDstAll = 32u << kNwDstShift;                        // OFPFW_NW_DST_ALL
inline constexpr uint32_t kDlVlanPcp = 1 << 20;                                  // OFPFW_DL_VLAN_PCP
inline constexpr uint32_t kNwTos = 1 << 21;                                      // OFPFW_NW_TOS
inline constexpr uint32_t kAll = (1 << 22) - 1;                                  // OFPFW_ALL
}  // namespace wildcards

// enum ofp_flow_mod_command
enum class FlowModCommand : uint16_t {
  kAdd = 0,           // OFPFC_ADD
  kModify = 1,        // OFPFC_MODIFY
  kModifyStrict = 2,  // OFPFC_MODIFY_STRICT
  kDelete = 3,        // OFPFC_DELETE
  kDeleteStrict = 4,  // OFPFC_DELETE_STRICT
};

// enum ofp_flow_mod_flags
namespace flow_mod_flags {
inline constexpr uint16_t kSendFlowRem = 1 << 0;   // OFPFF_SEND_FLOW_REM
inline constexpr uint16_t kCheckOverlap = 1 << 1;  // OFPFF_CHECK_OVERLAP
inline constexpr uint16_t kEmerg = 1 << 2;         // OFPFF_EMERG
}  // namespace flow_mod_flags

// enum ofp_flow_removed_reason
enum class FlowRemovedReason : uint8_t {
  kIdleTimeout = 0,  // OFPRR_IDLE_TIMEOUT
  kHardTimeout = 1,  // OFPRR_HARD_TIMEOUT
  kDelete = 2,       // OFPRR_DELETE
};

// enum ofp_packet_in_reason
enum class PacketInReason : uint8_t {
  kNoMatch = 0,  // OFPR_NO_MATCH
  kAction = 1,   // OFPR_ACTION
};

// enum ofp_stats_types
enum class StatsType : uint16_t {
  kDesc = 0,         // OFPST_DESC
  kFlow = 1,         // OFPST_FLOW
  kAggregate = 2,    // OFPST_AGGREGATE
  kTable = 3,        // OFPST_TABLE
  kPort = 4,         // OFPST_PORT
  kQueue = 5,        // OFPST_QUEUE
  kVendor = 0xffff,  // OFPST_VENDOR
};

// enum ofp_stats_reply_flags
inline constexpr uint16_t kStatsReplyMore = 1 << 0;  // OFPSF_REPLY_MORE

// enum ofp_queue_properties
enum class QueueProperty : uint16_t {
  kNone = 0,     // OFPQT_NONE
  kMinRate = 1,  // OFPQT_MIN_RATE
};

}  // namespace ofkit::of
