// Three real Open vSwitch bridges in a loop under ofctl-run
// `discovery spanning_tree l2_learning` (the issue's integration test), and
// the same with l2_multi.
//
// One private ovsdb-server + ovs-vswitchd (userspace, --enable-dummy) in a
// temp dir; bridges s1..s3 (datapath_type=netdev, OpenFlow10, fail-mode
// secure, dpids a1..a3), each with a dummy host port 1 (h1..h3, recording
// what it transmits to a pcap) and patch ports 2 (to the next bridge) and 3
// (to the previous one): s1.2-s2.3, s2.2-s3.3, s3.2-s1.3. ofctl-run runs as
// a real process with two shards and a 0.5 s LLDP interval.
//
// Checks: the six directed links appear in ofctl-run's log and in
// `ofctl-msg discovery.links` (the messenger on a unix socket); the spanning
// tree (BFS from a1) leaves exactly s2.2 and s3.3 with NO_FLOOD; a
// broadcast injected on h1 reaches h2 and h3 exactly once and h1 never;
// the bridges' port counters grow by no more than LLDP can explain (no
// storm); a unicast h2 -> h1 reaches only h1, through flows on s2 and s1
// only (the direct cable). Under l2_learning the s1-s2 cable is then
// removed: the tree is recomputed, the s2-s3 cable opens, and a broadcast
// still reaches every host once. Everything started here is
// stopped and the temp dir removed, pass or fail.

#include <gtest/gtest.h>

#include <chrono>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "controller/ovs_harness.h"

namespace {

using namespace std::chrono_literals;
using ofkit::ctl::testing::OvsHarness;

constexpr double kInterval = 0.5;  // discovery --interval

struct Frame {
  std::string dst, src;
  uint16_t type = 0;
};

// The frames a dummy port transmitted (Ethernet addresses and type).
std::vector<Frame> pcap_frames(const std::string& path) {
  std::vector<Frame> out;
  for (const auto& b : OvsHarness::pcap_frames(path)) {
    if (b.size() < 14) break;
    out.push_back({OvsHarness::mac(b, 0), OvsHarness::mac(b, 6), static_cast<uint16_t>(b[12] << 8 | b[13])});
  }
  return out;
}

// Frames other than LLDP (discovery sends LLDP out of host ports too).
std::vector<Frame> data_frames(const std::string& path) {
  std::vector<Frame> out;
  for (auto& f : pcap_frames(path))
    if (f.type != 0x88cc) out.push_back(f);
  return out;
}

std::string frame_hex(const std::string& dst, const std::string& src) {
  return OvsHarness::udp_frame_hex(dst, src);
}

class OvsLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!OvsHarness::available()) GTEST_SKIP() << "Open vSwitch not installed (scripts/install-deps.sh)";
    ofctl_msg_ = OvsHarness::program("ofctl-msg");
    const std::string ofctl = OvsHarness::program("ofctl-run");
    ASSERT_TRUE(OvsHarness::have(ofctl.c_str())) << ofctl;
    ASSERT_TRUE(ovs_.start_ovs("ofctl-topo"));
  }
  void TearDown() override { ovs_.stop(); }

  // ofctl-run discovery spanning_tree <forwarding>, a real process.
  bool start_controller(const std::string& forwarding) {
    return ovs_.start_controller({"discovery", "--interval=" + std::to_string(kInterval), "--link-timeout=3",
                                  "spanning_tree", forwarding, "messenger", "--tcp=off",
                                  "--unix=" + ovs_.dir() + "/msg.sock"});
  }

  std::string log() { return ovs_.controller_log(); }
  std::string vsctl(const std::string& args) { return ovs_.vsctl(args); }
  std::string ofctl(const std::string& args) { return ovs_.ofctl(args); }
  void inject(const std::string& port, const std::string& hex) { ovs_.inject(port, hex); }
  std::string pcap(int host) { return ovs_.dir() + "/h" + std::to_string(host) + "-tx.pcap"; }
  template <typename P>
  static bool wait_for(P pred, std::chrono::milliseconds timeout = 10s) {
    return OvsHarness::wait_for(pred, timeout);
  }
  // "link up A.p -> B.q" lines of the log, as a set.
  std::set<std::string> links_up() {
    std::set<std::string> out;
    const std::string l = log();
    static const std::regex re("link up ([0-9a-f]{16}\\.[0-9]+ -> [0-9a-f]{16}\\.[0-9]+)");
    for (std::sregex_iterator it(l.begin(), l.end(), re), end; it != end; ++it) out.insert((*it)[1]);
    return out;
  }
  // "s2.2" for every port of every bridge whose config has NO_FLOOD.
  std::set<std::string> no_flood_ports() {
    std::set<std::string> out;
    static const std::regex port_re("^ ([0-9]+)\\(");
    for (int b = 1; b <= 3; ++b) {
      const std::string show = ofctl("show s" + std::to_string(b));
      std::string current;
      size_t pos = 0;
      while (pos < show.size()) {
        size_t nl = show.find('\n', pos);
        if (nl == std::string::npos) nl = show.size();
        const std::string line = show.substr(pos, nl - pos);
        std::smatch m;
        if (std::regex_search(line, m, port_re)) current = m[1];
        if (line.find("config:") != std::string::npos && line.find("NO_FLOOD") != std::string::npos)
          out.insert("s" + std::to_string(b) + "." + current);
        pos = nl + 1;
      }
    }
    return out;
  }
  // Sum of tx packets over every port of the three bridges.
  uint64_t total_tx() {
    uint64_t sum = 0;
    static const std::regex re("tx pkts=([0-9]+)");
    for (int b = 1; b <= 3; ++b) {
      const std::string s = ofctl("dump-ports s" + std::to_string(b));
      for (std::sregex_iterator it(s.begin(), s.end(), re), end; it != end; ++it)
        sum += std::stoull((*it)[1]);
    }
    return sum;
  }

  void loop_scenario(const std::string& forwarding);
  // "in_port=N ... actions=output:M" flows of a bridge (not discovery's LLDP flow).
  std::set<std::string> forwarding_flows(int bridge) {
    std::set<std::string> out;
    static const std::regex re("in_port=([0-9]+)[^ ]* actions=output:([0-9]+)");
    const std::string s = ofctl("dump-flows s" + std::to_string(bridge));
    for (std::sregex_iterator it(s.begin(), s.end(), re), end; it != end; ++it)
      out.insert(std::string((*it)[1]) + ">" + std::string((*it)[2]));
    return out;
  }

  OvsHarness ovs_;
  std::string ofctl_msg_;
};

