#pragma once
// Runtime-wide events delivered as messages to shard 0, where global apps
// live: owned copies, no Connection references, so they can cross threads.
// Reply to a switch with Runtime::with_switch(dpid, fn).
//
// Always sent: SwitchJoined, SwitchLeft and PortChanged (the message form of
// PortStatus). The message forms of the other OpenFlow events (PacketInMsg,
// FlowRemovedMsg, ErrorInMsg, BarrierInMsg, StatsReplyMsg) are sent only
// once some listener on shard 0 subscribed to that type through
// AppContext::listen (or Runtime::subscribe_forwarded): a runtime without
// such a listener pays one relaxed atomic load per event and copies nothing.
//
// Order: every forwarded event goes through shard 0's control mailbox (one
// FIFO per sender), so the events of one switch reach shard 0 in the order
// its shard raised them (SwitchJoined first, SwitchLeft last). Control
// events are never dropped; PacketInMsg is dropped and counted
// (Runtime::forward_drops) while more than RuntimeConfig::mailbox_capacity
// of them wait for shard 0, so a slow global app cannot grow memory without
// bound.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "oflib/wire/error_msg.h"
#include "oflib/wire/features.h"
#include "oflib/wire/flow_mod.h"
#include "oflib/wire/packet_in.h"
#include "oflib/wire/port.h"
#include "oflib/wire/stats.h"

namespace ofkit::ctl {

struct SwitchJoined {
  static constexpr const char* kName = "SwitchJoined";
  uint64_t dpid;
  of::FeaturesReply features;
  size_t shard;
};

struct SwitchLeft {
  static constexpr const char* kName = "SwitchLeft";
  uint64_t dpid;
  std::string reason;
};

struct PortChanged {
  static constexpr const char* kName = "PortChanged";
  uint64_t dpid;
  of::PortStatus msg;
};

// PacketIn with the captured frame copied.
struct PacketInMsg {
  static constexpr const char* kName = "PacketInMsg";
  uint64_t dpid;
  uint32_t xid;
  uint32_t buffer_id;
  uint16_t total_len;
  uint16_t in_port;
  of::PacketInReason reason;
  std::vector<uint8_t> data;
};

struct FlowRemovedMsg {
  static constexpr const char* kName = "FlowRemovedMsg";
  uint64_t dpid;
  uint32_t xid;
  of::FlowRemoved msg;
};

struct ErrorInMsg {
  static constexpr const char* kName = "ErrorInMsg";
  uint64_t dpid;
  uint32_t xid;
  of::ErrorMsg msg;
};

struct BarrierInMsg {
  static constexpr const char* kName = "BarrierInMsg";
  uint64_t dpid;
  uint32_t xid;
};

// Any whole (reassembled multipart) stats reply; the body variant says which.
struct StatsReplyMsg {
  static constexpr const char* kName = "StatsReplyMsg";
  uint64_t dpid;
  uint32_t xid;
  of::StatsReply reply;
};

// Subscription bits for the forwarded types.
enum ForwardBit : uint32_t {
  kForwardPacketIn = 1u << 0,
  kForwardFlowRemoved = 1u << 1,
  kForwardErrorIn = 1u << 2,
  kForwardBarrierIn = 1u << 3,
  kForwardStatsReply = 1u << 4,
};

template <typename E>
inline constexpr uint32_t kForwardBitOf = 0;
template <>
inline constexpr uint32_t kForwardBitOf<PacketInMsg> = kForwardPacketIn;
template <>
inline constexpr uint32_t kForwardBitOf<FlowRemovedMsg> = kForwardFlowRemoved;
template <>
inline constexpr uint32_t kForwardBitOf<ErrorInMsg> = kForwardErrorIn;
template <>
inline constexpr uint32_t kForwardBitOf<BarrierInMsg> = kForwardBarrierIn;
template <>
inline constexpr uint32_t kForwardBitOf<StatsReplyMsg> = kForwardStatsReply;

}  // namespace ofkit::ctl
