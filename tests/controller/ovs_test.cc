// ofctl-run l2_learning against a real Open vSwitch (Debian's ovs-vswitchd
// in userspace with --enable-dummy): a private ovsdb-server + ovs-vswitchd
// in a temp dir, a netdev bridge speaking OpenFlow10 only with three dummy
// ports that record what they transmit to pcap files, frames injected with
// `ovs-appctl netdev-dummy/receive`. Checks the learned flows in
// `ovs-ofctl -O OpenFlow10 dump-flows` and the frames on each port.
// Everything started here is stopped and the temp dir removed, pass or fail.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "controller/ovs_harness.h"

namespace {

using ofkit::ctl::testing::OvsHarness;

// Destination MACs of the frames a dummy port transmitted.
std::vector<std::string> dsts(const std::vector<std::vector<uint8_t>>& frames) {
  std::vector<std::string> out;
  for (const auto& b : frames) {
    if (b.size() < 6) break;
    out.push_back(OvsHarness::mac(b, 0));
  }
  return out;
}

std::string frame_hex(const std::string& dst, const std::string& src) {
  return OvsHarness::udp_frame_hex(dst, src);
}

class OvsL2Learning : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OvsHarness::available()) GTEST_SKIP() << "Open vSwitch not installed (scripts/install-deps.sh)";
    const std::string ofctl = OvsHarness::program("ofctl-run");
    ASSERT_TRUE(OvsHarness::have(ofctl.c_str())) << ofctl;
    ASSERT_TRUE(ovs_.start_ovs());
    ASSERT_TRUE(ovs_.start_controller({"l2_learning"}));
  }
  void TearDown() override { ovs_.stop(); }

  std::vector<std::string> pcap_dsts(int port) { return dsts(ovs_.tx(port)); }
  void inject(const std::string& port, const std::string& hex) { ovs_.inject(port, hex); }
  std::string dump_flows() { return ovs_.dump_flows(); }
  static size_t count(const std::string& s, const std::string& what) { return OvsHarness::count(s, what); }
  template <typename P>
  static bool wait_for(P pred) {
    return OvsHarness::wait_for(pred);
  }

  OvsHarness ovs_;
};

TEST_F(OvsL2Learning, LearnsFlowsAndForwardsToTheRightPorts) {
  // ofctl-run logs each switch that completes the handshake (quicker than
  // waiting for OVS to refresh Controller.is_connected).
  ASSERT_TRUE(ovs_.add_bridge("00000000000000a1", 3));

  const std::string a = "000000000001", b = "000000000002";
  // A (p1) -> B: B unknown, flooded to p2 and p3.
  inject("p1", frame_hex(b, a));
  ASSERT_TRUE(wait_for([&] { return pcap_dsts(3).size() == 1; }));
  // B (p2) -> A: A learned on p1, flow in_port=2 -> output:1.
  inject("p2", frame_hex(a, b));
  ASSERT_TRUE(wait_for([&] { return count(dump_flows(), "actions=output:1") == 1; })) << dump_flows();
  // A (p1) -> B: B learned on p2, flow in_port=1 -> output:2.
  inject("p1", frame_hex(b, a));
  ASSERT_TRUE(wait_for([&] { return count(dump_flows(), "actions=output:2") == 1; })) << dump_flows();
  // Once the flows are in, the switch forwards A -> B by itself.
  inject("p1", frame_hex(b, a));
  ASSERT_TRUE(wait_for([&] { return pcap_dsts(2).size() == 3; }));

  const std::string flows = dump_flows();
  EXPECT_EQ(count(flows, "idle_timeout=10"), 2u) << flows;
  EXPECT_EQ(count(flows, "hard_timeout=30"), 2u) << flows;
  EXPECT_NE(flows.find("in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01"),
            std::string::npos)
      << flows;
  EXPECT_NE(flows.find("in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02"),
            std::string::npos)
      << flows;
  EXPECT_NE(flows.find("udp"), std::string::npos) << flows;
  EXPECT_NE(flows.find("tp_src=1000,tp_dst=2000"), std::string::npos) << flows;

  // p1 got exactly the one frame for A; p2 every frame for B (flood,
  // PACKET_OUT after the flow, then the switch's own forwarding); p3 only the flood.
  EXPECT_EQ(pcap_dsts(1), (std::vector<std::string>{"00:00:00:00:00:01"}));
  EXPECT_EQ(pcap_dsts(2),
            (std::vector<std::string>{"00:00:00:00:00:02", "00:00:00:00:00:02", "00:00:00:00:00:02"}));
  EXPECT_EQ(pcap_dsts(3), (std::vector<std::string>{"00:00:00:00:00:02"}));
}

}  // namespace
