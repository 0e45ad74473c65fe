#pragma once
// The OpenFlow 1.0.0 wire structs exactly as the specification's openflow.h
// declares them (same names, same field order, natural alignment, which the
// spec arranges so no compiler padding is needed except where it says so).
//
// They are never used to read or write bytes (that is memcpy + byte swap,
// byte_order.h); they exist so the compiler checks every size and offset the
// codecs hard-code against the spec: sizeof and offsetof below are the
// spec's OFP_ASSERTs plus the offsets the encoders use.

#include <cstddef>
#include <cstdint>

#include "oflib/wire/actions.h"
#include "oflib/wire/error_msg.h"
#include "oflib/wire/features.h"
#include "oflib/wire/flow_mod.h"
#include "oflib/wire/match.h"
#include "oflib/wire/packet_in.h"
#include "oflib/wire/packet_out.h"
#include "oflib/wire/port.h"
#include "oflib/wire/queue_config.h"
#include "oflib/wire/simple.h"
#include "oflib/wire/stats.h"
#include "oflib/wire/switch_config.h"

namespace ofkit::of::spec {

struct ofp_header {
  uint8_t version;
  uint8_t type;
  uint16_t length;
  uint32_t xid;
};
struct ofp_match {
  uint32_t wildcards;
  uint16_t in_port;
  uint8_t dl_src[6];
  uint8_t dl_dst[6];
  uint16_t dl_vlan;
  uint8_t dl_vlan_pcp;
  uint8_t pad1[1];
  uint16_t dl_type;
  uint8_t nw_tos;
  uint8_t nw_proto;
  uint8_t pad2[2];
  uint32_t nw_src;
  uint32_t nw_dst;
  uint16_t tp_src;
  uint16_t tp_dst;
};
struct ofp_phy_port {
  uint16_t port_no;
  uint8_t hw_addr[6];
  char name[16];
  uint32_t config, state, curr, advertised, supported, peer;
};
struct ofp_switch_features {
  ofp_header header;
  uint64_t datapath_id;
  uint32_t n_buffers;
  uint8_t n_tables;
  uint8_t pad[3];
  uint32_t capabilities;
  uint32_t actions;
};
struct ofp_switch_config {
  ofp_header header;
  uint16_t flags;
  uint16_t miss_send_len;
};
struct ofp_error_msg {
  ofp_header header;
  uint16_t type;
  uint16_t code;
};
struct ofp_vendor_header {
  ofp_header header;
  uint32_t vendor;
};
struct ofp_packet_in {
  ofp_header header;
  uint32_t buffer_id;
  uint16_t total_len;
  uint16_t in_port;
  uint8_t reason;
  uint8_t pad;
  // uint8_t data[0] starts here, at offset 18.
};
struct ofp_packet_out {
  ofp_header header;
  uint32_t buffer_id;
  uint16_t in_port;
  uint16_t actions_len;
};
struct ofp_flow_mod {
  ofp_header header;
  ofp_match match;
  uint64_t cookie;
  uint16_t command;
  uint16_t idle_timeout;
  uint16_t hard_timeout;
  uint16_t priority;
  uint32_t buffer_id;
  uint16_t out_port;
  uint16_t flags;
};
struct ofp_flow_removed {
  ofp_header header;
  ofp_match match;
  uint64_t cookie;
  uint16_t priority;
  uint8_t reason;
  uint8_t pad[1];
  uint32_t duration_sec;
  uint32_t duration_nsec;
  uint16_t idle_timeout;
  uint8_t pad2[2];
  uint64_t packet_count;
  uint64_t byte_count;
};
struct ofp_port_status {
  ofp_header header;
  uint8_t reason;
  uint8_t pad[7];
  ofp_phy_port desc;
};
struct ofp_port_mod {
  ofp_header header;
  uint16_t port_no;
  uint8_t hw_addr[6];
  uint32_t config;
  uint32_t mask;
  uint32_t advertise;
  uint8_t pad[4];
};
struct ofp_stats_request {
  ofp_header header;
  uint16_t type;
  uint16_t flags;
};
struct ofp_desc_stats {
  char mfr_desc[256], hw_desc[256], sw_desc[256], serial_num[32], dp_desc[256];
};
struct ofp_flow_stats_request {
  ofp_match match;
  uint8_t table_id;
  uint8_t pad;
  uint16_t out_port;
};
struct ofp_flow_stats {
  uint16_t length;
  uint8_t table_id;
  uint8_t pad;
  ofp_match match;
  uint32_t duration_sec;
  uint32_t duration_nsec;
  uint16_t priority;
  uint16_t idle_timeout;
  uint16_t hard_timeout;
  uint8_t pad2[6];
  uint64_t cookie;
  uint64_t packet_count;
  uint64_t byte_count;
};
struct ofp_aggregate_stats_reply {
  uint64_t packet_count;
  uint64_t byte_count;
  uint32_t flow_count;
  uint8_t pad[4];
};
struct ofp_table_stats {
  uint8_t table_id;
  uint8_t pad[3];
  char name[32];
  uint32_t wildcards;
  uint32_t max_entries;
  uint32_t active_count;
  uint64_t lookup_count;
  uint64_t matched_count;
};
struct ofp_port_stats_request {
  uint16_t port_no;
  uint8_t pad[6];
};
struct ofp_port_stats {
  uint16_t port_no;
  uint8_t pad[6];
  uint64_t rx_packets, tx_packets, rx_bytes, tx_bytes, rx_dropped, tx_dropped;
  uint64_t rx_errors, tx_errors, rx_frame_err, rx_over_err, rx_crc_err, collisions;
};
struct ofp_queue_stats_request {
  uint16_t port_no;
  uint8_t pad[2];
  uint32_t queue_id;
};
struct ofp_queue_stats {
  uint16_t port_no;
  uint8_t pad[2];
  uint32_t queue_id;
  uint64_t tx_bytes, tx_packets, tx_errors;
};
struct ofp_queue_get_config_request {
  ofp_header header;
  uint16_t port;
  uint8_t pad[2];
};
struct ofp_queue_get_config_reply {
  ofp_header header;
  uint16_t port;
  uint8_t pad[6];
};
struct ofp_packet_queue {
  uint32_t queue_id;
  uint16_t len;
  uint8_t pad[2];
};
struct ofp_queue_prop_header {
  uint16_t property;
  uint16_t len;
  uint8_t pad[4];
};
struct ofp_queue_prop_min_rate {
  ofp_queue_prop_header prop_header;
  uint16_t rate;
  uint8_t pad[6];
};
struct ofp_action_output {
  uint16_t type, len, port, max_len;
};
struct ofp_action_dl_addr {
  uint16_t type, len;
  uint8_t dl_addr[6];
  uint8_t pad[6];
};
struct ofp_action_enqueue {
  uint16_t type, len, port;
  uint8_t pad[6];
  uint32_t queue_id;
};

// The spec's OFP_ASSERTs, against the constants the codecs use.
static_assert(sizeof(ofp_header) == kHeaderLen);
static_assert(sizeof(ofp_match) == kMatchLen);
static_assert(sizeof(ofp_phy_port) == kPhyPortLen);
static_assert(sizeof(ofp_switch_features) == kSwitchFeaturesLen);
static_assert(sizeof(ofp_switch_config) == kSwitchConfigLen);
static_assert(sizeof(ofp_error_msg) == kErrorMsgLen);
static_assert(sizeof(ofp_vendor_header) == kVendorHeaderLen);
static_assert(sizeof(ofp_packet_in) == 20 && offsetof(ofp_packet_in, pad) + 1 == kPacketInLen);
static_assert(sizeof(ofp_packet_out) == kPacketOutLen);
static_assert(sizeof(ofp_flow_mod) == kFlowModLen);
static_assert(sizeof(ofp_flow_removed) == kFlowRemovedLen);
static_assert(sizeof(ofp_port_status) == kPortStatusLen);
static_assert(sizeof(ofp_port_mod) == kPortModLen);
static_assert(sizeof(ofp_stats_request) == kStatsMsgLen);
static_assert(sizeof(ofp_desc_stats) == kDescStatsLen);
static_assert(sizeof(ofp_flow_stats_request) == kFlowStatsRequestLen);
static_assert(sizeof(ofp_flow_stats) == kFlowStatsLen);
static_assert(sizeof(ofp_aggregate_stats_reply) == kAggregateStatsReplyLen);
static_assert(sizeof(ofp_table_stats) == kTableStatsLen);
static_assert(sizeof(ofp_port_stats_request) == kPortStatsRequestLen);
static_assert(sizeof(ofp_port_stats) == kPortStatsLen);
static_assert(sizeof(ofp_queue_stats_request) == kQueueStatsRequestLen);
static_assert(sizeof(ofp_queue_stats) == kQueueStatsLen);
static_assert(sizeof(ofp_queue_get_config_request) == kQueueGetConfigRequestLen);
static_assert(sizeof(ofp_queue_get_config_reply) == kQueueGetConfigReplyLen);
static_assert(sizeof(ofp_packet_queue) == kPacketQueueLen);
static_assert(sizeof(ofp_queue_prop_header) == kQueuePropHeaderLen);
static_assert(sizeof(ofp_queue_prop_min_rate) == kQueuePropMinRateLen);
static_assert(sizeof(ofp_action_output) == kActionOutputLen);
static_assert(sizeof(ofp_action_dl_addr) == kActionDlAddrLen);
static_assert(sizeof(ofp_action_enqueue) == kActionEnqueueLen);

// Offsets the encoders and views hard-code.
static_assert(offsetof(ofp_match, dl_vlan) == 18 && offsetof(ofp_match, dl_type) == 22 &&
              offsetof(ofp_match, nw_tos) == 24 && offsetof(ofp_match, nw_src) == 28 &&
              offsetof(ofp_match, tp_src) == 36);
static_assert(offsetof(ofp_phy_port, name) == 8 && offsetof(ofp_phy_port, config) == 24 &&
              offsetof(ofp_phy_port, peer) == 44);
static_assert(offsetof(ofp_switch_features, n_tables) == 20 && offsetof(ofp_switch_features, actions) == 28);
static_assert(offsetof(ofp_packet_in, total_len) == 12 && offsetof(ofp_packet_in, reason) == 16);
static_assert(offsetof(ofp_flow_mod, cookie) == 48 && offsetof(ofp_flow_mod, command) == 56 &&
              offsetof(ofp_flow_mod, priority) == 62 && offsetof(ofp_flow_mod, buffer_id) == 64 &&
              offsetof(ofp_flow_mod, out_port) == 68 && offsetof(ofp_flow_mod, flags) == 70);
static_assert(offsetof(ofp_flow_removed, reason) == 58 && offsetof(ofp_flow_removed, duration_sec) == 60 &&
              offsetof(ofp_flow_removed, idle_timeout) == 68 &&
              offsetof(ofp_flow_removed, packet_count) == 72);
static_assert(offsetof(ofp_port_status, desc) == 16);
static_assert(offsetof(ofp_port_mod, config) == 16 && offsetof(ofp_port_mod, advertise) == 24);
static_assert(offsetof(ofp_flow_stats, match) == 4 && offsetof(ofp_flow_stats, duration_sec) == 44 &&
              offsetof(ofp_flow_stats, priority) == 52 && offsetof(ofp_flow_stats, cookie) == 64 &&
              offsetof(ofp_flow_stats, byte_count) == 80);
static_assert(offsetof(ofp_table_stats, name) == 4 && offsetof(ofp_table_stats, wildcards) == 36 &&
              offsetof(ofp_table_stats, lookup_count) == 48);
static_assert(offsetof(ofp_desc_stats, serial_num) == 768 && offsetof(ofp_desc_stats, dp_desc) == 800);
static_assert(offsetof(ofp_queue_stats, queue_id) == 4 && offsetof(ofp_queue_stats, tx_bytes) == 8);
static_assert(offsetof(ofp_queue_prop_min_rate, rate) == 8);
static_assert(offsetof(ofp_action_enqueue, queue_id) == 12);

}  // namespace ofkit::of::spec
