// mac_blocker + l2_learning, l3_learning, l2_pairs and flow_stats in
// ofctl-run against a real Open vSwitch (userspace, dummy ports recording to
// pcap): after traffic injected with netdev-dummy/receive, `ovs-ofctl -O
// OpenFlow10 dump-flows` shows the expected flows and the frames left the
// expected ports; flow_stats' figures (through the messenger) agree with it.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/controller/ovs_harness.h"

namespace ofkit::ctl::testing {
namespace {

const std::string kBcast = "ffffffffffff";
const std::string kA = "000000000001", kB = "000000000002", kC = "000000000003";
const std::string kSwitchMac = "0000000000a1";  // dpid_to_mac(0xa1)

std::string hex(const std::vector<uint8_t>& b) {
  static const char* d = "0123456789abcdef";
  std::string s;
  for (uint8_t x : b) s += {d[x >> 4], d[x & 15]};
  return s;
}
// IPv4/UDP 1000 -> 2000 between two addresses given as 8 hex digits.
std::string ip_hex(const std::string& dst, const std::string& src, const std::string& nw_src,
                   const std::string& nw_dst) {
  return dst + src + "0800" + "4500002e000000004011" + "0000" + nw_src + nw_dst + "03e807d0001a0000" +
         std::string(36, '0');
}
// Ethernet/ARP for IPv4, padded to 60 bytes.
std::string arp_hex(const std::string& dst, const std::string& src, int op, const std::string& sha,
                    const std::string& spa, const std::string& tha, const std::string& tpa) {
  return dst + src + "0806" + "000108000604000" + std::to_string(op) + sha + spa + tha + tpa +
         std::string(36, '0');
}
// The dump-flows line holding `what`, or "".
std::string flow_line(const std::string& flows, const std::string& what) {
  const size_t p = flows.find(what);
  if (p == std::string::npos) return "";
  const size_t b = flows.rfind('\n', p);
  const size_t e = flows.find('\n', p);
  return flows.substr(b == std::string::npos ? 0 : b + 1,
                      e == std::string::npos ? std::string::npos : e - b - 1);
}

class OvsApps : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OvsHarness::available()) GTEST_SKIP() << "Open vSwitch not installed (scripts/install-deps.sh)";
    ASSERT_TRUE(ovs_.start_ovs());
  }
  OvsHarness ovs_;
};

TEST_F(OvsApps, MacBlockerDropsInFrontOfL2Learning) {
  ASSERT_TRUE(ovs_.start_controller({"mac_blocker", "--block=00:00:00:00:00:03", "l2_learning"}));
  ASSERT_TRUE(ovs_.add_bridge("00000000000000a1", 3));
  // On connect: the two drop flows of the blocked MAC.
  const std::string src_drop = "priority=65535,dl_src=00:00:00:00:00:03 actions=drop";
  const std::string dst_drop = "priority=65535,dl_dst=00:00:00:00:00:03 actions=drop";
  ASSERT_TRUE(OvsHarness::wait_for([&] {
    const std::string f = ovs_.dump_flows();
    return f.find(src_drop) != std::string::npos && f.find(dst_drop) != std::string::npos;
  })) << ovs_.dump_flows();
  EXPECT_NE(flow_line(ovs_.dump_flows(), src_drop).find("idle_timeout=60"), std::string::npos);

  // C (blocked, p3) -> A: dropped by the switch.
  ovs_.inject("p3", ip_hex(kA, kC, "0a000003", "0a000001"));
  // A (p1) -> B: flooded by l2_learning to p2 and p3.
  ovs_.inject("p1", ip_hex(kB, kA, "0a000001", "0a000002"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 1 && ovs_.tx(3).size() == 1; }));
  // B (p2) -> A: A learned on p1: exact flow to 1, the frame out of p1.
  ovs_.inject("p2", ip_hex(kA, kB, "0a000002", "0a000001"));
  ASSERT_TRUE(OvsHarness::wait_for([&] {
    return ovs_.dump_flows().find("actions=output:1") != std::string::npos;
  })) << ovs_.dump_flows();
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(1).size() == 1; }));
  // A -> C: dropped by the dl_dst flow.
  ovs_.inject("p1", ip_hex(kC, kA, "0a000001", "0a000003"));
  ASSERT_TRUE(OvsHarness::wait_for([&] {
    return flow_line(ovs_.dump_flows(), dst_drop).find("n_packets=1,") != std::string::npos;
  })) << ovs_.dump_flows();

  const std::string flows = ovs_.dump_flows();
  EXPECT_NE(flow_line(flows, src_drop).find("n_packets=1,"), std::string::npos) << flows;
  EXPECT_NE(flows.find("in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01"),
            std::string::npos)
      << flows;
  EXPECT_EQ(OvsHarness::count(flows, "actions=output:"), 1u) << flows;
  // Nothing from or to C reached a port: p1 got only B's frame, p3 only the flood.
  ASSERT_EQ(ovs_.tx(1).size(), 1u);
  EXPECT_EQ(hex(ovs_.tx(1)[0]).substr(0, 24), kA + kB);
  ASSERT_EQ(ovs_.tx(3).size(), 1u);
  EXPECT_EQ(hex(ovs_.tx(3)[0]).substr(0, 24), kB + kA);
  EXPECT_EQ(ovs_.tx(2).size(), 1u);
}

