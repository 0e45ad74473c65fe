// Back-off and keepalive state machines under a fake clock.
#include <gtest/gtest.h>

#include "datapath/agent_backoff.h"
#include "datapath/agent_keepalive.h"

namespace ofkit::dp {
namespace {

using std::chrono::milliseconds;

TEST(Backoff, DoublesUpToMaxAndResets) {
  Backoff b(milliseconds(100), milliseconds(1000));
  EXPECT_EQ(b.next(), milliseconds(100));
  EXPECT_EQ(b.next(), milliseconds(200));
  EXPECT_EQ(b.next(), milliseconds(400));
  EXPECT_EQ(b.next(), milliseconds(800));
  EXPECT_EQ(b.next(), milliseconds(1000));
  EXPECT_EQ(b.next(), milliseconds(1000));
  EXPECT_EQ(b.peek(), milliseconds(1000));
  b.reset();
  EXPECT_EQ(b.peek(), milliseconds(100));
  EXPECT_EQ(b.next(), milliseconds(100));
}

TEST(Backoff, MaxBelowInitialIsInitial) {
  Backoff b(milliseconds(500), milliseconds(10));
  EXPECT_EQ(b.next(), milliseconds(500));
  EXPECT_EQ(b.next(), milliseconds(500));
}

TEST(Keepalive, EchoAfterIdleThenDisconnect) {
  const TimePoint t0{};
  Keepalive k(milliseconds(5000));
  k.start(t0);
  EXPECT_EQ(k.deadline(), t0 + milliseconds(5000));
  EXPECT_EQ(k.poll(t0 + milliseconds(4999)), Keepalive::Action::kNone);
  EXPECT_EQ(k.poll(t0 + milliseconds(5000)), Keepalive::Action::kSendEcho);
  EXPECT_TRUE(k.probe_outstanding());
  // Only one probe per idle period.
  EXPECT_EQ(k.poll(t0 + milliseconds(6000)), Keepalive::Action::kNone);
  EXPECT_EQ(k.deadline(), t0 + milliseconds(10000));
  EXPECT_EQ(k.poll(t0 + milliseconds(10000)), Keepalive::Action::kDisconnect);
}

TEST(Keepalive, AnyMessageCountsAsActivity) {
  const TimePoint t0{};
  Keepalive k(milliseconds(1000));
  k.start(t0);
  EXPECT_EQ(k.poll(t0 + milliseconds(1000)), Keepalive::Action::kSendEcho);
  k.on_receive(t0 + milliseconds(1500));  // the echo reply (or anything)
  EXPECT_FALSE(k.probe_outstanding());
  EXPECT_EQ(k.poll(t0 + milliseconds(2400)), Keepalive::Action::kNone);
  EXPECT_EQ(k.poll(t0 + milliseconds(2500)), Keepalive::Action::kSendEcho);
}

TEST(Keepalive, ZeroIntervalNeverProbes) {
  Keepalive k(milliseconds(0));
  k.start(TimePoint{});
  EXPECT_EQ(k.poll(TimePoint{} + std::chrono::hours(10)), Keepalive::Action::kNone);
  EXPECT_EQ(k.deadline(), TimePoint::max());
}

}  // namespace
}  // namespace ofkit::dp
