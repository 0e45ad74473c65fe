// The app API inside a running runtime: apps ordered by precedence (listener
// priority first), everything sent in one iteration leaving in one write,
// stats futures that resolve on the reply or on timeout, and the start-up
// stall log naming what a when_ready() still awaits. Scripted switch over
// loopback TCP, one shard.

#include <spdlog/sinks/base_sink.h>

#include <future>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "controller/connection.h"
#include "controller/events.h"
#include "controller/shard.h"
#include "oflib/wire/flow_mod.h"
#include "tests/controller/scripted_switch.h"
#include "tests/controller/test_controller.h"

namespace ofkit::ctl::testing {
namespace {

struct Order {
  static inline std::mutex mu;
  static inline std::vector<std::string> calls;
};

class OrderApp : public App {
 public:
  OrderApp(std::string tag, int priority) : tag_(std::move(tag)), priority_(priority) {}
  void start(AppContext& ctx) override {
    ctx.listen<PacketIn>(
        [this](PacketIn&) {
          std::lock_guard lock(Order::mu);
          Order::calls.push_back(tag_);
        },
        priority_);
  }

 private:
  std::string tag_;
  int priority_;
};

AppInfo order_app(const std::string& name, int precedence, int listener_priority) {
  AppInfo info;
  info.name = name;
  info.precedence = precedence;
  info.create = [name, listener_priority] { return std::make_unique<OrderApp>(name, listener_priority); };
  return info;
}

TEST(AppApi, HigherPrecedenceAppsHearEventsFirstAfterListenerPriority) {
  Order::calls.clear();
  TestController ctl({order_app("low", 1, 0), order_app("high", 10, 0), order_app("urgent", 0, 5)});
  // Command-line order is the reverse of the expected order.
  ASSERT_TRUE(ctl.start({"--threads=1", "low", "urgent", "high", "hub"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(1));
  sw.packet_in(1, 0xaa, 0xbb, 1);
  ASSERT_TRUE(sw.expect<of::PacketOut>());  // hub: the event went all the way
  std::lock_guard lock(Order::mu);
  EXPECT_EQ(Order::calls, (std::vector<std::string>{"urgent", "high", "low"}));
}

// Three messages per PacketIn.
class BurstApp : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<PacketIn>([](PacketIn& ev) {
      of::Match m;
      ev.conn.send_flow_add(m, 2, 10, 30, of::kNoBuffer);
      ev.conn.send_packet_out_port(ev.buffer_id, ev.in_port, 2, {});
      ev.conn.barrier([](bool) {});
    });
  }
};

template <typename T>
std::optional<T> on_switch(Runtime& rt, uint64_t dpid, std::function<T(Connection*)> fn) {
  auto p = std::make_shared<std::promise<T>>();
  auto f = p->get_future();
  rt.with_switch(dpid, [p, fn](Connection* c) { p->set_value(fn(c)); });
  if (f.wait_for(5s) != std::future_status::ready) return std::nullopt;
  return f.get();
}

TEST(AppApi, EverythingSentInOneIterationLeavesInOneWrite) {
  AppInfo info;
  info.name = "burst";
  info.create = [] { return std::make_unique<BurstApp>(); };
  TestController ctl({info});
  ASSERT_TRUE(ctl.start({"--threads=1", "burst"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(2));
  auto counters = [&] {
    return on_switch<ConnectionCounters>(ctl.runtime(), 2, [](Connection* c) { return c->counters(); });
  };
  const auto before = counters();
  ASSERT_TRUE(before);
  sw.packet_in(1, 0xaa, 0xbb, 1);
  ASSERT_TRUE(sw.expect<of::BarrierRequest>());
  const auto after = counters();
  ASSERT_TRUE(after);
  EXPECT_EQ(after->msgs_out - before->msgs_out, 3u);
  EXPECT_EQ(after->writes - before->writes, 1u);
}

TEST(AppApi, StatsFuturesResolveOnTheReplyOrOnTimeout) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=1", "hub"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(3));
  using Fut = std::shared_ptr<std::future<std::optional<of::StatsReply>>>;
  auto request = [&](std::chrono::milliseconds timeout) {
    return on_switch<Fut>(ctl.runtime(), 3, [timeout](Connection* c) {
      of::StatsRequest req;
      req.body = of::DescStatsRequest{};
      return std::make_shared<std::future<std::optional<of::StatsReply>>>(
          c->request_stats_future(req, timeout));
    });
  };
  // Answered.
  auto answered = request(10s);
  ASSERT_TRUE(answered);
  uint32_t xid = 0;
  ASSERT_TRUE(sw.expect<of::StatsRequest>(3000ms, &xid));
  of::StatsReply reply;
  reply.body = of::DescStatsReply{of::DescStats{"m", "h", "s", "n", "d"}};
  sw.send(reply, xid);
  ASSERT_EQ((*answered)->wait_for(5s), std::future_status::ready);
  auto got = (*answered)->get();
  ASSERT_TRUE(got);
  EXPECT_EQ(std::get<of::DescStatsReply>(got->body).desc.mfr_desc, "m");
  // Never answered: resolves empty after its timeout.
  auto unanswered = request(100ms);
  ASSERT_TRUE(unanswered);
  ASSERT_TRUE(sw.expect<of::StatsRequest>());
  for (int i = 0; i < 100 && (*unanswered)->wait_for(0s) != std::future_status::ready; ++i)
    sw.expect<of::BarrierRequest>(50ms);  // keeps answering echoes meanwhile
  ASSERT_EQ((*unanswered)->wait_for(0s), std::future_status::ready);
  EXPECT_FALSE((*unanswered)->get());
}

// Collects log lines for a test (its own lock: log records come from shard threads).
class CaptureSink : public spdlog::sinks::base_sink<std::mutex> {
 public:
  std::string text() {
    std::lock_guard lock(text_mu_);
    return text_;
  }

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    std::lock_guard lock(text_mu_);
    text_.append(msg.payload.data(), msg.payload.size());
    text_ += '\n';
  }
  void flush_() override {}

 private:
  std::mutex text_mu_;
  std::string text_;
};

class WaiterApp : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.core().when_ready(
        {"never_registered", "also_missing"}, [] {}, "waiter_app");
  }
};

TEST(AppApi, AStalledStartUpLogsWhatIsStillAwaited) {
  auto sink = std::make_shared<CaptureSink>();
  add_log_sink(sink);
  AppCatalog catalog;
  AppInfo info;
  info.name = "waiter_app";
  info.create = [] { return std::make_unique<WaiterApp>(); };
  catalog.add(info);
  ParsedCli cli;
  std::string err;
  ASSERT_TRUE(
      parse_cli({"--listen=ptcp:0:127.0.0.1", "--threads=1", "waiter_app"}, catalog, false, &cli, &err))
      << err;
  cli.config.stall_interval = std::chrono::milliseconds(50);
  Runtime rt(cli.config, cli.apps);
  ASSERT_TRUE(rt.start(&err)) << err;
  bool seen = false;
  for (int i = 0; i < 200 && !seen; ++i) {
    std::this_thread::sleep_for(10ms);
    const std::string t = sink->text();
    seen = t.find("'waiter_app' is still waiting for: also_missing, never_registered") != std::string::npos ||
           t.find("'waiter_app' is still waiting for: never_registered, also_missing") != std::string::npos;
  }
  rt.stop();
  remove_log_sink(sink);
  EXPECT_TRUE(seen) << sink->text();
}

}  // namespace
}  // namespace ofkit::ctl::testing