// The whole scenario under `discovery spanning_tree <forwarding>`.
void OvsLoop::loop_scenario(const std::string& forwarding) {
  ASSERT_TRUE(start_controller(forwarding));
  std::string cmd;
  for (int i = 1; i <= 3; ++i) {
    const std::string s = std::to_string(i), next = std::to_string(i % 3 + 1),
                      prev = std::to_string((i + 1) % 3 + 1);
    cmd += " -- " + OvsHarness::netdev_bridge("s" + s, "00000000000000a" + s);
    cmd += OvsHarness::dummy_port("s" + s, "h" + s, 1, pcap(i));
    cmd += OvsHarness::patch_port("s" + s, "s" + s + "-to-s" + next, "s" + next + "-to-s" + s, 2);
    cmd += OvsHarness::patch_port("s" + s, "s" + s + "-to-s" + prev, "s" + prev + "-to-s" + s, 3);
  }
  std::string out = vsctl(cmd.substr(4));
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(vsctl("br-exists s" + std::to_string(i)), "") << out;
  for (int i = 1; i <= 3; ++i) ovs_.set_controller("s" + std::to_string(i));

  // 1. Discovery finds both directions of the three patch cables.
  const std::set<std::string> want_links = {
      "00000000000000a1.2 -> 00000000000000a2.3", "00000000000000a2.3 -> 00000000000000a1.2",
      "00000000000000a2.2 -> 00000000000000a3.3", "00000000000000a3.3 -> 00000000000000a2.2",
      "00000000000000a3.2 -> 00000000000000a1.3", "00000000000000a1.3 -> 00000000000000a3.2",
  };
  ASSERT_TRUE(wait_for([&] { return links_up() == want_links; }, 15s)) << log();
  // The same through the messenger: `ofctl-msg discovery.links`.
  if (OvsHarness::have(ofctl_msg_.c_str())) {
    int st = 0;
    const std::string reply = OvsHarness::run(
        ofctl_msg_ + " --connect=unix:" + ovs_.dir() + "/msg.sock --compact discovery.links", &st);
    EXPECT_EQ(st, 0) << reply;
    size_t n = 0;
    for (size_t p = reply.find("\"dpid1\""); p != std::string::npos; p = reply.find("\"dpid1\"", p + 1)) ++n;
    EXPECT_EQ(n, 6u) << reply;
    EXPECT_NE(
        reply.find("\"dpid1\":\"00000000000000a1\",\"dpid2\":\"00000000000000a2\",\"port1\":2,\"port2\":3"),
        std::string::npos)
        << reply;
  }

  // 2. The tree is a1-a2, a1-a3 (BFS from the lowest dpid): the a2-a3 cable
  // is blocked at both ends, every other port floods. Wait until every
  // switch's hold-down has ended and the PORT_MODs have landed.
  const std::set<std::string> want_blocked = {"s2.2", "s3.3"};
  ASSERT_TRUE(wait_for([&] { return no_flood_ports() == want_blocked; }, 10s))
      << ofctl("show s1") << ofctl("show s2") << ofctl("show s3");
  // The tree is stable: nothing is re-opened or closed in the next rounds.
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(kInterval * 2000)));
  ASSERT_EQ(no_flood_ports(), want_blocked);

  for (int h = 1; h <= 3; ++h) ASSERT_TRUE(data_frames(pcap(h)).empty()) << h;
  const uint64_t tx_before = total_tx();
  const auto t0 = std::chrono::steady_clock::now();

  // 3. Broadcast from h1: h2 and h3 get it exactly once, h1 never.
  const std::string a = "000000000001", b = "000000000002";
  inject("h1", frame_hex("ffffffffffff", a));
  ASSERT_TRUE(wait_for([&] { return data_frames(pcap(2)).size() >= 1 && data_frames(pcap(3)).size() >= 1; }));
  std::this_thread::sleep_for(1s);  // time for duplicates or a storm to show
  EXPECT_EQ(data_frames(pcap(1)).size(), 0u);
  EXPECT_EQ(data_frames(pcap(2)).size(), 1u);
  EXPECT_EQ(data_frames(pcap(3)).size(), 1u);
  EXPECT_EQ(data_frames(pcap(2))[0].dst, "ff:ff:ff:ff:ff:ff");

  // No storm: over the window the bridges transmitted only LLDP (3 ports x 3
  // bridges per round) plus the broadcast's handful of copies.
  const double window = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t tx_after = total_tx();
  const uint64_t lldp_bound = static_cast<uint64_t>(9 * (window / kInterval + 2));
  EXPECT_LE(tx_after - tx_before, lldp_bound + 10) << "window " << window << " s";

  // 4. Unicast h2 -> h1 (a was learned from the broadcast): only h1 gets it.
  inject("h2", frame_hex(a, b));
  ASSERT_TRUE(wait_for([&] { return data_frames(pcap(1)).size() == 1; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(data_frames(pcap(1)).size(), 1u);
  EXPECT_EQ(data_frames(pcap(1))[0].dst, "00:00:00:00:00:01");
  EXPECT_EQ(data_frames(pcap(2)).size(), 1u);  // still only the broadcast
  EXPECT_EQ(data_frames(pcap(3)).size(), 1u);
}

TEST_F(OvsLoop, L2LearningFindsLinksBlocksTheLoopFloodsOnceForwardsUnicast) {
  loop_scenario("l2_learning");
  if (HasFatalFailure()) return;
  // l2_learning learned a on s2's port to s1 (the tree) and s1 on its host port.
  EXPECT_EQ(forwarding_flows(2), (std::set<std::string>{"1>3"})) << ofctl("dump-flows s2");

  // 5. The s1-s2 cable goes away (PORT_STATUS delete): its links go down,
  // the tree becomes s1-s3-s2, and the s2-s3 cable floods again.
  vsctl("del-port s1 s1-to-s2");
  ASSERT_TRUE(wait_for([&] { return no_flood_ports().empty(); }, 10s))
      << ofctl("show s2") << ofctl("show s3") << log();
  inject("h1", frame_hex("ffffffffffff", "000000000001"));
  ASSERT_TRUE(wait_for([&] { return data_frames(pcap(2)).size() >= 2 && data_frames(pcap(3)).size() >= 2; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(data_frames(pcap(1)).size(), 1u);  // the unicast only
  EXPECT_EQ(data_frames(pcap(2)).size(), 2u);
  EXPECT_EQ(data_frames(pcap(3)).size(), 2u);
  EXPECT_NE(log().find("link down 00000000000000a1.2 -> 00000000000000a2.3"), std::string::npos) << log();
}

TEST_F(OvsLoop, L2MultiForwardsAlongTheShortestPath) {
  loop_scenario("l2_multi");
  if (HasFatalFailure()) return;
  // h2 -> h1: the direct cable s2.3 - s1.2, one flow per switch of the path.
  EXPECT_TRUE(wait_for([&] { return forwarding_flows(1) == std::set<std::string>{"2>1"}; }, 3s))
      << ofctl("dump-flows s1");
  EXPECT_EQ(forwarding_flows(2), (std::set<std::string>{"1>3"})) << ofctl("dump-flows s2");
  EXPECT_TRUE(forwarding_flows(3).empty()) << ofctl("dump-flows s3");
}

}  // namespace
