// The messenger core without sockets: a FakeLink records each client's
// lines and a queue stands in for the loop's mailboxes. Dispatch, errors
// kept to one connection, handler errors and late replies, auth, channels,
// app publications, the "upper" bot and log streaming.
#include "controller/messenger/core.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <deque>
#include <thread>

#include <spdlog/spdlog.h>

#include "controller/messenger/builtin_services.h"

namespace ofkit::ctl::msg {
namespace {

struct FakeLink : ClientLink {
  std::vector<json> lines;
  bool closed = false;
  void send_line(std::string_view line) override {
    ASSERT_FALSE(line.empty());
    ASSERT_EQ(line.back(), '\n');
    lines.push_back(json::parse(line));
  }
  void close_after_flush(const std::string&) override { closed = true; }
  json last() const { return lines.empty() ? json() : lines.back(); }
};

class CoreTest : public ::testing::Test {
 protected:
  void make(std::string token = "", Limits limits = {}) {
    Executor ex{[this](std::function<void()> fn) {
                  std::lock_guard lock(mu_);
                  queue_.push_back(std::move(fn));
                },
                [this](std::function<void()> fn) {
                  std::lock_guard lock(mu_);
                  if (queue_.size() >= data_capacity_) return false;
                  queue_.push_back(std::move(fn));
                  return true;
                }};
    core_ = std::make_shared<Core>(dir_, ex, std::move(token), limits);
    core_->start();
  }
  // Runs what other threads (and replies) posted, as the loop would.
  void drain() {
    for (;;) {
      std::function<void()> fn;
      {
        std::lock_guard lock(mu_);
        if (queue_.empty()) return;
        fn = std::move(queue_.front());
        queue_.pop_front();
      }
      fn();
    }
  }
  Core::ClientId client(FakeLink& l) { return core_->add_client(&l, "test"); }
  void say(Core::ClientId id, const std::string& line) {
    core_->on_line(id, line);
    drain();
  }

  ServiceDirectory dir_;
  std::shared_ptr<Core> core_;
  std::mutex mu_;
  std::deque<std::function<void()>> queue_;
  size_t data_capacity_ = 1000;
};

TEST_F(CoreTest, DispatchesToServicesAndEchoesTheId) {
  dir_.add("demo.add", "adds a and b", [](const json& req, ServiceDirectory::Reply reply) {
    reply({{"sum", req.at("a").get<int>() + req.at("b").get<int>()}});
  });
  make();
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"demo.add","id":"x1","a":2,"b":3})");
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.last(), (json{{"id", "x1"}, {"cmd", "demo.add"}, {"result", {{"sum", 5}}}}));
  say(id, R"({"cmd":"ping"})");
  EXPECT_EQ(a.last(), (json{{"cmd", "ping"}, {"result", {{"pong", true}}}}));
}

TEST_F(CoreTest, ErrorsStayOnTheirConnectionAndTheNextCommandWorks) {
  make();
  FakeLink a, b;
  const auto ia = client(a), ib = client(b);
  say(ia, "{not json");
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.last()["error"].get<std::string>().rfind("bad JSON", 0), 0u);
  say(ia, "42");
  EXPECT_EQ(a.last()["error"], "a request must be a JSON object");
  say(ia, R"({"cmd":"no.such","id":9})");
  EXPECT_EQ(a.last(),
            (json{{"id", 9}, {"cmd", "no.such"}, {"error", "unknown command 'no.such' (try \"help\")"}}));
  say(ia, "   ");  // blank lines are not requests
  EXPECT_EQ(a.lines.size(), 3u);
  say(ia, R"({"cmd":"ping","id":10})");
  EXPECT_EQ(a.last()["result"]["pong"], true);
  EXPECT_TRUE(b.lines.empty());
  EXPECT_FALSE(a.closed);
  say(ib, R"({"cmd":"ping"})");
  EXPECT_EQ(b.lines.size(), 1u);
  EXPECT_EQ(core_->counters().errors, 3u);
}

