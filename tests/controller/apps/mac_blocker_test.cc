// mac_blocker in front of l2_learning: PacketIns from/to blocked MACs are
// halted before the forwarding app and answered with drop flows; the block
// list changes at runtime through the services (called on the
// ServiceDirectory directly, as the messenger does) and on SIGHUP, with the
// matching FLOW_MODs on every connected switch of every shard.

#include <gtest/gtest.h>

#include "controller/connection.h"
#include "tests/controller/apps/app_harness.h"

namespace ofkit::ctl::testing {
namespace {

constexpr uint64_t kA = 0x0000000000aaULL, kB = 0x0000000000bbULL, kC = 0x0000000000ccULL;
constexpr uint32_t kSrcWildcards = 0x3820fb;  // POX ofp_match(dl_src=..)
constexpr uint32_t kDstWildcards = 0x3820f7;  // POX ofp_match(dl_dst=..)

void expect_drop(const of::FlowMod* fm, bool by_src, uint64_t mac, uint32_t buffer_id, uint16_t idle = 60,
                 uint16_t hard = 0, uint16_t priority = 0xffff) {
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->command, of::FlowModCommand::kAdd);
  of::Match want;
  want.wildcards = by_src ? kSrcWildcards : kDstWildcards;
  (by_src ? want.key.dl_src : want.key.dl_dst) = MacAddr::from_u64(mac);
  EXPECT_EQ(fm->match, want);
  EXPECT_TRUE(fm->actions.empty());
  EXPECT_EQ(fm->buffer_id, buffer_id);
  EXPECT_EQ(fm->idle_timeout, idle);
  EXPECT_EQ(fm->hard_timeout, hard);
  EXPECT_EQ(fm->priority, priority);
}

void expect_delete(const of::FlowMod* fm, bool by_src, uint64_t mac) {
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->command, of::FlowModCommand::kDelete);
  of::Match want;
  want.wildcards = by_src ? kSrcWildcards : kDstWildcards;
  (by_src ? want.key.dl_src : want.key.dl_dst) = MacAddr::from_u64(mac);
  EXPECT_EQ(fm->match, want);
  EXPECT_EQ(fm->out_port, of::port::kNone);
  EXPECT_TRUE(fm->actions.empty());
}

TEST(MacBlocker, HaltsBeforeL2LearningAndInstallsDropFlows) {
  AppHarness h;
  // l2_learning is named first: the listener priority, not the order, decides.
  ASSERT_TRUE(h.start({"--threads=2", "l2_learning", "mac_blocker", "--block=00:00:00:00:00:aa",
                       "--idle-timeout=30", "--hard-timeout=300", "--priority=40000"}));
  auto sw = h.connect(0x11);
  ASSERT_TRUE(sw);
  // On connect: the drop flows of every blocked MAC.
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 2u);
  expect_drop(as<of::FlowMod>(msgs, 0), true, kA, of::kNoBuffer, 30, 300, 40000);
  expect_drop(as<of::FlowMod>(msgs, 1), false, kA, of::kNoBuffer, 30, 300, 40000);

  // From A: one drop flow carrying the buffer; l2_learning never floods it.
  sw->packet_in(1, kA, kB, 200);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  expect_drop(as<of::FlowMod>(msgs, 0), true, kA, 200, 30, 300, 40000);

  // To A: a drop flow on dl_dst.
  sw->packet_in(2, kB, kA, 201);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  expect_drop(as<of::FlowMod>(msgs, 0), false, kA, 201, 30, 300, 40000);

  // Others pass to l2_learning: C -> B floods (B's only PacketIn, to A, was
  // halted, so l2_learning never learned B).
  sw->packet_in(3, kC, kB, 202);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->buffer_id, 202u);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{of::port::kFlood, 0}}));
  // B -> C: C learned on 3 by l2_learning: an exact flow.
  sw->packet_in(2, kB, kC, 203);
  msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* fm = as<of::FlowMod>(msgs, 0);
  ASSERT_NE(fm, nullptr);
  EXPECT_EQ(fm->match.wildcards, 0u);
  EXPECT_EQ(fm->actions, (of::ActionList{of::ActionOutput{3, 0}}));
}

