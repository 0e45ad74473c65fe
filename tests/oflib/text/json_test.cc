#include "oflib/text/json.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "tests/oflib/text/sample_messages.h"

namespace ofkit::text {
namespace {

// Expected JSON for every sample message (xid 7), written out in full so a
// change of any name or field shows up here.
const std::map<std::string, std::string> kGolden = {
    {"hello", R"json({"type":"HELLO","xid":7,"msg":{"body":""}})json"},
    {"error",
     R"json({"type":"ERROR","xid":7,"msg":{"type":"OFPET_BAD_REQUEST","code":"OFPBRC_BAD_LEN","data":"0112000800000005"}})json"},
    {"error_unknown", R"json({"type":"ERROR","xid":7,"msg":{"type":9,"code":9,"data":""}})json"},
    {"echo_request", R"json({"type":"ECHO_REQUEST","xid":7,"msg":{"data":"01020304"}})json"},
    {"echo_reply", R"json({"type":"ECHO_REPLY","xid":7,"msg":{"data":""}})json"},
    {"vendor", R"json({"type":"VENDOR","xid":7,"msg":{"vendor":8992,"data":"dead"}})json"},
    {"features_request", R"json({"type":"FEATURES_REQUEST","xid":7,"msg":{}})json"},
    {"features_reply",
     R"json({"type":"FEATURES_REPLY","xid":7,"msg":{"datapath_id":1234605616436508552,"n_buffers":256,"n_tables":1,"capabilities":["FLOW_STATS","ARP_MATCH_IP"],"actions":["OUTPUT","SET_VLAN_VID","SET_VLAN_PCP","STRIP_VLAN","SET_DL_SRC","SET_DL_DST","SET_NW_SRC","SET_NW_DST","SET_NW_TOS","SET_TP_SRC","SET_TP_DST","ENQUEUE"],"ports":[{"port_no":1,"hw_addr":"00:00:00:00:00:11","name":"eth1","config":["NO_FLOOD"],"state":["STP_FORWARD"],"curr":["1GB_FD","COPPER"],"advertised":[],"supported":["1GB_FD"],"peer":[]}]}})json"},
    {"get_config_request", R"json({"type":"GET_CONFIG_REQUEST","xid":7,"msg":{}})json"},
    {"get_config_reply",
     R"json({"type":"GET_CONFIG_REPLY","xid":7,"msg":{"flags":"FRAG_DROP","miss_send_len":128}})json"},
    {"set_config",
     R"json({"type":"SET_CONFIG","xid":7,"msg":{"flags":"FRAG_NORMAL","miss_send_len":65535}})json"},
    {"packet_in",
     R"json({"type":"PACKET_IN","xid":7,"msg":{"buffer_id":256,"total_len":60,"in_port":1,"reason":"NO_MATCH","data":"00000000000200000000000108004500002800010000400600000a0000010a00000204d2005000000001000000005002200000000000000000000000"}})json"},
    {"flow_removed",
     R"json({"type":"FLOW_REMOVED","xid":7,"msg":{"match":{"in_port":1,"dl_type":2048,"nw_proto":6,"tp_dst":80},"cookie":5,"priority":100,"reason":"HARD_TIMEOUT","duration_sec":3,"duration_nsec":500000000,"idle_timeout":10,"packet_count":7,"byte_count":420}})json"},
    {"port_status",
     R"json({"type":"PORT_STATUS","xid":7,"msg":{"reason":"MODIFY","desc":{"port_no":1,"hw_addr":"00:00:00:00:00:11","name":"eth1","config":["NO_FLOOD"],"state":["STP_FORWARD"],"curr":["1GB_FD","COPPER"],"advertised":[],"supported":["1GB_FD"],"peer":[]}}})json"},
    {"packet_out",
     R"json({"type":"PACKET_OUT","xid":7,"msg":{"buffer_id":"NO_BUFFER","in_port":"CONTROLLER","actions":[{"type":"OUTPUT","port":2,"max_len":0}],"data":"00000000000200000000000108004500002800010000400600000a0000010a00000204d2005000000001000000005002200000000000000000000000"}})json"},
    {"flow_mod", R"json({"type":"FLOW_MOD","xid":7,"msg":{"command":"ADD","match":{"in_port":1,"dl_type":2048,"nw_src":"10.0.0.0/8","nw_proto":6,"tp_dst":80},"cookie":5,"idle_timeout":10,"hard_timeout":0,"priority":100,"buffer_id":"NO_BUFFER","out_port":"NONE","flags":["SEND_FLOW_REM"],"actions":[{"type":"SET_VLAN_VID","vlan_vid":5},{"type":"OUTPUT","port":2,"max_len":0},{"type":"OUTPUT","port":"FLOOD","max_len":0},{"type":"ENQUEUE","port":3,"queue_id":1},{"type":"SET_NW_TOS","nw_tos":8}]}})json"},
    {"flow_mod_delete",
     R"json({"type":"FLOW_MOD","xid":7,"msg":{"command":"DELETE_STRICT","match":{},"cookie":0,"idle_timeout":0,"hard_timeout":0,"priority":32768,"buffer_id":7,"out_port":2,"flags":[],"actions":[]}})json"},
    {"port_mod",
     R"json({"type":"PORT_MOD","xid":7,"msg":{"port_no":1,"hw_addr":"00:00:00:00:00:11","config":["PORT_DOWN"],"mask":["PORT_DOWN","NO_FLOOD"],"advertise":[]}})json"},
    {"stats_request_desc",
     R"json({"type":"STATS_REQUEST","xid":7,"msg":{"stats_type":"DESC","flags":0,"body":{}}})json"},
    {"stats_request_flow",
     R"json({"type":"STATS_REQUEST","xid":7,"msg":{"stats_type":"FLOW","flags":0,"body":{"match":{"in_port":1},"table_id":"ALL","out_port":"NONE"}}})json"},
    {"stats_request_aggregate",
     R"json({"type":"STATS_REQUEST","xid":7,"msg":{"stats_type":"AGGREGATE","flags":0,"body":{"match":{"dl_type":2048},"table_id":0,"out_port":3}}})json"},
    {"stats_request_table",
     R"json({"type":"STATS_REQUEST","xid":7,"msg":{"stats_type":"TABLE","flags":0,"body":{}}})json"},
    {"stats_request_port",
     R"json({"type":"STATS_REQUEST","xid":7,"msg":{"stats_type":"PORT","flags":0,"body":{"port_no":"NONE"}}})json"},
    {"stats_request_queue",
     R"json({"type":"STATS_REQUEST","xid":7,"msg":{"stats_type":"QUEUE","flags":0,"body":{"port_no":1,"queue_id":"ALL"}}})json"},
    {"stats_request_vendor",
     R"json({"type":"STATS_REQUEST","xid":7,"msg":{"stats_type":"VENDOR","flags":0,"body":{"vendor":8992,"body":"01020304"}}})json"},
    {"stats_reply_desc",
     R"json({"type":"STATS_REPLY","xid":7,"msg":{"stats_type":"DESC","flags":[],"body":{"mfr_desc":"ofkit","hw_desc":"software","sw_desc":"0.1.0","serial_num":"None","dp_desc":"test dp"}}})json"},
    {"stats_reply_flow",
     R"json({"type":"STATS_REPLY","xid":7,"msg":{"stats_type":"FLOW","flags":["REPLY_MORE"],"body":{"flows":[{"table_id":0,"match":{"dl_type":2048,"nw_proto":17,"tp_dst":53},"duration_sec":1,"duration_nsec":5000000,"priority":10,"idle_timeout":30,"hard_timeout":0,"cookie":2748,"packet_count":3,"byte_count":180,"actions":[{"type":"OUTPUT","port":1,"max_len":0}]},{"table_id":0,"match":{},"duration_sec":0,"duration_nsec":0,"priority":0,"idle_timeout":0,"hard_timeout":0,"cookie":0,"packet_count":0,"byte_count":0,"actions":[]}]}}})json"},
    {"stats_reply_aggregate",
     R"json({"type":"STATS_REPLY","xid":7,"msg":{"stats_type":"AGGREGATE","flags":[],"body":{"packet_count":10,"byte_count":1000,"flow_count":2}}})json"},
    {"stats_reply_table",
     R"json({"type":"STATS_REPLY","xid":7,"msg":{"stats_type":"TABLE","flags":[],"body":{"tables":[{"table_id":0,"name":"classifier","wildcards":4194303,"max_entries":1000000,"active_count":2,"lookup_count":50,"matched_count":40}]}}})json"},
    {"stats_reply_port",
     R"json({"type":"STATS_REPLY","xid":7,"msg":{"stats_type":"PORT","flags":[],"body":{"ports":[{"port_no":1,"rx_packets":1,"tx_packets":2,"rx_bytes":3,"tx_bytes":4,"rx_dropped":0,"tx_dropped":0,"rx_errors":0,"tx_errors":0,"rx_frame_err":0,"rx_over_err":0,"rx_crc_err":0,"collisions":5}]}}})json"},
    {"stats_reply_queue",
     R"json({"type":"STATS_REPLY","xid":7,"msg":{"stats_type":"QUEUE","flags":[],"body":{"queues":[{"port_no":1,"queue_id":2,"tx_bytes":100,"tx_packets":3,"tx_errors":0}]}}})json"},
    {"stats_reply_vendor",
     R"json({"type":"STATS_REPLY","xid":7,"msg":{"stats_type":"VENDOR","flags":[],"body":{"vendor":8992,"body":""}}})json"},
    {"barrier_request", R"json({"type":"BARRIER_REQUEST","xid":7,"msg":{}})json"},
    {"barrier_reply", R"json({"type":"BARRIER_REPLY","xid":7,"msg":{}})json"},
    {"queue_get_config_request", R"json({"type":"QUEUE_GET_CONFIG_REQUEST","xid":7,"msg":{"port":1}})json"},
    {"queue_get_config_reply",
     R"json({"type":"QUEUE_GET_CONFIG_REPLY","xid":7,"msg":{"port":1,"queues":[{"queue_id":1,"properties":[{"type":"MIN_RATE","rate":500}]},{"queue_id":2,"properties":[{"type":"NONE"}]}]}})json"},
};

TEST(Json, EveryMessageHasItsGoldenForm) {
  std::set<size_t> types;
  for (const auto& s : testing::sample_messages()) {
    types.insert(s.msg.index());
    auto it = kGolden.find(s.name);
    ASSERT_NE(it, kGolden.end()) << s.name;
    EXPECT_EQ(to_json(s.msg, 7).dump(), it->second) << s.name;
  }
  EXPECT_EQ(types.size(), of::kMsgTypeCount);
}

TEST(Json, EveryMessageRoundTrips) {
  for (const auto& s : testing::sample_messages()) {
    // value -> JSON text -> value
    auto back = message_from_json_text(to_json(s.msg, 7).dump());
    ASSERT_TRUE(back.has_value()) << s.name << ": " << back.error();
    EXPECT_EQ(back->msg, s.msg) << s.name;
    EXPECT_EQ(back->header.xid, 7u);
    EXPECT_EQ(back->header.type, of::message_type(s.msg));
    EXPECT_EQ(back->header.length, of::message_wire_len(s.msg));
    // wire bytes -> value -> JSON is the same JSON
    auto decoded = of::decode(of::encode_message(s.msg, 7));
    ASSERT_TRUE(decoded.has_value()) << s.name;
    EXPECT_EQ(to_json(*decoded), to_json(s.msg, 7)) << s.name;
  }
}

TEST(Json, MissingFieldsTakeDefaults) {
  auto m = message_from_json_text(R"({"type":"BARRIER_REQUEST"})");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->msg, of::Message(of::BarrierRequest{}));
  EXPECT_EQ(m->header.xid, 0u);