TEST_F(CoreTest, HandlerErrorsBecomeErrorReplies) {
  dir_.add("demo.throws", "", [](const json& req, ServiceDirectory::Reply) { (void)req.at("missing"); });
  dir_.add("demo.fails", "", [](const json&, ServiceDirectory::Reply reply) { reply({{"error", "nope"}}); });
  dir_.add("demo.twice", "", [](const json&, ServiceDirectory::Reply reply) {
    reply({{"n", 1}});
    reply({{"n", 2}});  // ignored: a reply is sent once
  });
  make();
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"demo.throws","id":1})");
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.last()["id"], 1);
  EXPECT_EQ(a.last()["error"].get<std::string>().rfind("handler error:", 0), 0u) << a.last();
  say(id, R"({"cmd":"demo.fails","id":2})");
  EXPECT_EQ(a.last(), (json{{"id", 2}, {"cmd", "demo.fails"}, {"error", "nope"}}));
  say(id, R"({"cmd":"demo.twice","id":3})");
  EXPECT_EQ(a.lines.size(), 3u);
  EXPECT_EQ(a.last()["result"]["n"], 1);
  // Built-ins with a field of the wrong type answer an error too.
  say(id, R"({"cmd":"help","command":5})");
  EXPECT_EQ(a.last()["error"], "\"command\" must be a string");
}

TEST_F(CoreTest, RepliesFromAnotherThreadComeBackThroughThePost) {
  std::thread worker;
  dir_.add("demo.slow", "", [&](const json&, ServiceDirectory::Reply reply) {
    worker = std::thread([reply] { reply({{"done", true}}); });
  });
  make();
  FakeLink a;
  const auto id = client(a);
  core_->on_line(id, R"({"cmd":"demo.slow","id":5})");
  worker.join();
  EXPECT_TRUE(a.lines.empty());  // nothing touches the client off the loop thread
  drain();
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.last()["id"], 5);
  EXPECT_EQ(a.last()["result"]["done"], true);
}

TEST_F(CoreTest, ReplyForAClientThatLeftIsDropped) {
  ServiceDirectory::Reply saved;
  dir_.add("demo.later", "", [&](const json&, ServiceDirectory::Reply reply) { saved = reply; });
  make();
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"demo.later"})");
  core_->remove_client(id);
  saved({{"late", true}});
  drain();
  EXPECT_TRUE(a.lines.empty());
}

TEST_F(CoreTest, RequestsInFlightAreBounded) {
  std::vector<ServiceDirectory::Reply> held;
  dir_.add("demo.hold", "", [&](const json&, ServiceDirectory::Reply reply) { held.push_back(reply); });
  Limits l;
  l.max_in_flight = 2;
  make("", l);
  FakeLink a;
  const auto id = client(a);
  for (int i = 0; i < 3; ++i) say(id, R"({"cmd":"demo.hold"})");
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.last()["error"], "too many requests in flight (2)");
  held[0]({});
  drain();
  say(id, R"({"cmd":"demo.hold"})");
  EXPECT_EQ(held.size(), 3u);
}

TEST_F(CoreTest, TokenIsRequiredBeforeAnythingElse) {
  dir_.add("demo.secret", "", [](const json&, ServiceDirectory::Reply reply) { reply({{"ok", true}}); });
  make("s3cret");
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"demo.secret","id":1})");
  EXPECT_EQ(a.last()["error"].get<std::string>().rfind("not authenticated", 0), 0u);
  say(id, R"({"cmd":"help"})");
  EXPECT_TRUE(a.last().contains("error"));
  say(id, R"({"cmd":"auth","token":"wrong"})");
  EXPECT_EQ(a.last()["error"], "bad token");
  say(id, R"({"cmd":"auth","token":"s3cret","id":2})");
  EXPECT_EQ(a.last(), (json{{"id", 2}, {"cmd", "auth"}, {"result", {{"authenticated", true}}}}));
  say(id, R"({"cmd":"demo.secret","id":3})");
  EXPECT_EQ(a.last()["result"]["ok"], true);
  EXPECT_FALSE(a.closed);
}

TEST_F(CoreTest, RepeatedBadTokensClose) {
  make("s3cret");
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"auth","token":"a"})");
  say(id, R"({"cmd":"auth","token":12})");
  EXPECT_FALSE(a.closed);
  say(id, R"({"cmd":"auth"})");
  EXPECT_TRUE(a.closed);
  EXPECT_EQ(a.last()["error"], "bad token; too many failures, closing");
}

