#include "oflib/text/flow_syntax.h"

#include <gtest/gtest.h>

namespace ofkit::text {
namespace {

namespace wc = of::wildcards;

of::Match parse_ok(std::string_view s) {
  auto m = parse_match(s);
  EXPECT_TRUE(m.has_value()) << s << ": " << (m ? "" : m.error());
  return m ? *m : of::Match{};
}

std::string error_of(std::string_view s) {
  auto f = parse_flow(s);
  EXPECT_FALSE(f.has_value()) << s;
  return f ? "" : f.error();
}

TEST(FlowSyntax, EmptyMatchIsAllWildcards) {
  const of::Match m = parse_ok("");
  EXPECT_EQ(m.wildcards, wc::kAll);
  EXPECT_EQ(format_match(m), "");
}

TEST(FlowSyntax, EveryFieldSetsItsValueAndWildcardBit) {
  const of::Match m = parse_ok(
      "in_port=3,dl_vlan=10,dl_vlan_pcp=5,dl_src=00:11:22:33:44:55,dl_dst=66:77:88:99:aa:bb,"
      "dl_type=0x0800,nw_src=10.1.2.3,nw_dst=192.168.0.0/16,nw_proto=6,nw_tos=16,tp_src=1234,tp_dst=80");
  EXPECT_EQ(m.wildcards, 16u << wc::kNwDstShift);  // everything exact except 16 bits of nw_dst
  EXPECT_EQ(m.key.in_port, 3);
  EXPECT_EQ(m.key.dl_vlan, 10);
  EXPECT_EQ(m.key.dl_vlan_pcp, 5);
  EXPECT_EQ(m.key.dl_src, *MacAddr::parse("00:11:22:33:44:55"));
  EXPECT_EQ(m.key.dl_dst, *MacAddr::parse("66:77:88:99:aa:bb"));
  EXPECT_EQ(m.key.dl_type, 0x0800);
  EXPECT_EQ(m.key.nw_src, 0x0a010203u);
  EXPECT_EQ(m.key.nw_dst, 0xc0a80000u);
  EXPECT_EQ(m.nw_dst_prefix_len(), 16);
  EXPECT_EQ(m.key.nw_proto, 6);
  EXPECT_EQ(m.key.nw_tos, 16);
  EXPECT_EQ(m.key.tp_src, 1234);
  EXPECT_EQ(m.key.tp_dst, 80);
  EXPECT_EQ(format_match(m),
            "tcp,in_port=3,dl_vlan=10,dl_vlan_pcp=5,dl_src=00:11:22:33:44:55,dl_dst=66:77:88:99:aa:bb,"
            "nw_src=10.1.2.3,nw_dst=192.168.0.0/16,nw_tos=16,tp_src=1234,tp_dst=80");
}

struct Golden {
  const char* in;
  const char* out;  // format_match(parse_match(in))
};

TEST(FlowSyntax, MatchesPrintAsOvsOfctlDoes) {
  // Expected strings are what `ovs-ofctl -O OpenFlow10 parse-flow` prints for
  // the same input (verified against Open vSwitch 3.1).
  const Golden cases[] = {
      {"ip", "ip"},
      {"tcp", "tcp"},
      {"udp", "udp"},
      {"icmp", "icmp"},
      {"sctp", "sctp"},
      {"arp", "arp"},
      {"rarp", "rarp"},
      {"ipv6", "ipv6"},
      {"dl_type=0x0800,nw_proto=6", "tcp"},
      {"dl_type=0x86dd", "ipv6"},
      {"dl_type=0x8035", "rarp"},
      {"ip,nw_proto=89", "ip,nw_proto=89"},
      {"tcp,udp", "udp"},
      {"dl_type=0x1234,dl_src=00:00:00:00:00:01,in_port=1,dl_vlan=3",
       "in_port=1,dl_vlan=3,dl_src=00:00:00:00:00:01,dl_type=0x1234"},
      {"dl_src=00:11:22:33:44:55,dl_vlan=5,dl_vlan_pcp=3",
       "dl_vlan=5,dl_vlan_pcp=3,dl_src=00:11:22:33:44:55"},
      {"dl_vlan_pcp=3", "dl_vlan_pcp=3"},
      {"dl_vlan=0xffff", "vlan_tci=0x0000"},
      {"vlan_tci=0", "vlan_tci=0x0000"},
      {"dl_vlan=4096", "dl_vlan=0"},
      {"arp,arp_op=2,nw_src=1.2.3.4", "arp,arp_spa=1.2.3.4,arp_op=2"},
      {"arp,nw_proto=3", "arp,arp_op=3"},
      {"rarp,nw_src=1.1.1.1,nw_proto=3", "rarp,arp_spa=1.1.1.1,arp_op=3"},
      {"arp,arp_tpa=10.0.0.0/8", "arp,arp_tpa=10.0.0.0/8"},
      {"icmp,icmp_type=8,icmp_code=0,nw_tos=16", "icmp,nw_tos=16,icmp_type=8,icmp_code=0"},
      {"icmp,tp_src=3", "icmp,icmp_type=3"},
      {"ip,nw_tos=3", "ip,nw_tos=0"},
      {"udp,nw_dst=10.0.0.0/255.255.0.0", "udp,nw_dst=10.0.0.0/16"},
      {"ip,nw_src=10.1.2.3/8", "ip,nw_src=10.0.0.0/8"},
      {"ip,nw_src=1.2.3.4/0", "ip"},
      {"ip,nw_src=1.2.3.4/32", "ip,nw_src=1.2.3.4"},
      {"ip,nw_dst=0.0.0.0/0.0.0.0", "ip"},
      {"in_port:1", "in_port=1"},
      {"in_port=flood", "in_port=FLOOD"},
      {"in_port=in_port", "in_port=IN_PORT"},
      {"in_port=NONE", "in_port=ANY"},
      {"in_port=65534", "in_port=LOCAL"},
      {"in_port=0", "in_port=0"},
      {"tcp,tcp_src=1,tcp_dst=0x50", "tcp,tp_src=1,tp_dst=80"},
      {"eth_type=0x0806,eth_src=00:00:00:00:00:01", "arp,dl_src=00:00:00:00:00:01"},
      {"ip ip_src=1.2.3.4  ip_dst=5.6.7.8", "ip,nw_src=1.2.3.4,nw_dst=5.6.7.8"},
  };
  for (const Golden& g : cases) {
    EXPECT_EQ(format_match(parse_ok(g.in)), g.out) << g.in;
  }
}

TEST(FlowSyntax, PriorityPrintsFirstUnlessDefault) {
  const of::Match m = parse_ok("tcp,tp_dst=80");
  EXPECT_EQ(format_match(m, 100), "priority=100,tcp,tp_dst=80");
  EXPECT_EQ(format_match(m, of::kDefaultPriority), "tcp,tp_dst=80");
  EXPECT_EQ(format_match(of::Match{}, 0), "priority=0");
}

TEST(FlowSyntax, FormatsAnExactFlowKeyWithShorthand) {
  // ofpcap keys prints every field of an extracted key, in_port 0.
  of::Match m;
  m.wildcards = 0;
  m.key.dl_vlan = of::kVlanNone;
  m.key.dl_src = MacAddr::from_u64(1);
  m.key.dl_dst = MacAddr::from_u64(2);
  m.key.dl_type = 0x0800;
  m.key.nw_proto = 17;
  m.key.nw_src = 0x0a000001;
  m.key.nw_dst = 0x0a000002;
  m.key.tp_src = 53;
  m.key.tp_dst = 1000;
  EXPECT_EQ(format_match(m),
            "udp,in_port=0,dl_vlan=0xffff,dl_vlan_pcp=0,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02,"
            "nw_src=10.0.0.1,nw_dst=10.0.0.2,nw_tos=0,tp_src=53,tp_dst=1000");
  EXPECT_EQ(parse_match(format_match(m)), m);
}

TEST(FlowSyntax, ReservedPortNames) {
  EXPECT_EQ(parse_port("IN_PORT"), of::port::kInPort);
  EXPECT_EQ(parse_port("table"), of::port::kTable);
  EXPECT_EQ(parse_port("Normal"), of::port::kNormal);
  EXPECT_EQ(parse_port("FLOOD"), of::port::kFlood);
  EXPECT_EQ(parse_port("all"), of::port::kAll);
  EXPECT_EQ(parse_port("controller"), of::port::kController);
  EXPECT_EQ(parse_port("LOCAL"), of::port::kLocal);
  EXPECT_EQ(parse_port("none"), of::port::kNone);
  EXPECT_EQ(parse_port("ANY"), of::port::kNone);
  EXPECT_EQ(parse_port("0x10"), 16);
  EXPECT_EQ(parse_port("65536"), std::nullopt);
  EXPECT_EQ(parse_port("eth0"), std::nullopt);
  EXPECT_EQ(format_port(of::port::kController), "CONTROLLER");
  EXPECT_EQ(format_port(of::port::kNone), "ANY");
  EXPECT_EQ(format_port(7), "7");
}

TEST(FlowSyntax, EveryActionParsesAndPrints) {
  const Golden cases[] = {
      {"output:2", "output:2"},
      {"2", "output:2"},
      {"output:LOCAL", "LOCAL"},
      {"in_port", "IN_PORT"},
      {"normal", "NORMAL"},
      {"flood", "FLOOD"},
      {"Flood,table,output:in_port,output:controller", "FLOOD,TABLE,IN_PORT,CONTROLLER:65535"},
      {"all", "ALL"},
      {"local", "LOCAL"},
      {"controller", "CONTROLLER:65535"},
      {"controller:100", "CONTROLLER:100"},
      {"controller:0", "CONTROLLER:0"},
      {"controller(max_len=10)", "CONTROLLER:10"},
      {"drop", "drop"},
      {"", "drop"},
      {"mod_vlan_vid:5", "mod_vlan_vid:5"},
      {"mod_vlan_pcp:3", "mod_vlan_pcp:3"},
      {"strip_vlan", "strip_vlan"},
      {"mod_dl_src:00:00:00:00:00:01", "mod_dl_src:00:00:00:00:00:01"},
      {"mod_dl_dst:0A:00:00:00:00:02", "mod_dl_dst:0a:00:00:00:00:02"},
      {"mod_nw_src:1.1.1.1", "mod_nw_src:1.1.1.1"},
      {"mod_nw_dst:2.2.2.2", "mod_nw_dst:2.2.2.2"},
      {"mod_nw_tos:8", "mod_nw_tos:8"},
      {"mod_tp_src:1", "mod_tp_src:1"},
      {"mod_tp_dst:0x50", "mod_tp_dst:80"},
      {"enqueue:3:4", "enqueue:3:4"},
      {"enqueue(1,2)", "enqueue:1:2"},
      {"enqueue:LOCAL:3", "enqueue:LOCAL:3"},
      {"output:1,,output:2", "output:1,output:2"},
      {"output:1 output:2", "output:1,output:2"},
      {"vendor:0x2320", "vendor:0x2320"},
      {"vendor:0x2320:0102030405060708", "vendor:0x2320:0102030405060708"},
  };
  for (const Golden& g : cases) {
    auto a = parse_actions(g.in);
    ASSERT_TRUE(a.has_value()) << g.in << ": " << a.error();
    EXPECT_EQ(format_actions(*a), g.out) << g.in;
  }
}

TEST(FlowSyntax, ActionValues) {
  auto a = parse_actions("output:2,controller:128,mod_vlan_vid:5,mod_nw_src:10.0.0.1,enqueue:3:7");
  ASSERT_TRUE(a);
  ASSERT_EQ(a->size(), 5u);
  EXPECT_EQ(std::get<of::ActionOutput>((*a)[0]), (of::ActionOutput{2, 0}));
  EXPECT_EQ(std::get<of::ActionOutput>((*a)[1]), (of::ActionOutput{of::port::kController, 128}));
  EXPECT_EQ(std::get<of::ActionSetVlanVid>((*a)[2]).vlan_vid, 5);
  EXPECT_EQ(std::get<of::ActionSetNwSrc>((*a)[3]).nw_addr, 0x0a000001u);
  EXPECT_EQ(std::get<of::ActionEnqueue>((*a)[4]), (of::ActionEnqueue{3, 7}));
}

TEST(FlowSyntax, WholeFlowLine) {
  auto f = parse_flow(
      "priority=100,tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80,idle_timeout=10,hard_timeout=0,cookie=0x5,"
      "actions=mod_vlan_vid:5,output:2");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->priority, 100);
  EXPECT_EQ(f->idle_timeout, 10);
  EXPECT_EQ(f->hard_timeout, 0);
  EXPECT_EQ(f->cookie, 5u);
  EXPECT_EQ(f->actions.size(), 2u);
  EXPECT_EQ(format_flow_mod(of::FlowModCommand::kAdd, *f),
            "ADD priority=100,tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80 cookie:0x5 idle:10 "
            "actions=mod_vlan_vid:5,output:2");
  EXPECT_EQ(format_flow(*f),
            "priority=100,tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80,idle_timeout=10,cookie=0x5,"
            "actions=mod_vlan_vid:5,output:2");
  EXPECT_EQ(parse_flow(format_flow(*f)), f);
}

TEST(FlowSyntax, FlowKeywordsAndFlags) {
  auto f = parse_flow("table=3,hard_timeout=20,send_flow_rem,check_overlap,emerg,out_port=5,actions=drop");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(f->table_id, 3);
  EXPECT_EQ(f->hard_timeout, 20);
  EXPECT_EQ(f->out_port, 5);
  EXPECT_EQ(f->flags, 7);
  EXPECT_EQ(format_flow_mod(of::FlowModCommand::kAdd, *f),
            "ADD table:3 hard:20 out_port:5 send_flow_rem check_overlap emerg actions=drop");
  EXPECT_EQ(parse_flow(format_flow(*f)), f);

  auto g =
      parse_flow("table=0,hard_timeout=20,idle_timeout=5,cookie=0x10,priority=7,send_flow_rem,actions=drop");
  ASSERT_TRUE(g);
  EXPECT_EQ(format_flow_mod(of::FlowModCommand::kAdd, *g),
            "ADD priority=7 cookie:0x10 idle:5 hard:20 send_flow_rem actions=drop");
  auto d = parse_flow("cookie=5,out_port=2", false);
  ASSERT_TRUE(d) << d.error();
  EXPECT_EQ(format_flow_mod(of::FlowModCommand::kDelete, *d), "DEL cookie:0x5 out_port:2 actions=drop");
  EXPECT_EQ(format_flow_mod(of::FlowModCommand::kModifyStrict, *d, 0x10),
            "MOD_STRICT cookie:0x5 buf:0x10 out_port:2 actions=drop");
}

TEST(FlowSyntax, WhitespaceSeparatedLine) {
  auto f = parse_flow("ip nw_src=1.2.3.4 actions=output:1 output:2");
  ASSERT_TRUE(f) << f.error();
  EXPECT_EQ(format_flow_mod(of::FlowModCommand::kAdd, *f), "ADD ip,nw_src=1.2.3.4 actions=output:1,output:2");
}

TEST(FlowSyntax, ErrorsNameTheBadToken) {
  EXPECT_EQ(error_of("foo=1,actions=drop"), "unknown keyword foo");
  EXPECT_EQ(error_of("in_port=1"), "must specify an action (actions=...)");
  EXPECT_EQ(error_of("ip,nw_src=1.2.3.4/33,actions=drop"), "nw_src: 1.2.3.4/33: prefix length must be 0..32");
  EXPECT_EQ(error_of("ip,nw_src=10.0.0.300,actions=drop"), "nw_src: 10.0.0.300: invalid IPv4 address");
  EXPECT_EQ(error_of("ip,nw_src=10.0.0.1/255.0.255.0,actions=drop"),
            "nw_src: 10.0.0.1/255.0.255.0: OpenFlow 1.0 can only match a CIDR prefix");
  EXPECT_EQ(error_of("dl_src=00:00:00:00:00:0G,actions=drop"),
            "dl_src: 00:00:00:00:00:0G: invalid Ethernet address");
  EXPECT_EQ(error_of("dl_src=01:00:00:00:00:00/01:00:00:00:00:00,actions=drop"),
            "dl_src: 01:00:00:00:00:00/01:00:00:00:00:00: OpenFlow 1.0 cannot mask an Ethernet address");
  EXPECT_EQ(error_of("in_port=eth0,actions=drop"), "in_port: eth0: invalid port");
  EXPECT_EQ(error_of("dl_vlan_pcp=8,actions=drop"), "dl_vlan_pcp: 8: expected a number 0..7");
  EXPECT_EQ(error_of("tp_dst=65536,actions=drop"), "tp_dst: 65536: expected a number 0..65535");
  EXPECT_EQ(error_of("icmp,icmp_type=256,actions=drop"), "icmp_type: 256: expected a number 0..255");
  EXPECT_EQ(error_of("priority=70000,actions=drop"), "priority: 70000: expected a number 0..65535");
  EXPECT_EQ(error_of("tcp=1,actions=drop"), "tcp: 1: takes no value");
  EXPECT_EQ(error_of("in_port,actions=drop"), "in_port: missing value");
  EXPECT_EQ(error_of("actions=mod_vlan_vid:4096"),
            "actions: mod_vlan_vid: 4096: not a valid VLAN VID (0..4095)");
  EXPECT_EQ(error_of("actions=mod_vlan_pcp:8"), "actions: mod_vlan_pcp: 8: not a valid VLAN PCP (0..7)");
  EXPECT_EQ(error_of("actions=mod_nw_tos:3"), "actions: mod_nw_tos: 3: not a valid TOS (DSCP bits only)");
  EXPECT_EQ(error_of("actions=mod_nw_src:1.2.3"), "actions: mod_nw_src: 1.2.3: invalid IPv4 address");
  EXPECT_EQ(error_of("actions=output:1,drop"), "actions: drop must not be accompanied by any other action");
  EXPECT_EQ(error_of("actions=output:NONE"), "actions: output: NONE: cannot output to port NONE");
  EXPECT_EQ(error_of("actions=frobnicate"), "actions: unknown action frobnicate");
  EXPECT_EQ(error_of("actions=output"), "actions: output: missing port");
  EXPECT_EQ(error_of("actions=enqueue:1"), "actions: enqueue: 1: expected PORT:QUEUE");
  EXPECT_EQ(error_of("actions=controller(max_len=10"),
            "actions: controller(max_len=10: unbalanced parentheses");
  EXPECT_EQ(error_of("actions=vendor:0x1:0102"),
            "actions: vendor: 0x1:0102: body must be a multiple of 8 bytes");
  EXPECT_EQ(parse_match("priority=5").error(), "priority: not a match field");
  EXPECT_EQ(parse_flow("in_port=1,actions=drop", false).error(), "actions are not allowed here");
}

}  // namespace
}  // namespace ofkit::text
