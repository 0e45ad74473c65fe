// The check against real Open vSwitch: ofctl-run messenger +
// l2_learning controls a userspace OVS bridge (ovs-vswitchd --enable-dummy,
// private ovsdb in a temp dir, tests/controller/ovs_harness.h); a flow added
// with `ofctl-msg of.add_flow` shows up in `ovs-ofctl -O OpenFlow10
// dump-flows`, of.list_switches and of.dump_flows see the bridge, and
// of.delete_flows removes the flow again. Everything started here is stopped
// and the temp dir removed, pass or fail.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/ovs_harness.h"

namespace {

using nlohmann::json;
using ofkit::ctl::testing::OvsHarness;

class OvsMessenger : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OvsHarness::available()) GTEST_SKIP() << "Open vSwitch not installed (scripts/install-deps.sh)";
    const std::string ofctl = OvsHarness::program("ofctl-run");
    msg_ = OvsHarness::program("ofctl-msg");
    ASSERT_TRUE(OvsHarness::have(ofctl.c_str()) && OvsHarness::have(msg_.c_str()));
    ASSERT_TRUE(ovs_.start_ovs("ofctl-msg-ovs"));
    msg_port_ = OvsHarness::free_port();
    ASSERT_TRUE(
        ovs_.start_controller({"messenger", "--tcp=127.0.0.1:" + std::to_string(msg_port_), "l2_learning"}));
  }
  void TearDown() override { ovs_.stop(); }

  std::string dump_flows() { return ovs_.dump_flows(); }
  std::string msg(const std::string& args, int* rc) {
    return OvsHarness::run(
        msg_ + " --timeout=5 --connect=tcp:127.0.0.1:" + std::to_string(msg_port_) + " " + args, rc);
  }

  OvsHarness ovs_;
  std::string msg_;
  uint16_t msg_port_ = 0;
};

TEST_F(OvsMessenger, FlowAddedWithOfctlMsgAppearsInOvsOfctlDumpFlows) {
  // Two dummy ports, no pcap; true once ofctl-run logs the switch up.
  ASSERT_TRUE(ovs_.add_bridge("00000000000000a1", 2, false));

  int rc = -1;
  std::string out = msg("of.list_switches", &rc);
  ASSERT_EQ(rc, 0) << out;
  const json list = json::parse(out);
  ASSERT_EQ(list["switches"].size(), 1u) << out;
  EXPECT_EQ(list["switches"][0]["dpid"], "00000000000000a1");
  std::vector<std::string> ports;
  for (const auto& p : list["switches"][0]["ports"]) ports.push_back(p["name"].get<std::string>());
  std::sort(ports.begin(), ports.end());
  EXPECT_EQ(ports, (std::vector<std::string>{"br0", "p1", "p2"})) << out;

  out = msg("of.add_flow 'dpid=00000000000000a1 priority=10,in_port=1,actions=output:2'", &rc);
  ASSERT_EQ(rc, 0) << out;
  // The reply came after a barrier, so the flow is already in the table.
  std::string flows = dump_flows();
  EXPECT_NE(flows.find("priority=10,in_port=1 actions=output:2"), std::string::npos) << flows;

  out = msg("of.add_flow dpid=0xa1 priority=20 tcp tp_dst=80 actions=drop", &rc);
  ASSERT_EQ(rc, 0) << out;
  flows = dump_flows();
  EXPECT_NE(flows.find("priority=20,tcp,tp_dst=80 actions=drop"), std::string::npos) << flows;

  out = msg("--text of.dump_flows dpid=0xa1", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("priority=10,in_port=1 actions=output:2"), std::string::npos) << out;
  EXPECT_NE(out.find("priority=20,tcp,tp_dst=80 actions=drop"), std::string::npos) << out;

  out = msg("of.stats dpid=0xa1 type=aggregate", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(json::parse(out)["body"]["flow_count"], 2) << out;

  out = msg("of.delete_flows dpid=0xa1 in_port=1", &rc);
  ASSERT_EQ(rc, 0) << out;
  flows = dump_flows();
  EXPECT_EQ(flows.find("in_port=1 actions=output:2"), std::string::npos) << flows;
  EXPECT_NE(flows.find("tp_dst=80"), std::string::npos) << flows;

  // A flow OVS refuses (OFPFMFC_OVERLAP) comes back as an error (exit 1), not a hang.
  out = msg("of.add_flow dpid=0xa1 priority=20,tcp,tp_src=1,check_overlap,actions=drop", &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("refused"), std::string::npos) << out;
}

}  // namespace
