#pragma once
// The OpenFlow events a shard raises on its EventBus. Each refers to the
// Connection it came from (valid for the duration of the handler; keep the
// dpid, not the reference, across events) and carries the decoded message.
// Apps define their own events the same way: any struct with
// `static constexpr const char* kName`.

#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "oflib/packet/addr.h"
#include "oflib/packet/flow_key.h"
#include "oflib/wire/error_msg.h"
#include "oflib/wire/features.h"
#include "oflib/wire/flow_mod.h"
#include "oflib/wire/port.h"
#include "oflib/wire/stats.h"

namespace ofkit::ctl {

class Connection;

// The switch finished HELLO/FEATURES/SET_CONFIG and now lives on this shard.
struct ConnectionUp {
  static constexpr const char* kName = "ConnectionUp";
  Connection& conn;
  uint64_t dpid;
  const of::FeaturesReply& features;
};

// The connection closed (peer gone, echo timeout, replaced by a newer
// connection with the same datapath id, or controller shutdown).
struct ConnectionDown {
  static constexpr const char* kName = "ConnectionDown";
  Connection& conn;
  uint64_t dpid;
  std::string reason;
};

// OFPT_PACKET_IN. `data` points into the receive buffer: copy what you keep.
// The flow key is extracted on first use only.
struct PacketIn {
  static constexpr const char* kName = "PacketIn";
  PacketIn(Connection& c, uint64_t dp, uint32_t x, uint32_t buf, uint16_t total, uint16_t port,
           of::PacketInReason why, std::span<const uint8_t> frame, std::span<const uint8_t> msg)
      : conn(c),
        dpid(dp),
        xid(x),
        buffer_id(buf),
        total_len(total),
        in_port(port),
        reason(why),
        data(frame),
        raw(msg) {}

  Connection& conn;
  uint64_t dpid;
  uint32_t xid;
  uint32_t buffer_id;
  uint16_t total_len;
  uint16_t in_port;
  of::PacketInReason reason;
  std::span<const uint8_t> data;  // the captured frame (first miss_send_len bytes)
  std::span<const uint8_t> raw;   // the whole OpenFlow message

  // Ethernet addresses (zero when the capture is shorter than 12 bytes).
  MacAddr eth_dst() const { return data.size() >= 12 ? MacAddr::from_bytes(data.data()) : MacAddr{}; }
  MacAddr eth_src() const { return data.size() >= 12 ? MacAddr::from_bytes(data.data() + 6) : MacAddr{}; }
  // The OF1.0 12-tuple of the frame with in_port set (parsed lazily, once).
  const FlowKey& flow_key() const;
  // False when the frame is shorter than an Ethernet header or contradicts itself.
  bool parsed_ok() const {
    (void)flow_key();
    return key_ok_;
  }

 private:
  mutable std::optional<FlowKey> key_;
  mutable bool key_ok_ = false;
};

struct FlowRemoved {
  static constexpr const char* kName = "FlowRemoved";
  Connection& conn;
  uint64_t dpid;
  uint32_t xid;
  of::FlowRemoved msg;
};

struct PortStatus {
  static constexpr const char* kName = "PortStatus";
  Connection& conn;
  uint64_t dpid;
  of::PortStatus msg;
};

// OFPT_ERROR from the switch. `xid` is the failed request's.
struct ErrorIn {
  static constexpr const char* kName = "ErrorIn";
  Connection& conn;
  uint64_t dpid;
  uint32_t xid;
  of::ErrorMsg msg;
};

struct BarrierIn {
  static constexpr const char* kName = "BarrierIn";
  Connection& conn;
  uint64_t dpid;
  uint32_t xid;
};

// One event per stats type, raised when the whole (multipart) reply is in.
template <typename Body, const char* Name>
struct StatsIn {
  static constexpr const char* kName = Name;
  Connection& conn;
  uint64_t dpid;
  uint32_t xid;
  const Body& body;
};
namespace detail {
inline constexpr char kDescStatsName[] = "DescStatsIn";
inline constexpr char kFlowStatsName[] = "FlowStatsIn";
inline constexpr char kAggregateStatsName[] = "AggregateStatsIn";
inline constexpr char kTableStatsName[] = "TableStatsIn";
inline constexpr char kPortStatsName[] = "PortStatsIn";
inline constexpr char kQueueStatsName[] = "QueueStatsIn";
inline constexpr char kVendorStatsName[] = "VendorStatsIn";
}  // namespace detail
using DescStatsIn = StatsIn<of::DescStatsReply, detail::kDescStatsName>;
using FlowStatsIn = StatsIn<of::FlowStatsReply, detail::kFlowStatsName>;
using AggregateStatsIn = StatsIn<of::AggregateStatsReply, detail::kAggregateStatsName>;
using TableStatsIn = StatsIn<of::TableStatsReply, detail::kTableStatsName>;
using PortStatsIn = StatsIn<of::PortStatsReply, detail::kPortStatsName>;
using QueueStatsIn = StatsIn<of::QueueStatsReply, detail::kQueueStatsName>;
using VendorStatsIn = StatsIn<of::VendorStats, detail::kVendorStatsName>;

}  // namespace ofkit::ctl
