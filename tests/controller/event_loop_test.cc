#include "controller/event_loop.h"

#include <gtest/gtest.h>

#include <thread>

#include "controller/connection.h"

namespace ofkit::ctl {
namespace {

using namespace std::chrono_literals;

// Runs iterations until pred or a bounded number of rounds.
template <typename P>
void run_until(EventLoop& loop, P pred) {
  for (int i = 0; i < 2000 && !pred(); ++i) loop.run_once(5ms);
}

TEST(EventLoop, CallLaterRunsInDeadlineOrder) {
  EventLoop loop;
  std::vector<int> order;
  loop.call_later(30ms, [&] { order.push_back(3); });
  loop.call_later(1ms, [&] { order.push_back(1); });
  loop.call_later(10ms, [&] { order.push_back(2); });
  run_until(loop, [&] { return order.size() == 3; });
  EXPECT_EQ(order, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(loop.pending_timers(), 0u);
}

TEST(EventLoop, CancelledTimersNeverRun) {
  EventLoop loop;
  int ran = 0, other = 0;
  TimerId id = loop.call_later(1ms, [&] { ++ran; });
  loop.call_later(5ms, [&] { ++other; });
  EXPECT_TRUE(loop.cancel(id));
  EXPECT_FALSE(loop.cancel(id));
  run_until(loop, [&] { return other == 1; });
  EXPECT_EQ(ran, 0);
}

TEST(EventLoop, RecurringTimerRepeatsUntilItCancelsItself) {
  EventLoop loop;
  int n = 0;
  TimerId id = 0;
  id = loop.call_every(1ms, [&] {
    if (++n == 5) loop.cancel(id);
  });
  run_until(loop, [&] { return loop.pending_timers() == 0; });
  EXPECT_EQ(n, 5);
}

TEST(EventLoop, PostFromAnotherThreadWakesTheLoop) {
  EventLoop loop;
  std::atomic<int> got{0};
  std::thread t([&] { loop.post([&] { got = 1; }); });
  t.join();
  run_until(loop, [&] { return got.load() == 1; });
  EXPECT_EQ(got.load(), 1);
}

TEST(EventLoop, DataMailboxIsBoundedAndCountsDrops) {
  EventLoop loop(4);
  int ran = 0;
  int accepted = 0;
  for (int i = 0; i < 10; ++i) accepted += loop.try_post_data([&] { ++ran; });
  EXPECT_EQ(accepted, 4);
  EXPECT_EQ(loop.data_drops(), 6u);
  loop.run_once(1ms);
  EXPECT_EQ(ran, 4);
}

TEST(EventLoop, StopEndsRun) {
  EventLoop loop;
  std::thread t([&] { loop.run(); });
  loop.post([&] { loop.stop(); });
  t.join();
  EXPECT_TRUE(loop.stopping());
}

TEST(ShardRouting, IsStableAndSpreadsDpids) {
  EXPECT_EQ(shard_for_dpid(12345, 1), 0u);
  std::vector<int> counts(4, 0);
  for (uint64_t dpid = 1; dpid <= 4000; ++dpid) {
    const size_t s = shard_for_dpid(dpid, 4);
    ASSERT_LT(s, 4u);
    EXPECT_EQ(s, shard_for_dpid(dpid, 4));
    ++counts[s];
  }
  for (int c : counts) {
    EXPECT_GT(c, 800);  // sequential dpids do not all pile onto one shard
    EXPECT_LT(c, 1200);
  }
}

}  // namespace
}  // namespace ofkit::ctl
