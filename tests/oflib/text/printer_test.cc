#include "oflib/text/printer.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/oflib/text/sample_messages.h"

namespace ofkit::text {
namespace {

// Expected text for every sample message (xid 7). Checked by eye against
// `ovs-ofctl ofp-print` of the same bytes: identical for HELLO (body), ECHO,
// FEATURES_REQUEST, GET/SET_CONFIG, PACKET_IN/OUT (header line), FLOW_MOD,
// FLOW_REMOVED, PORT_STATUS, PORT_MOD, the stats requests, DESC, FLOW,
// AGGREGATE and PORT replies, BARRIER and QUEUE_GET_CONFIG; ours differs on
// purpose where OVS prints its own extensions (packet fields OF1.0 cannot
// match, table-stats field lists, Nicira vendor bodies).
const std::map<std::string, std::string> kGolden = {
    {"hello", "OFPT_HELLO (xid=0x7):"},
    {"error",
     "OFPT_ERROR (xid=0x7): OFPET_BAD_REQUEST/OFPBRC_BAD_LEN\n"
     "OFPT_BARRIER_REQUEST (xid=0x5):"},
    {"error_unknown", "OFPT_ERROR (xid=0x7): type=0x9,code=0x9"},
    {"echo_request",
     "OFPT_ECHO_REQUEST (xid=0x7): 4 bytes of payload\n"
     "00000000  01 02 03 04                                     |....            |"},
    {"echo_reply", "OFPT_ECHO_REPLY (xid=0x7): 0 bytes of payload"},
    {"vendor",
     "OFPT_VENDOR (xid=0x7): vendor=0x00002320 2 bytes of data\n"
     "00000000  de ad                                           |..              |"},
    {"features_request", "OFPT_FEATURES_REQUEST (xid=0x7):"},
    {"features_reply",
     "OFPT_FEATURES_REPLY (xid=0x7): dpid:1122334455667788\n"
     "n_tables:1, n_buffers:256\n"
     "capabilities: FLOW_STATS ARP_MATCH_IP\n"
     "actions: OUTPUT SET_VLAN_VID SET_VLAN_PCP STRIP_VLAN SET_DL_SRC SET_DL_DST SET_NW_SRC SET_NW_DST "
     "SET_NW_TOS SET_TP_SRC SET_TP_DST ENQUEUE\n"
     " 1(eth1): addr:00:00:00:00:00:11\n"
     "     config:     NO_FLOOD\n"
     "     state:      STP_FORWARD\n"
     "     current:    1GB-FD COPPER\n"
     "     supported:  1GB-FD"},
    {"get_config_request", "OFPT_GET_CONFIG_REQUEST (xid=0x7):"},
    {"get_config_reply", "OFPT_GET_CONFIG_REPLY (xid=0x7): frags=drop miss_send_len=128"},
    {"set_config", "OFPT_SET_CONFIG (xid=0x7): frags=normal miss_send_len=65535"},
    {"packet_in",
     "OFPT_PACKET_IN (xid=0x7): total_len=60 in_port=1 (via no_match) data_len=60 buffer=0x00000100\n"
     "tcp,in_port=1,dl_vlan=0xffff,dl_vlan_pcp=0,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,nw_src=10."
     "0.0.1,nw_dst=10.0.0.2,nw_tos=0,tp_src=1234,tp_dst=80"},
    {"flow_removed",
     "OFPT_FLOW_REMOVED (xid=0x7): priority=100,tcp,in_port=1,tp_dst=80 reason=hard cookie:0x5 "
     "duration3.500s idle10 pkts7 bytes420"},
    {"port_status",
     "OFPT_PORT_STATUS (xid=0x7): MOD: 1(eth1): addr:00:00:00:00:00:11\n"
     "     config:     NO_FLOOD\n"
     "     state:      STP_FORWARD\n"
     "     current:    1GB-FD COPPER\n"
     "     supported:  1GB-FD"},
    {"packet_out",
     "OFPT_PACKET_OUT (xid=0x7): in_port=CONTROLLER actions=output:2 data_len=60\n"
     "tcp,in_port=CONTROLLER,dl_vlan=0xffff,dl_vlan_pcp=0,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,"
     "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,tp_src=1234,tp_dst=80"},
    {"flow_mod",
     "OFPT_FLOW_MOD (xid=0x7): ADD priority=100,tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80 cookie:0x5 idle:10 "
     "send_flow_rem actions=mod_vlan_vid:5,output:2,FLOOD,enqueue:3:1,mod_nw_tos:8"},
    {"flow_mod_delete", "OFPT_FLOW_MOD (xid=0x7): DEL_STRICT buf:0x7 out_port:2 actions=drop"},
    {"port_mod",
     "OFPT_PORT_MOD (xid=0x7): port: 1: addr:00:00:00:00:00:11\n"
     "     config: PORT_DOWN\n"
     "     mask:   PORT_DOWN NO_FLOOD\n"
     "     advertise: UNCHANGED"},
    {"stats_request_desc", "OFPST_DESC request (xid=0x7):"},
    {"stats_request_flow", "OFPST_FLOW request (xid=0x7): in_port=1"},
    {"stats_request_aggregate", "OFPST_AGGREGATE request (xid=0x7): table=0 out_port=3 ip"},
    {"stats_request_table", "OFPST_TABLE request (xid=0x7):"},
    {"stats_request_port", "OFPST_PORT request (xid=0x7): port_no=ANY"},
    {"stats_request_queue", "OFPST_QUEUE request (xid=0x7): port=1 queue=ALL"},
    {"stats_request_vendor",
     "OFPST_VENDOR request (xid=0x7): vendor=0x00002320 4 bytes of data\n"
     "00000000  01 02 03 04                                     |....            |"},
    {"stats_reply_desc",
     "OFPST_DESC reply (xid=0x7):\n"
     "Manufacturer: ofkit\n"
     "Hardware: software\n"
     "Software: 0.1.0\n"
     "Serial Num: None\n"
     "DP Description: test dp"},
    {"stats_reply_flow",
     "OFPST_FLOW reply (xid=0x7): flags=[more]\n"
     " cookie=0xabc, duration=1.005s, table=0, n_packets=3, n_bytes=180, idle_timeout=30, "
     "priority=10,udp,tp_dst=53 actions=output:1\n"
     " cookie=0x0, duration=0s, table=0, n_packets=0, n_bytes=0, priority=0 actions=drop"},
    {"stats_reply_aggregate",
     "OFPST_AGGREGATE reply (xid=0x7): packet_count=10 byte_count=1000 flow_count=2"},
    {"stats_reply_table",
     "OFPST_TABLE reply (xid=0x7): 1 tables\n"
     "  0: classifier: wild=0x3fffff, max=1000000, active=2\n"
     "               lookup=50, matched=40"},
    {"stats_reply_port",
     "OFPST_PORT reply (xid=0x7): 1 ports\n"
     "  port     1: rx pkts=1, bytes=3, drop=0, errs=0, frame=0, over=0, crc=0\n"
     "           tx pkts=2, bytes=4, drop=0, errs=0, coll=5"},
    {"stats_reply_queue",
     "OFPST_QUEUE reply (xid=0x7): 1 queues\n"
     "  port 1 queue 2: bytes=100, pkts=3, errors=0"},
    {"stats_reply_vendor", "OFPST_VENDOR reply (xid=0x7): vendor=0x00002320 0 bytes of data"},
    {"barrier_request", "OFPT_BARRIER_REQUEST (xid=0x7):"},
    {"barrier_reply", "OFPT_BARRIER_REPLY (xid=0x7):"},
    {"queue_get_config_request", "OFPT_QUEUE_GET_CONFIG_REQUEST (xid=0x7): port=1"},
    {"queue_get_config_reply",
     "OFPT_QUEUE_GET_CONFIG_REPLY (xid=0x7): port=1\n"
     "queue 1: min_rate:50.0%\n"
     "queue 2: none"},
};

TEST(Printer, EveryMessagePrintsAsExpected) {
  std::set<size_t> types;
  for (const auto& s : testing::sample_messages()) {
    types.insert(s.msg.index());
    auto it = kGolden.find(s.name);
    ASSERT_NE(it, kGolden.end()) << s.name;
    EXPECT_EQ(format_message(s.msg, 7), it->second) << s.name;
  }
  EXPECT_EQ(types.size(), of::kMsgTypeCount);
}

TEST(Printer, DecodedMessageKeepsItsXid) {
  const auto bytes = of::encode_message(of::BarrierReply{}, 0xabcdef);
  auto d = of::decode(bytes);
  ASSERT_TRUE(d);
  EXPECT_EQ(format_message(*d), "OFPT_BARRIER_REPLY (xid=0xabcdef):");
}

TEST(Printer, ErrorNames) {
  EXPECT_EQ(format_error_name(of::Ofperr::kBadRequestBadLen), "OFPET_BAD_REQUEST/OFPBRC_BAD_LEN");
  EXPECT_EQ(format_error_type_code(2, 4), "OFPET_BAD_ACTION/OFPBAC_BAD_OUT_PORT");
  EXPECT_EQ(format_error_type_code(1, 99), "OFPET_BAD_REQUEST/code=0x63");
  EXPECT_EQ(format_error_type_code(77, 1), "type=0x4d,code=0x1");
}

TEST(Printer, HexDumpLikeOvs) {
  std::vector<uint8_t> b(18);
  for (size_t i = 0; i < b.size(); ++i) b[i] = static_cast<uint8_t>(0x41 + i);
  EXPECT_EQ(format_hex_dump(b),
            "00000000  41 42 43 44 45 46 47 48-49 4a 4b 4c 4d 4e 4f 50 |ABCDEFGHIJKLMNOP|\n"
            "00000010  51 52                                           |QR              |");
}

TEST(Printer, PacketFlowKeys) {
  EXPECT_EQ(format_packet(testing::tcp_frame(), 3),
            "tcp,in_port=3,dl_vlan=0xffff,dl_vlan_pcp=0,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,"
            "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,tp_src=1234,tp_dst=80");
  const std::vector<uint8_t> runt = {1, 2, 3};
  EXPECT_EQ(format_packet(runt), "(malformed frame, 3 bytes)");
}

TEST(Printer, UnknownEnumValuesStillPrint) {
  of::PacketIn p;
  p.reason = static_cast<of::PacketInReason>(9);
  EXPECT_EQ(format_message(p, 1),
            "OFPT_PACKET_IN (xid=0x1): total_len=0 in_port=0 (via unknown) data_len=0 (unbuffered)");
  of::FlowMod m;
  m.command = static_cast<of::FlowModCommand>(9);
  m.flags = 0x30;
  EXPECT_EQ(format_message(m, 1), "OFPT_FLOW_MOD (xid=0x1): cmd:9 flags:0x30 actions=drop");
}

}  // namespace
}  // namespace ofkit::text
