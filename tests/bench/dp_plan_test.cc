// ofbench --target=datapath: the traffic plan, the frames and their tags,
// reading ofdp's stats text, and the target's command line.
#include "bench/ofbench/dp_plan.h"

#include <gtest/gtest.h>

#include <set>
#include <utility>

#include "bench/ofbench/options.h"

namespace ofkit::bench {
namespace {

TEST(DpPlan, PairsAvailableCountsCrossPortPairs) {
  EXPECT_EQ(dp_pairs_available(2, 2), 2u);      // 0->1, 1->0
  EXPECT_EQ(dp_pairs_available(4, 2), 8u);      // 2 hosts per port, each to the 2 on the other port
  EXPECT_EQ(dp_pairs_available(3, 2), 4u);      // port 0: hosts 0, 2; port 1: host 1 -> 2*1 + 1*2
  EXPECT_EQ(dp_pairs_available(16, 16), 240u);  // one host per port: every ordered pair
  EXPECT_EQ(dp_pairs_available(100, 1), 0u);
}

TEST(DpPlan, KDistinctPairsOnDifferentPortsWithTheFewestHosts) {
  for (auto [k, ports] : {std::pair<uint32_t, uint16_t>{1, 2}, {1000, 16}, {20000, 16}, {777, 3}}) {
    const FlowPlan plan = make_flow_plan(k, ports);
    ASSERT_EQ(plan.pairs.size(), k);
    EXPECT_GE(dp_pairs_available(plan.hosts, ports), k);
    EXPECT_LT(dp_pairs_available(plan.hosts - 1, ports), k) << "not the fewest hosts for " << k;
    std::set<std::pair<uint32_t, uint32_t>> seen;
    for (const HostPair& p : plan.pairs) {
      EXPECT_LT(p.src, plan.hosts);
      EXPECT_LT(p.dst, plan.hosts);
      EXPECT_NE(dp_host_port(p.src, ports), dp_host_port(p.dst, ports));
      EXPECT_TRUE(seen.insert({p.src, p.dst}).second);
    }
  }
}

TEST(DpPlan, OnePortIsRaisedToTwo) {
  const FlowPlan plan = make_flow_plan(4, 1);
  EXPECT_EQ(plan.ports, 2);
  EXPECT_EQ(plan.pairs.size(), 4u);
}

TEST(DpPlan, FrameBytesAndTag) {
  uint8_t f[kDpFrameLen];
  build_dp_frame(f, 0x010203, 5, DpPhase::kOffer);
  stamp_dp_frame(f, 0xdeadbeef, 0x0102030405060708ull);
  // Ethernet: dst 02:0d:00:00:00:05, src 02:0d:00:01:02:03, IPv4.
  const uint8_t eth[] = {0x02, 0x0d, 0x00, 0x00, 0x00, 0x05, 0x02, 0x0d, 0x00, 0x01, 0x02, 0x03, 0x08, 0x00};
  EXPECT_EQ(0, std::memcmp(f, eth, sizeof eth));
  // IPv4 header: version/IHL, total length 50, TTL 64, UDP, 10.1.2.3 -> 10.0.0.5.
  EXPECT_EQ(f[14], 0x45);
  EXPECT_EQ(f[16], 0);
  EXPECT_EQ(f[17], 50);
  EXPECT_EQ(f[22], 64);
  EXPECT_EQ(f[23], 17);
  const uint8_t addrs[] = {10, 1, 2, 3, 10, 0, 0, 5};
  EXPECT_EQ(0, std::memcmp(f + 26, addrs, sizeof addrs));
  // Header checksum: the one's-complement sum over the header is 0xffff.
  uint32_t sum = 0;
  for (int i = 0; i < 20; i += 2) sum += uint32_t(f[14 + i]) << 8 | f[15 + i];
  while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
  EXPECT_EQ(sum, 0xffffu);
  // UDP 4000 -> 5000, length 30; tag "OFDP", phase 2, id, time, big-endian.
  const uint8_t udp[] = {0x0f, 0xa0, 0x13, 0x88, 0x00, 30};
  EXPECT_EQ(0, std::memcmp(f + 34, udp, sizeof udp));
  const uint8_t tag[] = {'O',  'F',  'D',  'P',  2,    0xde, 0xad, 0xbe, 0xef,
                         0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08};
  EXPECT_EQ(0, std::memcmp(f + kDpTagOffset, tag, sizeof tag));

  const auto t = parse_dp_tag({f, sizeof f});
  ASSERT_TRUE(t);
  EXPECT_EQ(t->phase, DpPhase::kOffer);
  EXPECT_EQ(t->id, 0xdeadbeefu);
  EXPECT_EQ(t->sent_ns, 0x0102030405060708ull);
}

TEST(DpPlan, BroadcastFrameAndForeignFrames) {
  uint8_t f[kDpFrameLen];
  build_dp_frame(f, 7, UINT32_MAX, DpPhase::kLearn);
  for (int i = 0; i < 6; ++i) EXPECT_EQ(f[i], 0xff);
  EXPECT_EQ(parse_dp_tag({f, sizeof f})->phase, DpPhase::kLearn);
  EXPECT_FALSE(parse_dp_tag({f, kDpTagOffset + 16}));  // truncated
  f[kDpTagOffset + 4] = 9;                             // unknown phase
  EXPECT_FALSE(parse_dp_tag({f, sizeof f}));
  f[kDpTagOffset + 4] = 1;
  f[kDpTagOffset] = 'X';  // not our magic
  EXPECT_FALSE(parse_dp_tag({f, sizeof f}));
}

TEST(DpPlan, ParsesOfdpStatsText) {
  const std::string text =
      "worker 0: rx=100 tx=90 drops: malformed=0 no_action=0 port_config=0 tx=0 ring_full=0 no_buffer=0 "
      "misses=10 "
      "packet_ins=8 rate_limited=2 emc_hits=80 classifier_hits=10 cache_hit_rate=88.9%\n"
      "worker 1: rx=1 tx=1 drops: malformed=0 no_action=0 port_config=0 tx=0 ring_full=0 no_buffer=0 "
      "misses=1 "
      "packet_ins=1 rate_limited=0 emc_hits=0 classifier_hits=0 cache_hit_rate=0.0%\n"
      "control: rx=0 tx=5 drops: malformed=0 no_action=0 port_config=0 tx=0 ring_full=0 no_buffer=0 misses=0 "
      "packet_ins=0 rate_limited=0 emc_hits=0 classifier_hits=0 cache_hit_rate=0.0%\n"
      "port 1 (ofb0a): rx=100 rx_bytes=6400 tx=0 tx_bytes=0 rx_dropped=0 tx_dropped=0 rx_errors=0\n"
      "flows=7 flow_mods=9 buffers_in_use=3/256\n"
      "agent: messages_rx 20, messages_tx 30, errors_sent 0, packet_ins_sent 9, controller_connects 1, "
      "controller_disconnects 0\n";
  const OfdpStats s = parse_ofdp_stats(text);
  EXPECT_EQ(s.worker_rx, 101u);
  EXPECT_EQ(s.worker_tx, 91u);
  EXPECT_EQ(s.misses, 11u);
  EXPECT_EQ(s.packet_ins, 9u);
  EXPECT_EQ(s.rate_limited, 2u);
  EXPECT_EQ(s.flows, 7u);
  EXPECT_EQ(s.flow_mods, 9u);
  EXPECT_EQ(s.controller_connects, 1u);
  EXPECT_EQ(parse_ofdp_stats("garbage\n\nflows=").flows, 0u);
}

Options parse(std::vector<std::string> args) {
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  auto r = parse_options(static_cast<int>(argv.size()), argv.data());
  EXPECT_TRUE(std::holds_alternative<Options>(r));
  return std::holds_alternative<Options>(r) ? std::get<Options>(r) : Options{};
}

TEST(DpPlan, DatapathTargetCommandLine) {
  Options o = parse({"ofbench", "--target=datapath", "--flows=500", "--datapath-controller=local",
                     "--ofdp-arg=--miss-send-len=64", "--ofdp-arg=--workers=2"});
  EXPECT_EQ(o.target, Target::kDatapath);
  EXPECT_EQ(o.flows, 500u);
  EXPECT_EQ(o.datapath_controller, "local");
  EXPECT_EQ(o.ports, 16);  // the datapath target's default
  EXPECT_EQ(o.ofdp_args, (std::vector<std::string>{"--miss-send-len=64", "--workers=2"}));
  EXPECT_EQ(parse({"ofbench", "--target=datapath", "--ports=4"}).ports, 4);
  EXPECT_EQ(parse({"ofbench"}).ports, 4);  // the controller target's default is unchanged

  std::vector<std::string> bad{"ofbench", "--target=datapath", "--datapath-controller=udp"};
  std::vector<char*> argv;
  for (auto& a : bad) argv.push_back(a.data());
  testing::internal::CaptureStderr();
  auto r = parse_options(static_cast<int>(argv.size()), argv.data());
  testing::internal::GetCapturedStderr();
  ASSERT_TRUE(std::holds_alternative<int>(r));
  EXPECT_EQ(std::get<int>(r), 2);
}

}  // namespace
}  // namespace ofkit::bench
