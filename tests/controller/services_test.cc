// ServiceDirectory: command routing, duplicate names, replies from another
// thread, publish to subscribers, and re-entrant calls from a handler.
#include "controller/services.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

namespace ofkit::ctl {
namespace {

using nlohmann::json;

TEST(ServiceDirectory, RoutesByNameAndRefusesDuplicates) {
  ServiceDirectory dir;
  EXPECT_TRUE(dir.add("echo.say", "repeat", [](const json& req, ServiceDirectory::Reply reply) {
    reply({{"said", req.at("text")}});
  }));
  EXPECT_FALSE(dir.add("echo.say", "second", [](const json&, ServiceDirectory::Reply) {}));
  json got;
  EXPECT_TRUE(dir.call("echo.say", {{"text", "hi"}}, [&](json r) { got = std::move(r); }));
  EXPECT_EQ(got, (json{{"said", "hi"}}));
  EXPECT_FALSE(dir.call("echo.shout", {}, [&](json) { FAIL() << "no such command"; }));
  ASSERT_EQ(dir.list().size(), 1u);
  EXPECT_EQ(dir.list()[0].second, "repeat");  // the first registration stays
  dir.remove("echo.say");
  EXPECT_FALSE(dir.has("echo.say"));
}

TEST(ServiceDirectory, ReplyMayComeFromAnotherThread) {
  ServiceDirectory dir;
  dir.add("slow.op", "", [](const json&, ServiceDirectory::Reply reply) {
    std::thread([reply = std::move(reply)] { reply({{"done", true}}); }).detach();
  });
  std::promise<json> p;
  dir.call("slow.op", {}, [&](json r) { p.set_value(std::move(r)); });
  EXPECT_EQ(p.get_future().get().at("done"), true);
}

TEST(ServiceDirectory, PublishReachesEverySubscriberUntilUnsubscribed) {
  ServiceDirectory dir;
  std::vector<std::string> a, b;
  const auto ida =
      dir.subscribe([&](const std::string& ch, const json& m) { a.push_back(ch + ":" + m.dump()); });
  dir.subscribe([&](const std::string& ch, const json&) { b.push_back(ch); });
  dir.publish("links", {{"up", 1}});
  dir.unsubscribe(ida);
  dir.publish("links", {{"up", 2}});
  EXPECT_EQ(a, (std::vector<std::string>{"links:{\"up\":1}"}));
  EXPECT_EQ(b, (std::vector<std::string>{"links", "links"}));
}

TEST(ServiceDirectory, HandlerMayUseTheDirectory) {
  ServiceDirectory dir;
  dir.add("a.list", "", [&dir](const json&, ServiceDirectory::Reply reply) {
    dir.publish("audit", {{"listed", dir.list().size()}});  // no self-deadlock
    reply({{"n", dir.list().size()}});
  });
  int published = 0;
  dir.subscribe([&](const std::string&, const json&) { ++published; });
  json got;
  dir.call("a.list", {}, [&](json r) { got = r; });
  EXPECT_EQ(got.at("n"), 1);
  EXPECT_EQ(published, 1);
}

}  // namespace
}  // namespace ofkit::ctl