  auto f = message_from_json_text(
      R"({"type":"FLOW_MOD","xid":3,"msg":{"match":{"tcp":null,"tp_dst":"80"},"actions":[{"type":"OUTPUT","port":"flood"}]}})");
  ASSERT_TRUE(f) << f.error();
  const auto& fm = std::get<of::FlowMod>(f->msg);
  EXPECT_EQ(fm.match, *parse_match("tcp,tp_dst=80"));
  EXPECT_EQ(fm.command, of::FlowModCommand::kAdd);
  EXPECT_EQ(fm.buffer_id, of::kNoBuffer);
  ASSERT_EQ(fm.actions.size(), 1u);
  EXPECT_EQ(std::get<of::ActionOutput>(fm.actions[0]), (of::ActionOutput{of::port::kFlood, 0}));
}

TEST(Json, MatchFieldsByName) {
  const of::Match m = *parse_match(
      "in_port=LOCAL,dl_vlan=5,dl_vlan_pcp=1,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,dl_type="
      "0x0800,"
      "nw_src=10.0.0.0/8,nw_dst=1.2.3.4,nw_proto=17,nw_tos=8,tp_src=1,tp_dst=2");
  EXPECT_EQ(match_to_json(m).dump(),
            R"({"in_port":"LOCAL","dl_vlan":5,"dl_vlan_pcp":1,"dl_src":"00:00:00:00:00:01",)"
            R"("dl_dst":"00:00:00:00:00:02","dl_type":2048,"nw_src":"10.0.0.0/8","nw_dst":"1.2.3.4",)"
            R"("nw_proto":17,"nw_tos":8,"tp_src":1,"tp_dst":2})");
  EXPECT_EQ(match_from_json(match_to_json(m)), m);
  EXPECT_EQ(match_to_json(of::Match{}).dump(), "{}");
}

TEST(Json, EveryActionHasItsForm) {
  const struct {
    const char* text;
    const char* json;
  } cases[] = {
      {"FLOOD", R"({"type":"OUTPUT","port":"FLOOD","max_len":0})"},
      {"controller:128", R"({"type":"OUTPUT","port":"CONTROLLER","max_len":128})"},
      {"output:3", R"({"type":"OUTPUT","port":3,"max_len":0})"},
      {"mod_vlan_vid:5", R"({"type":"SET_VLAN_VID","vlan_vid":5})"},
      {"mod_vlan_pcp:2", R"({"type":"SET_VLAN_PCP","vlan_pcp":2})"},
      {"strip_vlan", R"({"type":"STRIP_VLAN"})"},
      {"mod_dl_src:00:00:00:00:00:01", R"({"type":"SET_DL_SRC","dl_addr":"00:00:00:00:00:01"})"},
      {"mod_dl_dst:00:00:00:00:00:02", R"({"type":"SET_DL_DST","dl_addr":"00:00:00:00:00:02"})"},
      {"mod_nw_src:1.2.3.4", R"({"type":"SET_NW_SRC","nw_addr":"1.2.3.4"})"},
      {"mod_nw_dst:5.6.7.8", R"({"type":"SET_NW_DST","nw_addr":"5.6.7.8"})"},
      {"mod_nw_tos:16", R"({"type":"SET_NW_TOS","nw_tos":16})"},
      {"mod_tp_src:80", R"({"type":"SET_TP_SRC","tp_port":80})"},
      {"mod_tp_dst:443", R"({"type":"SET_TP_DST","tp_port":443})"},
      {"enqueue:IN_PORT:7", R"({"type":"ENQUEUE","port":"IN_PORT","queue_id":7})"},
      {"vendor:0x2320:0001020304050607", R"({"type":"VENDOR","vendor":8992,"body":"0001020304050607"})"},
  };
  for (const auto& c : cases) {
    const auto actions = parse_actions(c.text);
    ASSERT_TRUE(actions && actions->size() == 1) << c.text;
    EXPECT_EQ(action_to_json(actions->front()).dump(), c.json) << c.text;
    EXPECT_EQ(action_from_json(Json::parse(c.json)), actions->front()) << c.text;
  }
}

TEST(Json, BadInputNamesThePath) {
  const struct {
    const char* json;
    const char* error;
  } cases[] = {
      {R"([1,2])", "(top): expected an object"},
      {R"({"xid":1})", "(top): missing \"type\""},
      {R"({"type":"FLOW_MODE"})", "type: unknown message type \"FLOW_MODE\""},
      {R"({"type":"HELLO","xid":-1})", "xid: must not be negative"},
      {R"({"type":"HELLO","xid":4294967296})", "xid: 4294967296 is out of range 0..4294967295"},
      {R"({"type":"HELLO","extra":1})", "extra: unknown field"},
      {R"({"type":"ECHO_REQUEST","msg":{"data":"abc"}})", "msg.data: hex string has an odd number of digits"},
      {R"({"type":"ECHO_REQUEST","msg":{"data":"zz"}})", "msg.data: 'z' is not a hex digit"},
      {R"({"type":"FLOW_MOD","msg":{"command":"ADDD"}})",
       "msg.command: unknown value \"ADDD\" (expected one of ADD, MODIFY, MODIFY_STRICT, DELETE, "
       "DELETE_STRICT)"},
      {R"({"type":"FLOW_MOD","msg":{"match":{"nw_src":"1.2.3.4/40"}}})",
       "msg.match: nw_src: 1.2.3.4/40: prefix length must be 0..32"},
      {R"({"type":"FLOW_MOD","msg":{"match":{"color":"red"}}})", "msg.match: unknown keyword color"},
      {R"({"type":"FLOW_MOD","msg":{"match":{"tp_dst":[1]}}})",
       "msg.match.tp_dst: expected a number or a string"},
      {R"({"type":"FLOW_MOD","msg":{"actions":[{"type":"OUTPUT","port":"eth0"}]}})",
       "msg.actions[0].port: \"eth0\" is not a port"},
      {R"({"type":"FLOW_MOD","msg":{"actions":[{"port":1}]}})", "msg.actions[0]: missing \"type\""},
      {R"({"type":"FLOW_MOD","msg":{"actions":[{"type":"OUTPUT","prot":1}]}})",
       "msg.actions[0].prot: unknown field"},
      {R"({"type":"FLOW_MOD","msg":{"actions":[{"type":"FLY"}]}})",
       "msg.actions[0].type: unknown action type \"FLY\""},
      {R"({"type":"FLOW_MOD","msg":{"actions":[{"type":"SET_VLAN_VID","vlan_vid":4096}]}})",
       "msg.actions[0].vlan_vid: 4096 is out of range 0..4095"},
      {R"({"type":"FLOW_MOD","msg":{"flags":["SEND_FLOW_REMOVED"]}})",
       "msg.flags[0]: unknown flag \"SEND_FLOW_REMOVED\""},
      {R"({"type":"PACKET_OUT","msg":{"buffer_id":"NONE"}})", "msg.buffer_id: \"NONE\" is not a number"},
      {R"({"type":"PACKET_IN","msg":{"data":7}})", "msg.data: expected a string"},
      {R"({"type":"ERROR","msg":{"type":"OFPET_BAD_REQUEST"}})", "msg: an error needs \"type\" and \"code\""},
      {R"({"type":"ERROR","msg":{"type":"OFPET_BAD_ACTION","code":"OFPBRC_BAD_LEN"}})",
       "msg.type: \"OFPET_BAD_ACTION\" does not go with code \"OFPBRC_BAD_LEN\""},
      {R"({"type":"STATS_REQUEST","msg":{}})", "msg: missing \"stats_type\""},
      {R"({"type":"STATS_REQUEST","msg":{"stats_type":"FLOWS"}})",
       "msg.stats_type: unknown value \"FLOWS\" (expected one of DESC, FLOW, AGGREGATE, TABLE, PORT, QUEUE, "
       "VENDOR)"},
      {R"({"type":"STATS_REQUEST","msg":{"stats_type":9}})", "msg.stats_type: unknown stats type"},
      {R"({"type":"STATS_REQUEST","msg":{"stats_type":"PORT","body":{"port":1}}})",
       "msg.body.port: unknown field"},
      {R"({"type":"FEATURES_REPLY","msg":{"ports":[{"name":"a-very-long-port-name"}]}})",
       "msg.ports[0].name: longer than 15 characters"},
      {R"({"type":"PORT_MOD","msg":{"hw_addr":"00:11"}})",
       "msg.hw_addr: \"00:11\" is not an Ethernet address"},
  };
  for (const auto& c : cases) {
    auto r = message_from_json_text(c.json);
    ASSERT_FALSE(r.has_value()) << c.json;
    EXPECT_EQ(r.error(), c.error) << c.json;
  }
  EXPECT_EQ(message_from_json_text("{not json").error(), "not valid JSON");
  const std::string huge = R"({"type":"PACKET_OUT","msg":{"data":")" + std::string(140000, '0') + R"("}})";
  EXPECT_EQ(message_from_json_text(huge).error(), "msg: encodes to 70016 bytes, more than 65535");
}

TEST(Json, ErrorObjectForUndecodableMessages) {
  EXPECT_EQ(error_to_json(of::Ofperr::kBadRequestBadLen).dump(),
            R"({"error":{"type":"OFPET_BAD_REQUEST","code":"OFPBRC_BAD_LEN"}})");
}

TEST(Json, NumbersAsStringsAndRawBitsAreAccepted) {
  auto m = message_from_json_text(
      R"({"type":"FEATURES_REPLY","xid":"0x10","msg":{"datapath_id":"0x1","capabilities":["FLOW_STATS",256],"actions":7}})");
  ASSERT_TRUE(m) << m.error();
  EXPECT_EQ(m->header.xid, 16u);
  const auto& f = std::get<of::FeaturesReply>(m->msg);
  EXPECT_EQ(f.datapath_id, 1u);
  EXPECT_EQ(f.capabilities, of::capability::kFlowStats | 256u);
  EXPECT_EQ(f.actions, 7u);
  EXPECT_EQ(to_json(f, 0)["msg"]["capabilities"].dump(), R"(["FLOW_STATS",256])");
}

}  // namespace
}  // namespace ofkit::text