TEST(MacBlocker, ServicesChangeTheListAtRuntimeOnEveryShard) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=2", "mac_blocker", "--block=00:00:00:00:00:aa", "l2_learning"}));
  // Two switches on different shards.
  uint64_t d1 = 1, d2 = 2;
  while (shard_for_dpid(d2, 2) == shard_for_dpid(d1, 2)) ++d2;
  auto s1 = h.connect(d1);
  auto s2 = h.connect(d2);
  ASSERT_TRUE(s1 && s2);
  EXPECT_EQ(AppHarness::sync(*s1).size(), 2u);
  EXPECT_EQ(AppHarness::sync(*s2).size(), 2u);

  ASSERT_TRUE(h.runtime().services().has("mac_blocker.block"));
  EXPECT_EQ(h.call("mac_blocker.list", {}), (nlohmann::json{{"list", {"00:00:00:00:00:aa"}}}));

  // Block C: both switches lose C's flows and get its drop flows.
  nlohmann::json r = h.call("mac_blocker.block", {{"macs", {"00:00:00:00:00:CC"}}});
  EXPECT_EQ(r, (nlohmann::json{{"blocked", {"00:00:00:00:00:cc"}},
                               {"list", {"00:00:00:00:00:aa", "00:00:00:00:00:cc"}}}))
      << r.dump();
  for (ScriptedSwitch* sw : {s1.get(), s2.get()}) {
    auto msgs = AppHarness::sync(*sw);
    ASSERT_EQ(msgs.size(), 4u);
    expect_delete(as<of::FlowMod>(msgs, 0), true, kC);
    expect_delete(as<of::FlowMod>(msgs, 1), false, kC);
    expect_drop(as<of::FlowMod>(msgs, 2), true, kC, of::kNoBuffer);
    expect_drop(as<of::FlowMod>(msgs, 3), false, kC, of::kNoBuffer);
  }
  s2->packet_in(1, kC, kB, 7);
  auto msgs = AppHarness::sync(*s2);
  ASSERT_EQ(msgs.size(), 1u);
  expect_drop(as<of::FlowMod>(msgs, 0), true, kC, 7);

  // Blocking it again changes nothing and sends nothing.
  r = h.call("mac_blocker.block", {{"mac", "00:00:00:00:00:cc"}});
  EXPECT_EQ(r["blocked"], nlohmann::json::array());
  EXPECT_TRUE(AppHarness::sync(*s1).empty());

  // Unblock A: its flows are deleted; A reaches l2_learning again (flood).
  r = h.call("mac_blocker.unblock", {{"macs", "00:00:00:00:00:aa"}});
  EXPECT_EQ(r, (nlohmann::json{{"unblocked", {"00:00:00:00:00:aa"}}, {"list", {"00:00:00:00:00:cc"}}}))
      << r.dump();
  for (ScriptedSwitch* sw : {s1.get(), s2.get()}) {
    msgs = AppHarness::sync(*sw);
    ASSERT_EQ(msgs.size(), 2u);
    expect_delete(as<of::FlowMod>(msgs, 0), true, kA);
    expect_delete(as<of::FlowMod>(msgs, 1), false, kA);
  }
  s1->packet_in(1, kA, kB, 8);
  msgs = AppHarness::sync(*s1);
  ASSERT_EQ(msgs.size(), 1u);
  const auto* po = as<of::PacketOut>(msgs, 0);
  ASSERT_NE(po, nullptr);
  EXPECT_EQ(po->actions, (of::ActionList{of::ActionOutput{of::port::kFlood, 0}}));
  EXPECT_EQ(h.call("mac_blocker.list", {}), (nlohmann::json{{"list", {"00:00:00:00:00:cc"}}}));
}

TEST(MacBlocker, BadRequestsGetErrorsAndChangeNothing) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "mac_blocker"}));
  for (const nlohmann::json& req :
       {nlohmann::json::object(), nlohmann::json{{"macs", {"zz:00:00:00:00:01"}}},
        nlohmann::json{{"mac", "ff:ff:ff:ff:ff:ff"}}, nlohmann::json{{"macs", 5}},
        nlohmann::json{{"macs", nlohmann::json::array()}}, nlohmann::json("00:00:00:00:00:01")}) {
    const nlohmann::json r = h.call("mac_blocker.block", req);
    EXPECT_TRUE(r.contains("error")) << req.dump() << " -> " << r.dump();
  }
  EXPECT_EQ(h.call("mac_blocker.list", {}), (nlohmann::json{{"list", nlohmann::json::array()}}));
}

TEST(MacBlocker, SighupAppliesWhatChangedInBlock) {
  AppHarness h;
  ASSERT_TRUE(h.start({"--threads=1", "mac_blocker", "--block=00:00:00:00:00:aa", "hub"}));
  auto sw = h.connect(0x5);
  ASSERT_TRUE(sw);
  EXPECT_EQ(AppHarness::sync(*sw).size(), 2u);
  // A runtime block that the reload must keep.
  h.call("mac_blocker.block", {{"mac", "00:00:00:00:00:bb"}});
  EXPECT_EQ(AppHarness::sync(*sw).size(), 4u);

  std::string block = "00:00:00:00:00:cc";
  h.runtime().set_reload_source([&block](std::vector<AppInstanceSpec>* apps) {
    for (auto& spec : *apps) {
      if (spec.info->name != "mac_blocker") continue;
      auto values = spec.options.all();
      values["block"] = block;
      spec.options = OptionValues(values);
    }
    return true;
  });
  h.runtime().reload();
  // The list service runs on shard 0 after the reload posted there.
  EXPECT_EQ(h.call("mac_blocker.list", {}),
            (nlohmann::json{{"list", {"00:00:00:00:00:bb", "00:00:00:00:00:cc"}}}));
  auto msgs = AppHarness::sync(*sw);
  ASSERT_EQ(msgs.size(), 6u);
  expect_delete(as<of::FlowMod>(msgs, 0), true, kC);
  expect_delete(as<of::FlowMod>(msgs, 1), false, kC);
  expect_drop(as<of::FlowMod>(msgs, 2), true, kC, of::kNoBuffer);
  expect_drop(as<of::FlowMod>(msgs, 3), false, kC, of::kNoBuffer);
  expect_delete(as<of::FlowMod>(msgs, 4), true, kA);
  expect_delete(as<of::FlowMod>(msgs, 5), false, kA);

  // A bad --block on reload keeps everything.
  block = "not-a-mac";
  h.runtime().reload();
  EXPECT_EQ(h.call("mac_blocker.list", {}),
            (nlohmann::json{{"list", {"00:00:00:00:00:bb", "00:00:00:00:00:cc"}}}));
  EXPECT_TRUE(AppHarness::sync(*sw).empty());
}

}  // namespace
}  // namespace ofkit::ctl::testing
