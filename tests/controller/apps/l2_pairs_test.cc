// l2_pairs against a scripted switch: the exact PACKET_OUTs and FLOW_MODs
// POX's forwarding.l2_pairs sends (matches on the MAC pair only, both
// directions, the buffer on the second FLOW_MOD).

#include <gtest/gtest.h>

#include "controller/apps/app_util.h"
#include "tests/controller/apps/app_harness.h"

namespace ofkit::ctl::testing {
namespace {

constexpr uint64_t kA = 0x00000000000aULL, kB = 0x00000000000bULL;
const MacAddr kMacA = MacAddr::from_u64(kA), kMacB = MacAddr::from_u64(kB);
// POX's ofp_match() with dl_src and dl_dst set: every other one-bit field
// wildcarded, nw_src/nw_dst wildcard counts 32 (0x2000 | 0x80000).
constexpr uint32_t kPairWildcards = 0x3820f3;

void expect_pair_flow(const of::FlowMod* fm, MacAddr src, MacAddr dst, uint16_t out, uint32_t buffer_id,
                      uint16_t idle = 0, uint16_t hard = 0, uint16_t priority = 0x8000) {
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->command, of::FlowModCommand::kAdd);
  EXPECT_EQ(fm->match.wildcards, kPairWildcards);
  of::Match want;
  want.wildcards = kPairWildcards;
  want.key.dl_src = src;
  want.key.dl_dst = dst;
  EXPECT_EQ(fm->match, want);
  EXPECT_EQ(fm->buffer_id, buffer_id);
  EXPECT_EQ(fm->idle_timeout, idle);
  EXPECT_EQ(fm->hard_timeout, hard);
  EXPECT_EQ(fm->priority, priority);
  EXPECT_EQ(fm->cookie, 0u);
  EXPECT_EQ(fm->flags, 0);
  ASSERT_EQ(fm->actions.size(), 1u);
  EXPECT_EQ(fm->actions[0], of::Action(of::ActionOutput{out, 0}));
}

TEST(L2Pairs, WildcardsAreWhatPoxSends) {
  EXPECT_EQ(apps::pox_wildcards_except(of::wildcards::kDlSrc | of::wildcards::kDlDst), kPairWildcards);
  EXPECT_EQ(apps::pox_wildcards_except(0), 0x3820ffu);
  EXPECT_EQ(apps::mac_match(&kMacA, nullptr).wildcards, 0x3820fbu);
  EXPECT_EQ(apps::mac_match(nullptr, &kMacB).wildcards, 0x3820f7u);
}

TEST(L2Pairs, FloodsUnknownThenInstallsBothDirections) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=2", "l2_pairs"}));
  auto sw = h.connect(0x1);
  ASSERT_TRUE(sw);

  // A (port 1) -> B: B unknown, flood with the buffer, no data.
  sw->packet_in(1, kA, kB, 100);
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, 100u);
  EXPECT_EQ(po->in_port, 1);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{of::port::kFlood, 0}}));
  EXPECT_TRUE(po->data.empty());

  // B (port 2) -> A: A known on 1. First A->B (to 2, no buffer), then B->A with the buffer.
  sw->packet_in(2, kB, kA, 101);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 2u);
  expect_pair_flow(as<of::FlowMod>(msgs, 0), kMacA, kMacB, 2, of::kNoBuffer);
  expect_pair_flow(as<of::FlowMod>(msgs, 1), kMacB, kMacA, 1, 101);

  // Unbuffered A -> B: both flows, then the frame in a PACKET_OUT to port 2.
  sw->packet_in(1, kA, kB, of::kNoBuffer);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 3u);
  expect_pair_flow(as<of::FlowMod>(msgs, 0), kMacB, kMacA, 1, of::kNoBuffer);
  expect_pair_flow(as<of::FlowMod>(msgs, 1), kMacA, kMacB, 2, of::kNoBuffer);
  po = as<of::PacketOut>(msgs, 2);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, of::kNoBuffer);
  EXPECT_EQ(po->in_port, 1);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{2, 0}}));
  EXPECT_EQ(po->data, ScriptedSwitch::frame(kA, kB));

  // Broadcast is never learned as a source: flooded, unbuffered with data.
  sw->packet_in(1, kA, 0xffffffffffffULL, of::kNoBuffer);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{of::port::kFlood, 0}}));
  EXPECT_EQ(po->data, ScriptedSwitch::frame(kA, 0xffffffffffffULL));
}

TEST(L2Pairs, OptionsSetTimeoutsAndPriorityAndTablesArePerSwitch) {
  AppHarness h;
  ASSERT_TRUE(h.start(
      {"--threads=1", "forwarding.l2_pairs", "--idle-timeout=5", "--hard-timeout=50", "--priority=100"}));
  auto s1 = h.connect(0x1);
  auto s2 = h.connect(0x2);
  ASSERT_TRUE(s1 && s2);
  s1->packet_in(3, kA, kB, 1);
  AppHarness::sync(*s1);
  // On switch 2, A is unknown: B -> A floods there.
  s2->packet_in(4, kB, kA, 2);
  auto msgs = AppHarness::sync(*s2);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(as<of::PacketOut>(msgs, 0), nullptr);
  // On switch 1 it installs with the configured timeouts and priority.
  s1->packet_in(4, kB, kA, 3);
  msgs = AppHarness::sync(*s1);
  ASSERT_EQ(msgs.size(), 2u);
  expect_pair_flow(as<of::FlowMod>(msgs, 0), kMacA, kMacB, 4, of::kNoBuffer, 5, 50, 100);
  expect_pair_flow(as<of::FlowMod>(msgs, 1), kMacB, kMacA, 3, 3, 5, 50, 100);
}

TEST(L2Pairs, ForgetsASwitchThatReconnects) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "l2_pairs"}));
  auto sw = h.connect(0x7);
  ASSERT_TRUE(sw);
  sw->packet_in(1, kA, kB, 1);
  AppHarness::sync(*sw);
  sw->close();
  sw = h.connect(0x7);
  ASSERT_TRUE(sw);
  sw->packet_in(2, kB, kA, 2);  // A forgotten: flood
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_NE(as<of::PacketOut>(msgs, 0), nullptr);
}

}  // namespace
}  // namespace ofkit::ctl::testing
