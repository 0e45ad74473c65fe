// Cross-check against the real ovs-ofctl (Open vSwitch, Debian's
// openvswitch-common): for a list of flows, `ovs-ofctl -O OpenFlow10
// parse-flows FILE` must accept what we accept and print, for each flow, the
// same FLOW_MOD text we print; flows it rejects we must reject too.

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "oflib/text/flow_syntax.h"

namespace ofkit::text {
namespace {

// Flows whose OF1.0 form OVS does not rewrite (no fully exact matches, which
// OVS raises to priority 65535; no fields without their prerequisites, which
// OVS normalizes away).
const char* const kFlows[] = {
    "priority=100,tcp,in_port=1,nw_src=10.0.0.0/8,tp_dst=80,idle_timeout=10,hard_timeout=0,cookie=0x5,"
    "actions=mod_vlan_vid:5,output:2",
    "in_port=LOCAL,actions=drop",
    "dl_src=00:11:22:33:44:55,dl_vlan=5,dl_vlan_pcp=3,actions=strip_vlan,controller:100",
    "arp,arp_op=2,nw_src=1.2.3.4,actions=FLOOD,ALL,normal,in_port,local,enqueue:3:4",
    "icmp,icmp_type=8,icmp_code=0,nw_tos=16,actions=mod_nw_tos:8,mod_tp_src:1,mod_tp_dst:2,"
    "mod_nw_src:1.1.1.1,mod_nw_dst:2.2.2.2,mod_dl_src:00:00:00:00:00:01,mod_dl_dst:00:00:00:00:00:02,"
    "mod_vlan_pcp:3",
    "udp,nw_dst=10.0.0.0/255.255.0.0,actions=controller(max_len=10),enqueue(1,2)",
    "actions=controller",
    "dl_type=0x86dd,actions=drop",
    "dl_type=0x0800,nw_proto=6,actions=drop",
    "ip,nw_proto=89,actions=drop",
    "ip,nw_proto=132,actions=drop",
    "dl_type=0x0806,actions=drop",
    "rarp,nw_src=1.1.1.1,nw_proto=3,actions=enqueue:LOCAL:3",
    "dl_type=0x1234,dl_src=00:00:00:00:00:01,in_port=1,dl_vlan=3,actions=drop",
    "hard_timeout=20,send_flow_rem,check_overlap,actions=drop",
    "hard_timeout=20,idle_timeout=5,cookie=0x10,priority=7,send_flow_rem,actions=drop",
    "dl_vlan=0xffff,actions=drop",
    "dl_vlan=4095,actions=drop",
    "dl_vlan_pcp=7,actions=drop",
    "priority=32768,actions=drop",
    "priority=0,actions=drop",
    "priority=65535,in_port=2,actions=output:1",
    "ip,nw_src=10.1.2.3/8,nw_dst=192.168.1.0/24,actions=drop",
    "ip,nw_src=1.2.3.4/0,actions=drop",
    "ip,nw_tos=3,actions=drop",
    "tcp,udp,actions=drop",
    "in_port:1,actions=drop",
    "in_port=flood,actions=drop",
    "in_port=NONE,actions=drop",
    "in_port=0,actions=drop",
    "actions=Flood,table,output:in_port,output:controller",
    "actions=controller:0",
    "actions=",
    "priority=100,actions=output:1,,output:2",
    "ip nw_src=1.2.3.4 actions=output:1 output:2",
    "tcp,tp_src=80,actions=mod_tp_dst:0x50",
    "icmp,tp_src=3,actions=drop",
    "tcp,tp_src=1,tp_dst=2,nw_src=1.2.3.4,nw_dst=5.6.7.8,nw_tos=4,in_port=3,dl_src=00:00:00:00:00:01,"
    "dl_dst=00:00:00:00:00:02,dl_vlan=1,priority=5,actions=drop",
    "udp,dl_dst=ff:ff:ff:ff:ff:ff,tp_dst=67,actions=CONTROLLER:128",
    "arp,arp_tpa=10.0.0.0/8,actions=NORMAL",
    "cookie=0xffffffffffff,priority=1,actions=output:65279",
    "eth_type=0x0800,ip_src=1.2.3.4,actions=drop",
};

// Flows naming a table: one of these in a parse-flows file switches OVS to
// its table_id extension for every flow (printing "table:255" for the rest),
// so they are checked one by one with parse-flow.
const char* const kTableFlows[] = {
    "table=3,hard_timeout=20,send_flow_rem,check_overlap,actions=drop",
    "table=0,hard_timeout=20,idle_timeout=5,cookie=0x10,priority=7,send_flow_rem,actions=drop",
    "table=254,tcp,actions=output:3",
};

// Flows ovs-ofctl rejects; so must we.
const char* const kBadFlows[] = {
    "foo=1,actions=drop",
    "in_port=1",
    "ip,nw_src=1.2.3.4/33,actions=drop",
    "dl_src=00:00:00:00:00:0G,actions=drop",
    "actions=mod_vlan_vid:4096",
    "actions=mod_vlan_pcp:8",
    "actions=mod_nw_tos:3",
    "actions=mod_nw_tos:256",
    "actions=drop,output:1",
    "udp,actions=mod_nw_src:1.2.3",
    "actions=output:65535",
    "actions=frobnicate",
    "in_port=eth99,actions=drop",
};

bool have_ovs_ofctl() { return std::system("ovs-ofctl --version >/dev/null 2>&1") == 0; }

std::string temp_path(const char* name) {
  const char* dir = std::getenv("TMPDIR");
  return std::string(dir ? dir : "/tmp") + "/ofkit_" + std::to_string(getpid()) + "_" + name;
}

std::vector<std::string> run_lines(const std::string& cmd) {
  std::vector<std::string> lines;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return lines;
  char buf[4096];
  std::string cur;
  while (fgets(buf, sizeof buf, p) != nullptr) {
    cur += buf;
    if (!cur.empty() && cur.back() == '\n') {
      cur.pop_back();
      lines.push_back(cur);
      cur.clear();
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  pclose(p);
  return lines;
}

TEST(OvsFlowSyntax, WePrintWhatOvsOfctlPrints) {
  if (!have_ovs_ofctl()) GTEST_SKIP() << "ovs-ofctl not installed (scripts/install-deps.sh)";
  const std::string path = temp_path("flows.txt");
  {
    std::ofstream out(path);
    for (const char* f : kFlows) out << f << "\n";
  }
  const auto lines = run_lines("ovs-ofctl -O OpenFlow10 parse-flows " + path + " 2>/dev/null");
  std::remove(path.c_str());
  std::vector<std::string> ovs;
  for (const std::string& l : lines) {
    if (l.starts_with("OFPT_FLOW_MOD") || l.starts_with("NXT_FLOW_MOD")) {
      EXPECT_TRUE(l.starts_with("OFPT_")) << "OVS needed an extension for: " << l;
      ovs.push_back(l.substr(l.find("): ") + 3));
    }
  }
  ASSERT_EQ(ovs.size(), std::size(kFlows));
  for (size_t i = 0; i < ovs.size(); ++i) {
    auto flow = parse_flow(kFlows[i]);
    ASSERT_TRUE(flow.has_value()) << kFlows[i] << ": " << flow.error();
    EXPECT_EQ(format_flow_mod(of::FlowModCommand::kAdd, *flow), ovs[i]) << kFlows[i];
    // And our own input form reads back to the same flow.
    EXPECT_EQ(parse_flow(format_flow(*flow)), flow) << kFlows[i];
  }
}

TEST(OvsFlowSyntax, TableIdPrintsAsOvsOfctlDoes) {
  if (!have_ovs_ofctl()) GTEST_SKIP() << "ovs-ofctl not installed (scripts/install-deps.sh)";
  for (const char* f : kTableFlows) {
    const auto lines = run_lines(std::string("ovs-ofctl -O OpenFlow10 parse-flow '") + f + "' 2>/dev/null");
    ASSERT_FALSE(lines.empty()) << f;
    const std::string& l = lines.back();
    ASSERT_TRUE(l.starts_with("OFPT_FLOW_MOD")) << l;
    auto flow = parse_flow(f);
    ASSERT_TRUE(flow.has_value()) << f << ": " << flow.error();
    EXPECT_EQ(format_flow_mod(of::FlowModCommand::kAdd, *flow), l.substr(l.find("): ") + 3)) << f;
  }
}

TEST(OvsFlowSyntax, WeRejectWhatOvsOfctlRejects) {
  if (!have_ovs_ofctl()) GTEST_SKIP() << "ovs-ofctl not installed (scripts/install-deps.sh)";
  for (const char* f : kBadFlows) {
    const std::string cmd = std::string("ovs-ofctl -O OpenFlow10 parse-flow '") + f + "' >/dev/null 2>&1";
    EXPECT_NE(std::system(cmd.c_str()), 0) << "ovs-ofctl accepted " << f;
    EXPECT_FALSE(parse_flow(f).has_value()) << "we accepted " << f;
  }
}

}  // namespace
}  // namespace ofkit::text