TEST_F(OvsApps, L3LearningAnswersArpHoldsUnknownsAndInstallsRewritingFlows) {
  ASSERT_TRUE(ovs_.start_controller({"l3_learning", "--fakeways=10.0.0.254"}));
  ASSERT_TRUE(ovs_.add_bridge("00000000000000a1", 3));

  // H1 (p1) asks for the gateway: the controller answers out of p1 with the switch's MAC.
  ovs_.inject("p1", arp_hex(kBcast, kA, 1, kA, "0a000001", "000000000000", "0a0000fe"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(1).size() == 1; }));
  EXPECT_EQ(hex(ovs_.tx(1)[0]), arp_hex(kA, kSwitchMac, 2, kSwitchMac, "0a0000fe", kA, "0a000001"));

  // H1 -> 10.0.0.2 through the gateway MAC: unknown, held; the controller
  // ARPs for it on H1's behalf (flooded to p2 and p3).
  const std::string to_h2 = ip_hex(kSwitchMac, kA, "0a000001", "0a000002");
  ovs_.inject("p1", to_h2);
  const std::string who_has = arp_hex(kBcast, kA, 1, kA, "0a000001", kBcast, "0a000002");
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 1 && ovs_.tx(3).size() == 1; }));
  EXPECT_EQ(hex(ovs_.tx(2)[0]), who_has);
  EXPECT_EQ(hex(ovs_.tx(3)[0]), who_has);

  // H2 (p2) answers: the held packet leaves p2 addressed to H2, the reply is flooded.
  ovs_.inject("p2", arp_hex(kA, kB, 2, kB, "0a000002", kA, "0a000001"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 2 && ovs_.tx(1).size() == 2; }));
  EXPECT_EQ(hex(ovs_.tx(2)[1]), ip_hex(kB, kA, "0a000001", "0a000002"));

  // Now known: a flow rewriting dl_dst, and the frame out of p2.
  ovs_.inject("p1", to_h2);
  ASSERT_TRUE(OvsHarness::wait_for([&] {
    return ovs_.dump_flows().find("actions=mod_dl_dst:00:00:00:00:00:02,output:2") != std::string::npos;
  })) << ovs_.dump_flows();
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 3; }));
  // The switch forwards the next one by itself.
  ovs_.inject("p1", to_h2);
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 4; }));

  const std::string flows = ovs_.dump_flows();
  const std::string line = flow_line(flows, "actions=mod_dl_dst:00:00:00:00:00:02,output:2");
  EXPECT_NE(line.find("idle_timeout=10"), std::string::npos) << flows;
  EXPECT_NE(line.find("in_port=1"), std::string::npos) << flows;
  EXPECT_NE(line.find("dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:a1"), std::string::npos) << flows;
  EXPECT_NE(line.find("nw_src=10.0.0.1,nw_dst=10.0.0.2"), std::string::npos) << flows;
  EXPECT_EQ(OvsHarness::count(flows, "actions="), 1u) << flows;
  for (size_t i = 2; i < 4; ++i) EXPECT_EQ(hex(ovs_.tx(2)[i]), ip_hex(kB, kA, "0a000001", "0a000002"));
  EXPECT_EQ(ovs_.tx(3).size(), 2u);  // the controller's ARP request and H2's flooded reply
}

