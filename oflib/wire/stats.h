#pragma once
// OFPT_STATS_REQUEST / OFPT_STATS_REPLY (struct ofp_stats_request/reply:
// header, type, flags, body) and every OF1.0 body: OFPST_DESC, OFPST_FLOW,
// OFPST_AGGREGATE, OFPST_TABLE, OFPST_PORT, OFPST_QUEUE, OFPST_VENDOR.
//
// Validation: an unknown stats type -> OFPBRC_BAD_STAT; a body whose size
// is not what the type defines (fixed bodies exactly, arrays a whole number
// of entries, each ofp_flow_stats length >= 88, a multiple of 8 and inside
// the body) -> OFPBRC_BAD_LEN; actions inside flow stats as in actions.h
// (vendor actions accepted: a reply shows what the switch holds).
//
// Long replies are split into several messages that carry OFPSF_REPLY_MORE
// on all but the last (split_stats_reply); a controller glues them back with
// append_stats_reply.

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "oflib/wire/action.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"
#include "oflib/wire/match.h"

namespace ofkit::of {

inline constexpr size_t kStatsMsgLen = 12;             // sizeof(struct ofp_stats_request/reply)
inline constexpr size_t kDescStatsLen = 1056;          // sizeof(struct ofp_desc_stats)
inline constexpr size_t kFlowStatsRequestLen = 44;     // sizeof(struct ofp_flow_stats_request)
inline constexpr size_t kFlowStatsLen = 88;            // sizeof(struct ofp_flow_stats), no actions
inline constexpr size_t kAggregateStatsReplyLen = 24;  // sizeof(struct ofp_aggregate_stats_reply)
inline constexpr size_t kTableStatsLen = 64;           // sizeof(struct ofp_table_stats)
inline constexpr size_t kPortStatsRequestLen = 8;      // sizeof(struct ofp_port_stats_request)
inline constexpr size_t kPortStatsLen = 104;           // sizeof(struct ofp_port_stats)
inline constexpr size_t kQueueStatsRequestLen = 8;     // sizeof(struct ofp_queue_stats_request)
inline constexpr size_t kQueueStatsLen = 32;           // sizeof(struct ofp_queue_stats)
inline constexpr size_t kVendorStatsLen = 4;           // the vendor id in front of a vendor body

// --- request bodies ---------------------------------------------------------
struct DescStatsRequest {
  friend bool operator==(const DescStatsRequest&, const DescStatsRequest&) = default;
};
struct FlowStatsRequest {  // struct ofp_flow_stats_request
  Match match;
  uint8_t table_id = 0xff;          // 0xff: all tables
  uint16_t out_port = port::kNone;  // OFPP_NONE: no restriction
  friend bool operator==(const FlowStatsRequest&, const FlowStatsRequest&) = default;
};
struct AggregateStatsRequest {  // struct ofp_aggregate_stats_request (same layout)
  Match match;
  uint8_t table_id = 0xff;
  uint16_t out_port = port::kNone;
  friend bool operator==(const AggregateStatsRequest&, const AggregateStatsRequest&) = default;
};
struct TableStatsRequest {
  friend bool operator==(const TableStatsRequest&, const TableStatsRequest&) = default;
};
struct PortStatsRequest {          // struct ofp_port_stats_request
  uint16_t port_no = port::kNone;  // OFPP_NONE: all ports
  friend bool operator==(const PortStatsRequest&, const PortStatsRequest&) = default;
};
struct QueueStatsRequest {         // struct ofp_queue_stats_request
  uint16_t port_no = port::kAll;   // OFPP_ALL: all ports
  uint32_t queue_id = kAllQueues;  // OFPQ_ALL: all queues
  friend bool operator==(const QueueStatsRequest&, const QueueStatsRequest&) = default;
};
struct VendorStats {  // OFPST_VENDOR body, request or reply: vendor id + opaque bytes
  uint32_t vendor = 0;
  std::vector<uint8_t> body;
  friend bool operator==(const VendorStats&, const VendorStats&) = default;
};

using StatsRequestBody = std::variant<DescStatsRequest, FlowStatsRequest, AggregateStatsRequest,
                                      TableStatsRequest, PortStatsRequest, QueueStatsRequest, VendorStats>;

struct StatsRequest {
  uint16_t flags = 0;  // none defined for requests
  StatsRequestBody body;
  StatsType type() const;
  friend bool operator==(const StatsRequest&, const StatsRequest&) = default;
};

// --- reply bodies -------------------------------------------------------------
struct DescStats {         // struct ofp_desc_stats; strings are cut to fit NUL-terminated
  std::string mfr_desc;    // 256
  std::string hw_desc;     // 256
  std::string sw_desc;     // 256
  std::string serial_num;  // 32
  std::string dp_desc;     // 256
  friend bool operator==(const DescStats&, const DescStats&) = default;
};
struct FlowStats {  // struct ofp_flow_stats
  uint8_t table_id = 0;
  Match match;
  uint32_t duration_sec = 0;
  uint32_t duration_nsec = 0;
  uint16_t priority = 0;
  uint16_t idle_timeout = 0;
  uint16_t hard_timeout = 0;
  uint64_t cookie = 0;
  uint64_t packet_count = 0;
  uint64_t byte_count = 0;
  ActionList actions;
  friend bool operator==(const FlowStats&, const FlowStats&) = default;
};
struct AggregateStatsReply {  // struct ofp_aggregate_stats_reply
  uint64_t packet_count = 0;
  uint64_t byte_count = 0;
  uint32_t flow_count = 0;
  friend bool operator==(const AggregateStatsReply&, const AggregateStatsReply&) = default;
};
struct TableStats {  // struct ofp_table_stats
  uint8_t table_id = 0;
  std::string name;        // 32, NUL-terminated
  uint32_t wildcards = 0;  // OFPFW_* the table supports
  uint32_t max_entries = 0;
  uint32_t active_count = 0;
  uint64_t lookup_count = 0;
  uint64_t matched_count = 0;
  friend bool operator==(const TableStats&, const TableStats&) = default;
};
struct PortStats {  // struct ofp_port_stats
  uint16_t port_no = 0;
  uint64_t rx_packets = 0, tx_packets = 0, rx_bytes = 0, tx_bytes = 0;
  uint64_t rx_dropped = 0, tx_dropped = 0, rx_errors = 0, tx_errors = 0;
  uint64_t rx_frame_err = 0, rx_over_err = 0, rx_crc_err = 0, collisions = 0;
  friend bool operator==(const PortStats&, const PortStats&) = default;
};
struct QueueStats {  // struct ofp_queue_stats
  uint16_t port_no = 0;
  uint32_t queue_id = 0;
  uint64_t tx_bytes = 0, tx_packets = 0, tx_errors = 0;
  friend bool operator==(const QueueStats&, const QueueStats&) = default;
};

struct DescStatsReply {
  DescStats desc;
  friend bool operator==(const DescStatsReply&, const DescStatsReply&) = default;
};
struct FlowStatsReply {
  std::vector<FlowStats> flows;
  friend bool operator==(const FlowStatsReply&, const FlowStatsReply&) = default;
};
struct TableStatsReply {
  std::vector<TableStats> tables;
  friend bool operator==(const TableStatsReply&, const TableStatsReply&) = default;
};
struct PortStatsReply {
  std::vector<PortStats> ports;
  friend bool operator==(const PortStatsReply&, const PortStatsReply&) = default;
};
struct QueueStatsReply {
  std::vector<QueueStats> queues;
  friend bool operator==(const QueueStatsReply&, const QueueStatsReply&) = default;
};

using StatsReplyBody = std::variant<DescStatsReply, FlowStatsReply, AggregateStatsReply, TableStatsReply,
                                    PortStatsReply, QueueStatsReply, VendorStats>;

struct StatsReply {
  uint16_t flags = 0;  // OFPSF_REPLY_MORE (kStatsReplyMore)
  StatsReplyBody body;
  StatsType type() const;
  bool more() const { return flags & kStatsReplyMore; }
  friend bool operator==(const StatsReply&, const StatsReply&) = default;
};

size_t wire_len(const StatsRequest& m);
size_t wire_len(const StatsReply& m);
void encode_to(const StatsRequest& m, uint32_t xid, uint8_t* out);
void encode_to(const StatsReply& m, uint32_t xid, uint8_t* out);
Result<StatsRequest> decode_stats_request(std::span<const uint8_t> msg);
Result<StatsReply> decode_stats_reply(std::span<const uint8_t> msg);

size_t flow_stats_wire_len(const FlowStats& f);  // 88 + actions

// Splits a reply into messages of at most max_msg_len bytes each (default:
// the 65535 limit), every part but the last with OFPSF_REPLY_MORE. Array
// bodies (FLOW, TABLE, PORT, QUEUE) are cut between entries; other bodies
// come back as one part. An empty array gives one empty part.
std::vector<StatsReply> split_stats_reply(const StatsReply& reply, size_t max_msg_len = kMaxMsgLen);

// Appends part's entries to acc (same type required, else
// OFPBRC_BAD_STAT); acc.flags takes part's OFPSF_REPLY_MORE bit, so
// acc.more() is false once the last part is in.
Result<void> append_stats_reply(StatsReply& acc, const StatsReply& part);

}  // namespace ofkit::of
