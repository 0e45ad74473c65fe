#include "controller/core.h"

#include <gtest/gtest.h>

namespace ofkit::ctl {
namespace {

struct Topology {
  int links = 3;
};
struct Stats {
  explicit Stats(int n) : n(n) {}
  int n;
};

TEST(Core, RegisterHasAndGet) {
  Core core;
  Topology topo;
  EXPECT_FALSE(core.has("topology"));
  core.register_component("topology", &topo);
  EXPECT_TRUE(core.has("topology"));
  EXPECT_EQ(core.get<Topology>(), &topo);
  EXPECT_EQ(core.get<Topology>("topology"), &topo);
  EXPECT_EQ(core.get<Stats>("topology"), nullptr);  // wrong type
  EXPECT_EQ(core.get<Stats>(), nullptr);
  EXPECT_THROW(core.register_component("topology", &topo), std::runtime_error);
}

TEST(Core, RegisterNewConstructsAndOwns) {
  Core core;
  Stats* s = core.register_new<Stats>("stats", 42);
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(core.get<Stats>()->n, 42);
  core.unregister("stats");
  EXPECT_FALSE(core.has("stats"));
}

TEST(Core, WhenReadyWaitsForEveryName) {
  Core core;
  int fired = 0;
  core.when_ready(
      {"a", "b"}, [&] { ++fired; }, "waiter");
  EXPECT_EQ(fired, 0);
  auto awaited = core.awaited();
  ASSERT_EQ(awaited.count("waiter"), 1u);
  EXPECT_EQ(awaited["waiter"], (std::vector<std::string>{"a", "b"}));
  Topology t;
  core.register_component("a", &t);
  EXPECT_EQ(fired, 0);
  EXPECT_EQ(core.awaited()["waiter"], (std::vector<std::string>{"b"}));
  core.register_new<Stats>("b", 1);
  EXPECT_EQ(fired, 1);
  EXPECT_TRUE(core.awaited().empty());
  // Already there: runs at once.
  core.when_ready({"a"}, [&] { ++fired; });
  EXPECT_EQ(fired, 2);
}

TEST(Core, WhenReadyCallbacksMayRegisterMore) {
  Core core;
  std::vector<std::string> order;
  Topology t;
  core.when_ready({"x"}, [&] {
    order.push_back("x ready");
    core.register_component("y", &t);
  });
  core.when_ready({"y"}, [&] { order.push_back("y ready"); });
  core.register_component("x", &t);
  EXPECT_EQ(order, (std::vector<std::string>{"x ready", "y ready"}));
}

}  // namespace
}  // namespace ofkit::ctl