TEST_F(CoreTest, ChannelsJoinLeaveAndSendToOthers) {
  make();
  FakeLink a, b, c;
  const auto ia = client(a), ib = client(b), ic = client(c);
  say(ia, R"({"cmd":"join","channel":"chat"})");
  EXPECT_EQ(a.last()["result"], (json{{"channel", "chat"}, {"members", 1}}));
  say(ib, R"({"cmd":"join","channel":"chat"})");
  EXPECT_EQ(b.last()["result"]["members"], 2);
  a.lines.clear();
  b.lines.clear();
  say(ia, R"({"cmd":"send","channel":"chat","msg":{"text":"hi"},"id":4})");
  // The sender gets only the reply; b gets the message; c (not a member) nothing.
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.last()["result"], (json{{"channel", "chat"}, {"delivered", 1}}));
  ASSERT_EQ(b.lines.size(), 1u);
  EXPECT_EQ(b.last(),
            (json{{"channel", "chat"}, {"from", core_->client_name(ia)}, {"msg", {{"text", "hi"}}}}));
  EXPECT_TRUE(c.lines.empty());
  // echo: the sender too; a non-member may send.
  say(ic, R"({"cmd":"broadcast","channel":"chat","msg":"x","echo":true})");
  EXPECT_EQ(c.last()["result"]["delivered"], 2);
  EXPECT_EQ(a.last()["msg"], "x");
  say(ia, R"({"cmd":"send","channel":"chat","msg":"x","echo":"yes"})");
  EXPECT_EQ(a.last()["error"], "\"echo\" must be true or false");
  say(ib, R"({"cmd":"channels"})");
  EXPECT_EQ(b.last()["result"]["channels"], (json::array({{{"name", "chat"}, {"members", 2}}})));
  EXPECT_EQ(b.last()["result"]["joined"], (json::array({"chat"})));
  say(ib, R"({"cmd":"leave","channel":"chat"})");
  EXPECT_EQ(b.last()["result"]["left"], true);
  say(ib, R"({"cmd":"leave","channel":"chat"})");
  EXPECT_EQ(b.last()["error"], "not a member of channel 'chat'");
  b.lines.clear();
  say(ic, R"({"cmd":"send","channel":"chat","msg":"y"})");
  EXPECT_TRUE(b.lines.empty());
  EXPECT_EQ(a.last()["msg"], "y");
  say(ia, R"({"cmd":"join","channel":""})");
  EXPECT_TRUE(a.last().contains("error"));
  say(ia, R"({"cmd":"join"})");
  EXPECT_EQ(a.last()["error"], "\"channel\" must be a string");
}

TEST_F(CoreTest, JoinedChannelsAreBounded) {
  Limits l;
  l.max_channels = 2;
  make("", l);
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"join","channel":"1"})");
  say(id, R"({"cmd":"join","channel":"2"})");
  say(id, R"({"cmd":"join","channel":"2"})");  // already a member: fine
  EXPECT_FALSE(a.last().contains("error"));
  say(id, R"({"cmd":"join","channel":"3"})");
  EXPECT_EQ(a.last()["error"], "too many channels joined (2)");
}

TEST_F(CoreTest, AppPublicationsReachMembersOnly) {
  make();
  FakeLink a, b;
  const auto ia = client(a);
  client(b);
  dir_.publish("links", {{"up", 0}});  // nobody joined: not even posted
  EXPECT_TRUE(queue_.empty());
  say(ia, R"({"cmd":"join","channel":"links"})");
  a.lines.clear();
  std::thread([&] { dir_.publish("links", {{"up", 1}}); }).join();
  dir_.publish("other", {{"up", 2}});
  drain();
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.last(), (json{{"channel", "links"}, {"from", "app"}, {"msg", {{"up", 1}}}}));
  EXPECT_TRUE(b.lines.empty());
  // When the loop's data mailbox is full, publications are dropped and counted.
  data_capacity_ = 0;
  dir_.publish("links", {{"up", 3}});
  core_->drain_log();
  EXPECT_EQ(core_->counters().publications_dropped, 1u);
  // After stop() the core no longer listens.
  core_->stop();
  data_capacity_ = 1000;
  dir_.publish("links", {{"up", 4}});
  drain();
  EXPECT_EQ(a.lines.size(), 1u);
}

TEST_F(CoreTest, UpperBotAnswersTheSenderUpperCased) {
  make();
  add_upper_bot(*core_);
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"send","channel":"upper","msg":"hello, World","id":1})");
  ASSERT_EQ(a.lines.size(), 2u);
  EXPECT_EQ(a.lines[0]["result"]["delivered"], 0);
  EXPECT_EQ(a.lines[1], (json{{"channel", "upper"}, {"from", "upper"}, {"msg", "HELLO, WORLD"}}));
  say(id, R"({"cmd":"send","channel":"upper","msg":{"k":["ab",1,null]}})");
  EXPECT_EQ(a.last()["msg"], (json{{"k", {"AB", 1, nullptr}}}));
}

