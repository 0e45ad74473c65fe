// Global apps receive events as messages (global_events.h): owned copies of
// every OpenFlow event, forwarded to shard 0 only for the types some app
// subscribed to, in each switch's order, SwitchJoined first and SwitchLeft
// last. Integration: a scripted switch over loopback TCP, three shards.

#include <algorithm>
#include <map>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "controller/global_events.h"
#include "tests/controller/scripted_switch.h"
#include "tests/controller/test_controller.h"

namespace ofkit::ctl::testing {
namespace {

struct Seen {
  std::mutex mu;
  std::map<uint64_t, std::vector<std::string>> names;  // per dpid, in arrival order
  std::map<uint64_t, std::vector<uint32_t>> packet_in_xids;
  std::vector<uint8_t> first_frame;
  std::optional<of::FlowRemoved> flow_removed;
  std::optional<of::ErrorMsg> error;
  std::optional<of::StatsReply> stats;
  size_t shard_of_handler = 99;
  void add(uint64_t dpid, const char* name) {
    std::lock_guard lock(mu);
    names[dpid].push_back(name);
  }
  size_t count(uint64_t dpid) {
    std::lock_guard lock(mu);
    return names[dpid].size();
  }
};
Seen* g_seen = nullptr;

class Recorder : public App {
 public:
  void start(AppContext& ctx) override {
    Seen& s = *g_seen;
    ctx.listen<SwitchJoined>([&s](SwitchJoined& e) { s.add(e.dpid, e.kName); });
    ctx.listen<SwitchLeft>([&s](SwitchLeft& e) { s.add(e.dpid, e.kName); });
    ctx.listen<PacketInMsg>([&s, &ctx](PacketInMsg& e) {
      {
        std::lock_guard lock(s.mu);
        s.packet_in_xids[e.dpid].push_back(e.xid);
        if (s.first_frame.empty()) s.first_frame = e.data;
        s.shard_of_handler = ctx.shard_index();
      }
      s.add(e.dpid, e.kName);
    });
    ctx.listen<FlowRemovedMsg>([&s](FlowRemovedMsg& e) {
      {
        std::lock_guard lock(s.mu);
        s.flow_removed = e.msg;
      }
      s.add(e.dpid, e.kName);
    });
    ctx.listen<ErrorInMsg>([&s](ErrorInMsg& e) {
      {
        std::lock_guard lock(s.mu);
        s.error = e.msg;
      }
      s.add(e.dpid, e.kName);
    });
    ctx.listen<BarrierInMsg>([&s](BarrierInMsg& e) { s.add(e.dpid, e.kName); });
    ctx.listen<StatsReplyMsg>([&s](StatsReplyMsg& e) {
      {
        std::lock_guard lock(s.mu);
        s.stats = e.reply;
      }
      s.add(e.dpid, e.kName);
    });
  }
};

AppInfo recorder_info() {
  AppInfo info;
  info.name = "recorder";
  info.global = true;
  info.create = [] { return std::make_unique<Recorder>(); };
  return info;
}

bool wait_for(const std::function<bool()>& pred) {
  for (int i = 0; i < 300; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

TEST(GlobalApp, ReceivesEveryOpenFlowEventAsAnOwnedMessageInOrder) {
  Seen seen;
  g_seen = &seen;
  TestController ctl({recorder_info()});
  ASSERT_TRUE(ctl.start({"--threads=3", "recorder"}));
  // Several dpids so that some live on shards other than 0.
  std::vector<std::unique_ptr<ScriptedSwitch>> sws;
  for (uint64_t dpid = 1; dpid <= 4; ++dpid) {
    auto sw = std::make_unique<ScriptedSwitch>();
    ASSERT_TRUE(sw->connect_tcp(ctl.port()));
    ASSERT_TRUE(sw->handshake(dpid));
    sws.push_back(std::move(sw));
  }
  // Shard 0 starts its apps before it accepts: subscribed by now.
  EXPECT_TRUE(ctl.runtime().forwarding(kForwardPacketIn));
  EXPECT_TRUE(ctl.runtime().forwarding(kForwardStatsReply));
  for (uint64_t dpid = 1; dpid <= 4; ++dpid) {
    ScriptedSwitch& sw = *sws[dpid - 1];
    sw.packet_in(1, 0xaa, 0xbb, 7, 100);
    of::FlowRemoved fr;
    fr.cookie = 0x1234;
    fr.priority = 9;
    fr.packet_count = 5;
    sw.send(fr, 101);
    of::ErrorMsg em;
    em.type = static_cast<uint16_t>(of::ErrorType::kBadRequest);
    em.code = 1;
    em.data = {1, 2, 3, 4};
    sw.send(em, 102);
    sw.send(of::BarrierReply{}, 103);
    of::StatsReply sr;
    sr.body = of::DescStatsReply{of::DescStats{"maker", "hw", "sw", "serial", "dp"}};
    sw.send(sr, 104);
    sw.close();
  }
  const std::vector<std::string> expected{"SwitchJoined", "PacketInMsg",   "FlowRemovedMsg", "ErrorInMsg",
                                          "BarrierInMsg", "StatsReplyMsg", "SwitchLeft"};
  for (uint64_t dpid = 1; dpid <= 4; ++dpid) {
    ASSERT_TRUE(wait_for([&] { return seen.count(dpid) >= expected.size(); })) << dpid;
    std::lock_guard lock(seen.mu);
    EXPECT_EQ(seen.names[dpid], expected) << "dpid " << dpid;
  }
  std::lock_guard lock(seen.mu);
  EXPECT_EQ(seen.shard_of_handler, 0u);
  EXPECT_EQ(seen.first_frame, ScriptedSwitch::frame(0xaa, 0xbb));  // an owned copy of the frame
  ASSERT_TRUE(seen.flow_removed);
  EXPECT_EQ(seen.flow_removed->cookie, 0x1234u);
  EXPECT_EQ(seen.flow_removed->packet_count, 5u);
  ASSERT_TRUE(seen.error);
  EXPECT_EQ(seen.error->data, (std::vector<uint8_t>{1, 2, 3, 4}));
  ASSERT_TRUE(seen.stats);
  ASSERT_TRUE(std::holds_alternative<of::DescStatsReply>(seen.stats->body));
  EXPECT_EQ(std::get<of::DescStatsReply>(seen.stats->body).desc.mfr_desc, "maker");
  g_seen = nullptr;
}

TEST(GlobalApp, KeepsEachSwitchsPacketInOrderAcrossShards) {
  Seen seen;
  g_seen = &seen;
  TestController ctl({recorder_info()});
  // No rate limit: every PacketIn is forwarded.
  ASSERT_TRUE(ctl.start({"--threads=3", "--packet-in-rate=0", "recorder"}));
  constexpr uint32_t kCount = 500;
  std::vector<std::unique_ptr<ScriptedSwitch>> sws;
  for (uint64_t dpid = 10; dpid < 16; ++dpid) {
    auto sw = std::make_unique<ScriptedSwitch>();
    ASSERT_TRUE(sw->connect_tcp(ctl.port()));
    ASSERT_TRUE(sw->handshake(dpid));
    sws.push_back(std::move(sw));
  }
  for (uint32_t x = 1; x <= kCount; ++x)
    for (auto& sw : sws) sw->packet_in(1, 0xaa, 0xbb, x, x);
  for (uint64_t dpid = 10; dpid < 16; ++dpid) {
    ASSERT_TRUE(wait_for([&] {
      std::lock_guard lock(seen.mu);
      return seen.packet_in_xids[dpid].size() >= kCount;
    })) << dpid;
    std::lock_guard lock(seen.mu);
    const auto& xids = seen.packet_in_xids[dpid];
    EXPECT_TRUE(std::is_sorted(xids.begin(), xids.end())) << "dpid " << dpid;
    EXPECT_EQ(xids.size(), kCount);
    EXPECT_EQ(seen.names[dpid].front(), "SwitchJoined");
  }
  EXPECT_EQ(ctl.runtime().forward_drops(), 0u);
  g_seen = nullptr;
}

// Only SwitchJoined/Left/PortChanged travel unless a forwarded type is
// listened to: a plain runtime forwards (and copies) nothing else.
class JoinOnly : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<SwitchJoined>([](SwitchJoined&) {});
  }
};

TEST(GlobalApp, NothingIsForwardedWithoutASubscriber) {
  AppInfo info;
  info.name = "join_only";
  info.global = true;
  info.create = [] { return std::make_unique<JoinOnly>(); };
  TestController ctl({info});
  ASSERT_TRUE(ctl.start({"--threads=2", "join_only", "l2_learning"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(5));
  for (uint32_t bit :
       {kForwardPacketIn, kForwardFlowRemoved, kForwardErrorIn, kForwardBarrierIn, kForwardStatsReply})
    EXPECT_FALSE(ctl.runtime().forwarding(bit)) << bit;
  sw.packet_in(1, 0xaa, 0xbb, 1);
  EXPECT_TRUE(sw.expect<of::PacketOut>());  // l2_learning floods
  EXPECT_FALSE(ctl.runtime().forwarding(kForwardPacketIn));
}

// Over the bound, forwarded PacketIns are dropped and counted; control
// messages are not.
class SlowGlobal : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<PacketInMsg>([](PacketInMsg&) { std::this_thread::sleep_for(2ms); });
    ctx.listen<BarrierInMsg>([this](BarrierInMsg&) { ++barriers; });
  }
  static inline std::atomic<int> barriers{0};
};

TEST(GlobalApp, ForwardedPacketInsAreBoundedAndDropsCounted) {
  AppInfo info;
  info.name = "slow_global";
  info.global = true;
  info.create = [] { return std::make_unique<SlowGlobal>(); };
  SlowGlobal::barriers = 0;
  TestController ctl({info});
  // A tiny mailbox bound; a dpid that does not live on shard 0.
  ASSERT_TRUE(ctl.start({"--threads=2", "--packet-in-rate=0", "--mailbox-capacity=8", "slow_global"}));
  uint64_t dpid = 1;
  while (shard_for_dpid(dpid, 2) == 0) ++dpid;
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(dpid));
  for (uint32_t x = 0; x < 300; ++x) sw.packet_in(1, 0xaa, 0xbb, x);
  for (int i = 0; i < 20; ++i) sw.send(of::BarrierReply{}, 1000 + i);
  EXPECT_TRUE(wait_for([&] { return SlowGlobal::barriers.load() == 20; }));
  EXPECT_GT(ctl.runtime().forward_drops(), 0u);
}

}  // namespace
}  // namespace ofkit::ctl::testing