TEST_F(OvsApps, L2PairsInstallsTheMacPairBothWays) {
  ASSERT_TRUE(ovs_.start_controller({"l2_pairs"}));
  ASSERT_TRUE(ovs_.add_bridge("00000000000000a1", 3));
  // A (p1) -> B: B unknown, flooded to p2 and p3; no flow.
  ovs_.inject("p1", ip_hex(kB, kA, "0a000001", "0a000002"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 1 && ovs_.tx(3).size() == 1; }));
  // B (p2) -> A: A known on p1: flows for the pair in both directions,
  // matching the two MACs only, and the frame out of p1.
  ovs_.inject("p2", ip_hex(kA, kB, "0a000002", "0a000001"));
  const std::string b_to_a = "dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01 actions=output:1";
  const std::string a_to_b = "dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02 actions=output:2";
  ASSERT_TRUE(OvsHarness::wait_for([&] {
    const std::string f = ovs_.dump_flows();
    return f.find(b_to_a) != std::string::npos && f.find(a_to_b) != std::string::npos;
  })) << ovs_.dump_flows();
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(1).size() == 1; }));
  // A -> B again: forwarded by the switch on the reverse flow, to p2 only.
  ovs_.inject("p1", ip_hex(kB, kA, "0a000001", "0a000002"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 2; }));
  // OVS updates flow counters a moment after forwarding.
  EXPECT_TRUE(OvsHarness::wait_for([&] {
    return flow_line(ovs_.dump_flows(), a_to_b).find("n_packets=1,") != std::string::npos;
  })) << ovs_.dump_flows();
  const std::string flows = ovs_.dump_flows();
  EXPECT_EQ(OvsHarness::count(flows, "actions="), 2u) << flows;
  EXPECT_EQ(flow_line(flows, a_to_b).find("in_port"), std::string::npos) << flows;  // pair only
  EXPECT_EQ(ovs_.tx(3).size(), 1u);                                                 // only the first flood
  EXPECT_EQ(hex(ovs_.tx(2)[1]), ip_hex(kB, kA, "0a000001", "0a000002"));
}

TEST_F(OvsApps, FlowStatsFiguresMatchTheSwitch) {
  const std::string sock = ovs_.dir() + "/msg.sock";
  ASSERT_TRUE(ovs_.start_controller(
      {"flow_stats", "--interval=0.3", "l2_learning", "messenger", "--tcp=off", "--unix=" + sock}));
  ASSERT_TRUE(ovs_.add_bridge("00000000000000a1", 3));
  // A flow from l2_learning (B -> A after A was learned), then one frame on it.
  ovs_.inject("p1", ip_hex(kB, kA, "0a000001", "0a000002"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(2).size() == 1; }));
  ovs_.inject("p2", ip_hex(kA, kB, "0a000002", "0a000001"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(1).size() == 1; }));
  ovs_.inject("p2", ip_hex(kA, kB, "0a000002", "0a000001"));
  ASSERT_TRUE(OvsHarness::wait_for([&] { return ovs_.tx(1).size() == 2; }));
  const std::string flows = ovs_.dump_flows();
  ASSERT_EQ(OvsHarness::count(flows, "actions=output:1"), 1u) << flows;

  const char* build = std::getenv("OFKIT_BUILD_DIR");
  const std::string msg = std::string(build ? build : ".") + "/controller/ofctl-msg";
  if (!OvsHarness::have(msg.c_str())) GTEST_SKIP() << "no " << msg;
  // Polls are every 0.3 s: wait for a round that saw the forwarded frame.
  nlohmann::json sw;
  ASSERT_TRUE(OvsHarness::wait_for([&] {
    int st = 0;
    const std::string out =
        OvsHarness::run(msg + " --connect=unix:" + sock + " --compact flow_stats.latest", &st);
    if (st != 0) return false;
    auto j = nlohmann::json::parse(out, nullptr, false);
    if (j.is_discarded() || !j.contains("switches") || j["switches"].empty()) return false;
    sw = j["switches"][0];
    return sw.contains("flows") && sw["flows"]["count"] == 1 && sw["flows"]["packets"].get<uint64_t>() >= 1;
  })) << sw.dump()
      << "\n"
      << ovs_.controller_log();
  EXPECT_EQ(sw["dpid"], "00000000000000a1");
  const auto& entry = sw["flows"]["entries"][0];
  EXPECT_EQ(entry["actions"], "output:1") << entry.dump();
  EXPECT_NE(entry["match"].get<std::string>().find("dl_src=00:00:00:00:00:02"), std::string::npos) << entry;
  EXPECT_EQ(sw["aggregate"]["flows"], 1) << sw.dump();
  ASSERT_TRUE(sw.contains("ports"));
  uint64_t tx1 = 0;
  for (const auto& p : sw["ports"])
    if (p["port"] == 1) tx1 = p["tx_packets"].get<uint64_t>();
  EXPECT_EQ(tx1, 2u) << sw.dump();  // both frames A received
  // And the one-line summary in the log.
  EXPECT_NE(ovs_.controller_log().find("00000000000000a1: 1 flows"), std::string::npos)
      << ovs_.controller_log();
}

}  // namespace
}  // namespace ofkit::ctl::testing