TEST_F(CoreTest, HelpListsBuiltinsAndServices) {
  dir_.add("of.list_switches", "switches", [](const json&, ServiceDirectory::Reply reply) { reply({}); });
  make();
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"help"})");
  ASSERT_TRUE(a.last().contains("result")) << a.last();
  std::vector<std::string> names;
  const json reply = a.last();
  for (const auto& c : reply["result"]["commands"]) names.push_back(c["name"].get<std::string>());
  for (const char* n :
       {"auth", "join", "leave", "send", "channels", "help", "ping", "log.subscribe", "of.list_switches"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  say(id, R"({"cmd":"help","command":"of.list_switches"})");
  EXPECT_EQ(a.last()["result"]["commands"],
            (json::array({{{"name", "of.list_switches"}, {"help", "switches"}}})));
  say(id, R"({"cmd":"help","command":"nope"})");
  EXPECT_EQ(a.last()["error"], "unknown command 'nope'");
}

TEST_F(CoreTest, LogRecordsStreamToSubscribersByLevel) {
  make();
  auto tap = std::make_shared<LogTap>(4);
  core_->set_log_tap(tap);
  auto logger = std::make_shared<spdlog::logger>("unit", tap);
  logger->set_level(spdlog::level::trace);
  FakeLink a, b, c;
  const auto ia = client(a), ib = client(b);
  client(c);
  logger->info("before anyone listens");  // the tap is off: not even queued
  EXPECT_EQ(tap->queued(), 0u);
  say(ia, R"({"cmd":"log.subscribe","level":"debug"})");
  EXPECT_EQ(a.last()["result"], (json{{"channel", "log"}, {"level", "debug"}}));
  say(ib, R"({"cmd":"log.subscribe","level":"warn"})");
  say(ib, R"({"cmd":"log.subscribe","level":"loud"})");
  EXPECT_EQ(b.last()["error"], "bad level 'loud' (trace debug info warn error critical)");
  a.lines.clear();
  b.lines.clear();
  logger->trace("too low for everyone");
  logger->debug("for a");
  logger->warn("for a and b: {}", 42);
  core_->drain_log();
  ASSERT_EQ(a.lines.size(), 2u);
  EXPECT_EQ(a.lines[0]["channel"], "log");
  EXPECT_EQ(a.lines[0]["msg"]["text"], "for a");
  EXPECT_EQ(a.lines[0]["msg"]["level"], "debug");
  EXPECT_EQ(a.lines[0]["msg"]["logger"], "unit");
  EXPECT_EQ(a.lines[0]["msg"]["time"].get<std::string>().size(), 24u);  // 2026-11-21T08:50:00.123Z
  ASSERT_EQ(b.lines.size(), 1u);
  EXPECT_EQ(b.lines[0]["msg"]["text"], "for a and b: 42");
  EXPECT_TRUE(c.lines.empty());
  // The queue is bounded: the logging thread never waits, drops are counted and reported.
  a.lines.clear();
  for (int i = 0; i < 10; ++i) logger->error("burst {}", i);
  EXPECT_EQ(tap->dropped(), 6u);
  core_->drain_log();
  ASSERT_EQ(a.lines.size(), 5u);
  EXPECT_EQ(a.lines[3]["msg"]["text"], "burst 3");
  EXPECT_EQ(a.lines[4]["msg"]["text"], "6 log record(s) dropped (queue full)");
  // Unsubscribed (or gone): the tap switches off again.
  say(ia, R"({"cmd":"log.unsubscribe"})");
  core_->remove_client(ib);
  logger->error("nobody");
  EXPECT_EQ(tap->queued(), 6u);
}

TEST_F(CoreTest, LogSubscriptionFiltersByLogger) {
  make();
  auto tap = std::make_shared<LogTap>(64);
  core_->set_log_tap(tap);
  auto one = std::make_shared<spdlog::logger>("one", tap);
  auto two = std::make_shared<spdlog::logger>("two", tap);
  FakeLink a;
  const auto id = client(a);
  say(id, R"({"cmd":"log.subscribe","level":"info","logger":["two"]})");
  EXPECT_EQ(a.last()["result"]["loggers"], json::array({"two"}));
  say(id, R"({"cmd":"log.subscribe","logger":5})");
  EXPECT_EQ(a.last()["error"], "\"logger\" must be a name or a list of names");
  a.lines.clear();
  one->info("from one");
  two->info("from two");
  core_->drain_log();
  ASSERT_EQ(a.lines.size(), 1u);
  EXPECT_EQ(a.lines[0]["msg"]["logger"], "two");
}

TEST(UpperCased, OnlyStringsChange) {
  EXPECT_EQ(upper_cased(json("abc-é")), json("ABC-é"));
  EXPECT_EQ(upper_cased(json(5)), json(5));
}

}  // namespace
}  // namespace ofkit::ctl::msg
