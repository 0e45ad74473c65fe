#pragma once
// One representative value of every OpenFlow 1.0 message type and every
// stats body, shared by the printer and JSON tests.

#include <string>
#include <vector>

#include "oflib/text/flow_syntax.h"
#include "oflib/wire/message.h"

namespace ofkit::text::testing {

struct Sample {
  std::string name;  // for test output
  of::Message msg;
};

inline of::Match match_of(std::string_view s) { return *parse_match(s); }
inline of::ActionList actions_of(std::string_view s) { return *parse_actions(s); }

// A 60-byte TCP SYN from 10.0.0.1:1234 to 10.0.0.2:80.
inline std::vector<uint8_t> tcp_frame() {
  std::vector<uint8_t> f = {
      0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00,  // Ethernet
      0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x06, 0x00, 0x00,              // IPv4
      0x0a, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00, 0x02,                                      // src, dst
      0x04, 0xd2, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,              // TCP
      0x50, 0x02, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00,
  };
  f.resize(60, 0);
  return f;
}

inline of::PhyPort sample_port() {
  of::PhyPort p;
  p.port_no = 1;
  p.hw_addr = *MacAddr::parse("00:00:00:00:00:11");
  p.name = "eth1";
  p.config = of::port_config::kNoFlood;
  p.state = of::port_state::kStpForward;
  p.curr = of::port_features::k1GbFd | of::port_features::kCopper;
  p.supported = of::port_features::k1GbFd;
  return p;
}

inline std::vector<Sample> sample_messages() {
  std::vector<Sample> s;
  s.push_back({"hello", of::Hello{}});
  s.push_back({"error", of::ErrorMsg{1, 6, {0x01, 0x12, 0x00, 0x08, 0x00, 0x00, 0x00, 0x05}}});
  s.push_back({"error_unknown", of::ErrorMsg{9, 9, {}}});
  s.push_back({"echo_request", of::EchoRequest{{1, 2, 3, 4}}});
  s.push_back({"echo_reply", of::EchoReply{{}}});
  s.push_back({"vendor", of::Vendor{0x2320, {0xde, 0xad}}});
  s.push_back({"features_request", of::FeaturesRequest{}});
  {
    of::FeaturesReply r;
    r.datapath_id = 0x1122334455667788ULL;
    r.n_buffers = 256;
    r.n_tables = 1;
    r.capabilities = of::capability::kFlowStats | of::capability::kArpMatchIp;
    r.actions = 0xfff;
    r.ports = {sample_port()};
    s.push_back({"features_reply", r});
  }
  s.push_back({"get_config_request", of::GetConfigRequest{}});
  s.push_back({"get_config_reply", of::GetConfigReply{of::config_flags::kFragDrop, 128}});
  s.push_back({"set_config", of::SetConfig{of::config_flags::kFragNormal, 0xffff}});
  s.push_back({"packet_in", of::PacketIn{0x100, 60, 1, of::PacketInReason::kNoMatch, tcp_frame()}});
  {
    of::FlowRemoved r;
    r.match = match_of("tcp,in_port=1,tp_dst=80");
    r.cookie = 5;
    r.priority = 100;
    r.reason = of::FlowRemovedReason::kHardTimeout;
    r.duration_sec = 3;
    r.duration_nsec = 500000000;
    r.idle_timeout = 10;
    r.packet_count = 7;
    r.byte_count = 420;
    s.push_back({"flow_removed", r});
  }
  s.push_back({"port_status", of::PortStatus{of::PortReason::kModify, sample_port()}});
  s.push_back({"packet_out",
               of::PacketOut{of::kNoBuffer, of::port::kController, actions_of("output:2"), tcp_frame()}});
  {
    of::FlowMod m;
    m.match = match_of("tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80");
    m.cookie = 5;
    m.idle_timeout = 10;
    m.priority = 100;
    m.flags = of::flow_mod_flags::kSendFlowRem;
    m.actions = actions_of("mod_vlan_vid:5,output:2,FLOOD,enqueue:3:1,mod_nw_tos:8");
    s.push_back({"flow_mod", m});
    of::FlowMod d;
    d.command = of::FlowModCommand::kDeleteStrict;
    d.out_port = 2;
    d.buffer_id = 7;
    s.push_back({"flow_mod_delete", d});
  }
  {
    of::PortMod m;
    m.port_no = 1;
    m.hw_addr = *MacAddr::parse("00:00:00:00:00:11");
    m.config = of::port_config::kPortDown;
    m.mask = of::port_config::kPortDown | of::port_config::kNoFlood;
    s.push_back({"port_mod", m});
  }
  s.push_back({"stats_request_desc", of::StatsRequest{0, of::DescStatsRequest{}}});
  s.push_back({"stats_request_flow",
               of::StatsRequest{0, of::FlowStatsRequest{match_of("in_port=1"), 0xff, of::port::kNone}}});
  s.push_back(
      {"stats_request_aggregate", of::StatsRequest{0, of::AggregateStatsRequest{match_of("ip"), 0, 3}}});
  s.push_back({"stats_request_table", of::StatsRequest{0, of::TableStatsRequest{}}});
  s.push_back({"stats_request_port", of::StatsRequest{0, of::PortStatsRequest{of::port::kNone}}});
  s.push_back({"stats_request_queue", of::StatsRequest{0, of::QueueStatsRequest{1, of::kAllQueues}}});
  s.push_back({"stats_request_vendor", of::StatsRequest{0, of::VendorStats{0x2320, {1, 2, 3, 4}}}});
  s.push_back({"stats_reply_desc",
               of::StatsReply{0, of::DescStatsReply{{"ofkit", "software", "0.1.0", "None", "test dp"}}}});
  {
    of::FlowStats f;
    f.table_id = 0;
    f.match = match_of("udp,tp_dst=53");
    f.duration_sec = 1;
    f.duration_nsec = 5000000;
    f.priority = 10;
    f.idle_timeout = 30;
    f.cookie = 0xabc;
    f.packet_count = 3;
    f.byte_count = 180;
    f.actions = actions_of("output:1");
    s.push_back(
        {"stats_reply_flow", of::StatsReply{of::kStatsReplyMore, of::FlowStatsReply{{f, of::FlowStats{}}}}});
  }
  s.push_back({"stats_reply_aggregate", of::StatsReply{0, of::AggregateStatsReply{10, 1000, 2}}});
  s.push_back(
      {"stats_reply_table",
       of::StatsReply{0, of::TableStatsReply{{{0, "classifier", of::wildcards::kAll, 1000000, 2, 50, 40}}}}});
  {
    of::PortStats p;
    p.port_no = 1;
    p.rx_packets = 1;
    p.tx_packets = 2;
    p.rx_bytes = 3;
    p.tx_bytes = 4;
    p.collisions = 5;
    s.push_back({"stats_reply_port", of::StatsReply{0, of::PortStatsReply{{p}}}});
  }
  s.push_back({"stats_reply_queue", of::StatsReply{0, of::QueueStatsReply{{{1, 2, 100, 3, 0}}}}});
  s.push_back({"stats_reply_vendor", of::StatsReply{0, of::VendorStats{0x2320, {}}}});
  s.push_back({"barrier_request", of::BarrierRequest{}});
  s.push_back({"barrier_reply", of::BarrierReply{}});
  s.push_back({"queue_get_config_request", of::QueueGetConfigRequest{1}});
  s.push_back({"queue_get_config_reply",
               of::QueueGetConfigReply{1, {{1, {of::QueuePropMinRate{500}}}, {2, {of::QueuePropNone{}}}}}});
  return s;
}

}  // namespace ofkit::text::testing
