#include "controller/event_bus.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ofkit::ctl {
namespace {

struct Ping {
  static constexpr const char* kName = "Ping";
  int value = 0;
};
ListenOptions prio(int p, bool once = false, std::string owner = {}) {
  ListenOptions o;
  o.priority = p;
  o.once = once;
  o.owner = std::move(owner);
  return o;
}

struct Pong {  // an app-defined event of another type
  static constexpr const char* kName = "Pong";
};

TEST(EventBus, HigherPriorityFirstThenRegistrationOrder) {
  EventBus bus;
  std::vector<std::string> order;
  bus.listen<Ping>([&](Ping&) { order.push_back("a0"); });
  bus.listen<Ping>([&](Ping&) { order.push_back("b5"); }, prio(5));
  bus.listen<Ping>([&](Ping&) { order.push_back("c0"); });
  bus.listen<Ping>([&](Ping&) { order.push_back("d-1"); }, prio(-1));
  bus.listen<Ping>([&](Ping&) { order.push_back("e5"); }, prio(5));
  Ping p;
  EXPECT_FALSE(bus.raise(p));
  EXPECT_EQ(order, (std::vector<std::string>{"b5", "e5", "a0", "c0", "d-1"}));
}

TEST(EventBus, HaltStopsLowerListeners) {
  EventBus bus;
  int low = 0;
  bus.listen<Ping>([&](Ping&) { return EventAction::kHalt; }, prio(10));
  bus.listen<Ping>([&](Ping&) { ++low; });
  Ping p;
  EXPECT_TRUE(bus.raise(p));
  EXPECT_EQ(low, 0);
}

TEST(EventBus, OnceAndRemoveSelf) {
  EventBus bus;
  int once = 0, self = 0, always = 0;
  bus.listen<Ping>([&](Ping&) { ++once; }, prio(0, true));
  bus.listen<Ping>([&](Ping&) {
    ++self;
    return self == 2 ? EventAction::kRemove : EventAction::kContinue;
  });
  bus.listen<Ping>([&](Ping&) { ++always; });
  Ping p;
  for (int i = 0; i < 4; ++i) bus.raise(p);
  EXPECT_EQ(once, 1);
  EXPECT_EQ(self, 2);
  EXPECT_EQ(always, 4);
  EXPECT_EQ(bus.listener_count<Ping>(), 1u);
}

TEST(EventBus, HaltAndRemove) {
  EventBus bus;
  int first = 0, second = 0;
  bus.listen<Ping>(
      [&](Ping&) {
        ++first;
        return EventAction::kHaltAndRemove;
      },
      prio(1));
  bus.listen<Ping>([&](Ping&) { ++second; });
  Ping p;
  EXPECT_TRUE(bus.raise(p));
  EXPECT_FALSE(bus.raise(p));
  EXPECT_EQ(first, 1);
  EXPECT_EQ(second, 1);
}

TEST(EventBus, RemoveByIdAndChangesDuringDispatchApplyNextTime) {
  EventBus bus;
  int added_calls = 0, victim_calls = 0;
  ListenerId victim = 0;
  bus.listen<Ping>(
      [&](Ping&) {
        bus.listen<Ping>([&](Ping&) { ++added_calls; });
        bus.remove(victim);
        return EventAction::kRemove;
      },
      prio(1));
  victim = bus.listen<Ping>([&](Ping&) { ++victim_calls; });
  Ping p;
  bus.raise(p);
  EXPECT_EQ(victim_calls, 0);  // removed before its turn
  EXPECT_EQ(added_calls, 0);   // added during dispatch: next event
  bus.raise(p);
  EXPECT_EQ(added_calls, 1);
  EXPECT_FALSE(bus.remove(victim));
}

TEST(EventBus, ThrowingHandlerIsLoggedAndTheEventGoesOn) {
  EventBus bus;
  int after = 0;
  bus.listen<Ping>([](Ping&) { throw std::runtime_error("boom"); }, prio(1, false, "bad_app"));
  bus.listen<Ping>([&](Ping&) { ++after; });
  Ping p;
  bus.raise(p);
  EXPECT_EQ(after, 1);
  EXPECT_EQ(bus.handler_exceptions(), 1u);
}

TEST(EventBusDeathTest, FatalExceptionsAbort) {
  EXPECT_DEATH(
      {
        EventBus bus;
        bus.set_fatal_exceptions(true);
        bus.listen<Ping>([](Ping&) { throw std::runtime_error("boom"); });
        Ping p;
        bus.raise(p);
      },
      "");
}

TEST(EventBus, TypesAreSeparateAndEventsCarryData) {
  EventBus bus;
  int pongs = 0, sum = 0;
  bus.listen<Pong>([&](Pong&) { ++pongs; });
  bus.listen<Ping>([&](Ping& p) { sum += p.value; });
  Ping p{5};
  bus.raise(p);
  EXPECT_EQ(pongs, 0);
  EXPECT_EQ(sum, 5);
  Pong q;
  bus.raise(q);
  EXPECT_EQ(pongs, 1);
}

}  // namespace
}  // namespace ofkit::ctl
