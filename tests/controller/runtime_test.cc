// Integration tests of ofctl-run's runtime against a scripted switch over
// loopback TCP: handshake, version negotiation, echo and the inactivity
// probe, l2_learning and hub behaviour, replacement of a reconnecting dpid,
// shard routing, stats/barrier requests.

#include <sys/un.h>

#include <atomic>
#include <filesystem>
#include <mutex>
#include <thread>

#include <gtest/gtest.h>

#include "controller/apps/l2_learning.h"
#include "controller/connection.h"
#include "controller/events.h"
#include "controller/global_events.h"
#include "controller/shard.h"
#include "tests/controller/scripted_switch.h"
#include "tests/controller/test_controller.h"

namespace ofkit::ctl::testing {
namespace {

constexpr uint64_t kMacA = 0x0000000000aaULL;
constexpr uint64_t kMacB = 0x0000000000bbULL;

TEST(Runtime, HandshakeSendsFeaturesRequestAndSetConfig) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=2", "--miss-send-len=200", "hub"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  uint16_t msl = 0;
  ASSERT_TRUE(sw.handshake(0x1234, 4, &msl));
  EXPECT_EQ(msl, 200);
}

TEST(Runtime, NegotiatesDownFromANewerHello) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=1", "hub"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.expect<of::Hello>());
  // An OpenFlow 1.3 HELLO (version 0x04): the controller goes on in 1.0.
  sw.send_raw({0x04, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x07});
  auto raw = sw.recv_raw();
  ASSERT_TRUE(raw);
  EXPECT_EQ((*raw)[0], 0x01);
  EXPECT_EQ((*raw)[1], static_cast<uint8_t>(of::MsgType::kFeaturesRequest));
}

TEST(Runtime, RejectsAnIncompatibleHelloWithHelloFailed) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=1", "hub"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.expect<of::Hello>());
  sw.send_raw({0x00, 0x00, 0x00, 0x08, 0x00, 0x00, 0x00, 0x09});  // version 0
  uint32_t xid = 0;
  auto err = sw.expect<of::ErrorMsg>(3000ms, &xid);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->type, 0);  // OFPET_HELLO_FAILED
  EXPECT_EQ(err->code, 0);  // OFPHFC_INCOMPATIBLE
  EXPECT_EQ(xid, 9u);
  EXPECT_TRUE(sw.wait_closed());
}

TEST(Runtime, AnswersEchoAndProbesASilentSwitch) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=1", "--echo-interval=0.3", "--echo-timeout=1", "hub"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(1));
  sw.send(of::EchoRequest{{1, 2, 3}}, 77);
  auto m = sw.recv();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->header.xid, 77u);
  ASSERT_TRUE(std::holds_alternative<of::EchoReply>(m->msg));
  EXPECT_EQ(std::get<of::EchoReply>(m->msg).data, (std::vector<uint8_t>{1, 2, 3}));
  // Now stay silent: an ECHO_REQUEST comes, and without a reply the
  // connection is closed.
  auto probe = sw.recv(3000ms);
  ASSERT_TRUE(probe);
  EXPECT_TRUE(std::holds_alternative<of::EchoRequest>(probe->msg));
  EXPECT_TRUE(sw.wait_closed(5000ms));
}

TEST(Runtime, HubFloodsEveryPacketIn) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=2", "hub"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(7));
  sw.packet_in(3, kMacA, kMacB, 42);
  auto po = sw.expect<of::PacketOut>();
  ASSERT_TRUE(po);
  EXPECT_EQ(po->buffer_id, 42u);
  EXPECT_EQ(po->in_port, 3);
  ASSERT_EQ(po->actions.size(), 1u);
  EXPECT_EQ(std::get<of::ActionOutput>(po->actions[0]).port, of::port::kFlood);
  EXPECT_TRUE(po->data.empty());  // buffered: no data
  sw.packet_in(3, kMacA, kMacB, of::kNoBuffer);
  po = sw.expect<of::PacketOut>();
  ASSERT_TRUE(po);
  EXPECT_EQ(po->data, ScriptedSwitch::frame(kMacA, kMacB));
}

TEST(Runtime, L2LearningFloodsUnknownThenInstallsAnExactFlow) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=2", "forwarding.l2_learning", "--idle-timeout=7", "--hard-timeout=40"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(0xabc));

  // A -> B, B unknown: flood with the buffer.
  sw.packet_in(1, kMacA, kMacB, 100);
  auto po = sw.expect<of::PacketOut>();
  ASSERT_TRUE(po);
  EXPECT_EQ(po->buffer_id, 100u);
  EXPECT_EQ(std::get<of::ActionOutput>(po->actions.at(0)).port, of::port::kFlood);

  // B -> A: A was learned on port 1, so one FLOW_MOD with the buffer answers.
  sw.packet_in(2, kMacB, kMacA, 101);
  auto fm = sw.expect<of::FlowMod>();
  ASSERT_TRUE(fm);
  EXPECT_EQ(fm->command, of::FlowModCommand::kAdd);
  EXPECT_EQ(fm->buffer_id, 101u);
  EXPECT_EQ(fm->idle_timeout, 7);
  EXPECT_EQ(fm->hard_timeout, 40);
  EXPECT_EQ(fm->match.wildcards, 0u);
  EXPECT_EQ(fm->match.key.in_port, 2);
  EXPECT_EQ(fm->match.key.dl_src, MacAddr::from_u64(kMacB));
  EXPECT_EQ(fm->match.key.dl_dst, MacAddr::from_u64(kMacA));
  EXPECT_EQ(fm->match.key.dl_type, 0x0800);
  EXPECT_EQ(fm->match.key.nw_proto, 17);
  EXPECT_EQ(fm->match.key.tp_src, 1000);
  ASSERT_EQ(fm->actions.size(), 1u);
  EXPECT_EQ(std::get<of::ActionOutput>(fm->actions[0]).port, 1);

  // Unbuffered: FLOW_MOD then a PACKET_OUT carrying the frame.
  sw.packet_in(1, kMacA, kMacB, of::kNoBuffer);
  fm = sw.expect<of::FlowMod>();
  ASSERT_TRUE(fm);
  EXPECT_EQ(fm->buffer_id, of::kNoBuffer);
  EXPECT_EQ(std::get<of::ActionOutput>(fm->actions.at(0)).port, 2);
  po = sw.expect<of::PacketOut>();
  ASSERT_TRUE(po);
  EXPECT_EQ(std::get<of::ActionOutput>(po->actions.at(0)).port, 2);
  EXPECT_EQ(po->data, ScriptedSwitch::frame(kMacA, kMacB));

  // Broadcast destination: flood.
  sw.packet_in(1, kMacA, 0xffffffffffffULL, 102);
  po = sw.expect<of::PacketOut>();
  ASSERT_TRUE(po);
  EXPECT_EQ(std::get<of::ActionOutput>(po->actions.at(0)).port, of::port::kFlood);

  // B seen on port 1 where A lives... A -> A's own port: a loop, drop flow.
  sw.packet_in(1, kMacB, kMacA, 103);  // learns B on 1; A is on 1 too
  fm = sw.expect<of::FlowMod>();
  ASSERT_TRUE(fm);
  EXPECT_TRUE(fm->actions.empty());
  EXPECT_EQ(fm->idle_timeout, 10);
  EXPECT_EQ(fm->hard_timeout, 10);
  EXPECT_EQ(fm->buffer_id, 103u);
  EXPECT_TRUE(fm->match.wildcards & of::wildcards::kInPort);
}

TEST(Runtime, L2LearningDropsLldpWithoutAFlow) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=1", "l2_learning"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(5));
  of::PacketIn pi;
  pi.buffer_id = 9;
  pi.in_port = 1;
  pi.data = ScriptedSwitch::frame(kMacA, 0x0180c200000eULL, 0x88cc);
  pi.total_len = static_cast<uint16_t>(pi.data.size());
  sw.send(pi);
  auto po = sw.expect<of::PacketOut>();
  ASSERT_TRUE(po);
  EXPECT_EQ(po->buffer_id, 9u);
  EXPECT_TRUE(po->actions.empty());
}

// Records which shard saw each switch come up.
struct RouteProbe {
  static inline std::mutex mu;
  static inline std::vector<std::pair<uint64_t, size_t>> seen;
};
class RouteProbeApp : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<ConnectionUp>([&ctx](ConnectionUp& ev) {
      std::lock_guard lock(RouteProbe::mu);
      RouteProbe::seen.emplace_back(ev.dpid, ctx.shard_index());
    });
  }
};

TEST(Runtime, SwitchesLandOnTheShardOfTheirDpid) {
  AppInfo probe;
  probe.name = "route_probe";
  probe.create = [] { return std::make_unique<RouteProbeApp>(); };
  TestController ctl({probe});
  ASSERT_TRUE(ctl.start({"--threads=3", "route_probe"}));
  RouteProbe::seen.clear();
  std::vector<std::unique_ptr<ScriptedSwitch>> sws;
  for (uint64_t dpid = 1; dpid <= 12; ++dpid) {
    sws.push_back(std::make_unique<ScriptedSwitch>());
    ASSERT_TRUE(sws.back()->connect_tcp(ctl.port()));
    ASSERT_TRUE(sws.back()->handshake(dpid));
  }
  // ConnectionUp is raised right after SET_CONFIG is queued; give it a moment via a barrier-like echo.
  for (auto& s : sws) {
    s->send(of::EchoRequest{}, 5);
    ASSERT_TRUE(s->expect<of::EchoReply>());
  }
  std::lock_guard lock(RouteProbe::mu);
  ASSERT_EQ(RouteProbe::seen.size(), 12u);
  for (auto [dpid, shard] : RouteProbe::seen) EXPECT_EQ(shard, shard_for_dpid(dpid, 3)) << dpid;
}

TEST(Runtime, ASecondConnectionWithTheSameDpidReplacesTheFirst) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=2", "l2_learning"}));
  ScriptedSwitch first, second;
  ASSERT_TRUE(first.connect_tcp(ctl.port()));
  ASSERT_TRUE(first.handshake(0x77));
  ASSERT_TRUE(second.connect_tcp(ctl.port()));
  ASSERT_TRUE(second.handshake(0x77));
  EXPECT_TRUE(first.wait_closed());
  second.packet_in(1, kMacA, kMacB, 1);
  EXPECT_TRUE(second.expect<of::PacketOut>());
}

// An app that asks for flow stats and a barrier when a switch comes up.
struct StatsProbe {
  static inline std::mutex mu;
  static inline std::optional<size_t> flows;
  static inline bool stats_event = false;
  static inline std::optional<bool> barrier_ok;
  static inline std::optional<bool> timed_out;
};
class StatsProbeApp : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<FlowStatsIn>([](FlowStatsIn&) {
      std::lock_guard lock(StatsProbe::mu);
      StatsProbe::stats_event = true;
    });
    ctx.listen<ConnectionUp>([](ConnectionUp& ev) {
      of::StatsRequest req;
      req.body = of::FlowStatsRequest{};
      ev.conn.request_stats(req, [](const of::StatsReply* r) {
        std::lock_guard lock(StatsProbe::mu);
        StatsProbe::flows = r ? std::get<of::FlowStatsReply>(r->body).flows.size() : 9999;
      });
      ev.conn.barrier([](bool ok) {
        std::lock_guard lock(StatsProbe::mu);
        StatsProbe::barrier_ok = ok;
      });
      of::StatsRequest desc;
      desc.body = of::DescStatsRequest{};
      ev.conn.request_stats(
          desc,
          [](const of::StatsReply* r) {
            std::lock_guard lock(StatsProbe::mu);
            StatsProbe::timed_out = r == nullptr;
          },
          std::chrono::milliseconds(300));
    });
  }
};

TEST(Runtime, StatsRepliesAreReassembledAndRequestsTimeOut) {
  AppInfo probe;
  probe.name = "stats_probe";
  probe.create = [] { return std::make_unique<StatsProbeApp>(); };
  TestController ctl({probe});
  ASSERT_TRUE(ctl.start({"--threads=1", "stats_probe"}));
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(ctl.port()));
  ASSERT_TRUE(sw.handshake(3));
  uint32_t stats_xid = 0, barrier_xid = 0;
  ASSERT_TRUE(sw.expect<of::StatsRequest>(3000ms, &stats_xid));
  ASSERT_TRUE(sw.expect<of::BarrierRequest>(3000ms, &barrier_xid));
  // Two parts: 2 flows with OFPSF_REPLY_MORE, then 1 flow.
  of::StatsReply part1;
  part1.flags = of::kStatsReplyMore;
  part1.body = of::FlowStatsReply{{of::FlowStats{}, of::FlowStats{}}};
  of::StatsReply part2;
  part2.body = of::FlowStatsReply{{of::FlowStats{}}};
  sw.send(part1, stats_xid);
  sw.send(part2, stats_xid);
  sw.send(of::BarrierReply{}, barrier_xid);
  // The DESC request is never answered: its callback fires with nullptr.
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(StatsProbe::mu);
      if (StatsProbe::flows && StatsProbe::barrier_ok && StatsProbe::timed_out) break;
    }
    sw.recv_raw(50ms);
  }
  std::lock_guard lock(StatsProbe::mu);
  ASSERT_TRUE(StatsProbe::flows);
  EXPECT_EQ(*StatsProbe::flows, 3u);
  EXPECT_TRUE(StatsProbe::stats_event);
  ASSERT_TRUE(StatsProbe::barrier_ok);
  EXPECT_TRUE(*StatsProbe::barrier_ok);
  ASSERT_TRUE(StatsProbe::timed_out);
  EXPECT_TRUE(*StatsProbe::timed_out);
}

TEST(Runtime, ListensOnIpv6AndUnixSocketsAtOnce) {
  const std::string path = "/tmp/ofctl-test-" + std::to_string(::getpid()) + ".sock";
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--listen=ptcp:0:127.0.0.1", "--listen=ptcp:0:[::1]", "--listen=punix:" + path,
                         "--threads=2", "l2_learning"}));
  // IPv6 loopback.
  const int fd6 = ::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in6 sin6{};
  sin6.sin6_family = AF_INET6;
  sin6.sin6_port = htons(ctl.runtime().listen_port(1));
  sin6.sin6_addr = in6addr_loopback;
  ASSERT_EQ(::connect(fd6, reinterpret_cast<sockaddr*>(&sin6), sizeof sin6), 0);
  ScriptedSwitch v6;
  v6.use_fd(fd6);
  ASSERT_TRUE(v6.handshake(0x6));
  v6.packet_in(1, kMacA, kMacB, 1);
  EXPECT_TRUE(v6.expect<of::PacketOut>());
  // Unix socket.
  const int fdu = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  std::snprintf(sun.sun_path, sizeof sun.sun_path, "%s", path.c_str());
  ASSERT_EQ(::connect(fdu, reinterpret_cast<sockaddr*>(&sun), sizeof sun), 0);
  ScriptedSwitch ux;
  ux.use_fd(fdu);
  ASSERT_TRUE(ux.handshake(0x7));
  ux.packet_in(1, kMacA, kMacB, 2);
  EXPECT_TRUE(ux.expect<of::PacketOut>());
  ctl.stop();
  EXPECT_FALSE(std::filesystem::exists(path));  // removed on stop
}

TEST(Runtime, ConnectsActivelyToAListeningSwitch) {
  // The "switch" listens; the controller connects to it (tcp:HOST:PORT).
  const int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  ASSERT_EQ(::listen(lfd, 4), 0);
  socklen_t len = sizeof sin;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&sin), &len);
  TestController ctl;
  ASSERT_TRUE(
      ctl.start({"--listen=punix:/tmp/ofctl-unused-" + std::to_string(::getpid()),
                 "--connect=tcp:127.0.0.1:" + std::to_string(ntohs(sin.sin_port)), "--threads=1", "hub"}));
  pollfd p{lfd, POLLIN, 0};
  ASSERT_EQ(::poll(&p, 1, 5000), 1);
  ScriptedSwitch sw;
  sw.use_fd(::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC));
  ASSERT_TRUE(sw.handshake(0x99));
  sw.packet_in(2, kMacA, kMacB, 4);
  EXPECT_TRUE(sw.expect<of::PacketOut>());
  ::close(lfd);
}

TEST(Runtime, ActiveConnectionsCountAgainstTheConnectionLimit) {
  // The "switch" socket is bound but not listening yet: the connector's
  // first attempts are refused and retried.
  const int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(lfd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0);
  socklen_t len = sizeof sin;
  ::getsockname(lfd, reinterpret_cast<sockaddr*>(&sin), &len);
  TestController ctl;
  ASSERT_TRUE(
      ctl.start({"--max-connections=1", "--connect=tcp:127.0.0.1:" + std::to_string(ntohs(sin.sin_port)),
                 "--threads=1", "hub"}));
  // A passive switch takes the only slot.
  auto passive = std::make_unique<ScriptedSwitch>();
  ASSERT_TRUE(passive->connect_tcp(ctl.port()));
  ASSERT_TRUE(passive->handshake(0x1));
  ASSERT_EQ(::listen(lfd, 16), 0);
  // The connector's TCP connection succeeds but is over the limit: closed,
  // counted as refused, and the live count stays 1.
  for (int i = 0; i < 400 && ctl.runtime().refused_connections() == 0; ++i) std::this_thread::sleep_for(25ms);
  EXPECT_GE(ctl.runtime().refused_connections(), 1u);
  EXPECT_EQ(ctl.runtime().live_connections(), 1u);
  // The slot frees: the connector's next attempt gets in.
  passive.reset();
  std::unique_ptr<ScriptedSwitch> active;
  for (int i = 0; i < 20 && !active; ++i) {
    pollfd p{lfd, POLLIN, 0};
    if (::poll(&p, 1, 1000) != 1) continue;
    auto sw = std::make_unique<ScriptedSwitch>();
    sw->use_fd(::accept4(lfd, nullptr, nullptr, SOCK_CLOEXEC));
    if (sw->handshake(0x2)) active = std::move(sw);  // earlier refused ones fail here
  }
  ASSERT_TRUE(active) << "the connector never got in after the slot freed";
  EXPECT_EQ(ctl.runtime().live_connections(), 1u);
  active->packet_in(2, kMacA, kMacB, 4);
  EXPECT_TRUE(active->expect<of::PacketOut>());
  ::close(lfd);
}

// A global app: one instance in all, hearing switches of every shard as messages.
struct GlobalProbe {
  static inline std::atomic<int> instances{0};
  static inline std::mutex mu;
  static inline std::vector<uint64_t> joined;
};
class GlobalProbeApp : public App {
 public:
  void start(AppContext& ctx) override {
    ++GlobalProbe::instances;
    ctx.listen<SwitchJoined>([](SwitchJoined& ev) {
      std::lock_guard lock(GlobalProbe::mu);
      GlobalProbe::joined.push_back(ev.dpid);
    });
  }
};

TEST(Runtime, AGlobalAppHasOneInstanceAndHearsEverySwitch) {
  AppInfo probe;
  probe.name = "global_probe";
  probe.global = true;
  probe.create = [] { return std::make_unique<GlobalProbeApp>(); };
  TestController ctl({probe});
  GlobalProbe::instances = 0;
  GlobalProbe::joined.clear();
  ASSERT_TRUE(ctl.start({"--threads=3", "global_probe"}));
  std::vector<std::unique_ptr<ScriptedSwitch>> sws;
  for (uint64_t dpid = 1; dpid <= 6; ++dpid) {
    sws.push_back(std::make_unique<ScriptedSwitch>());
    ASSERT_TRUE(sws.back()->connect_tcp(ctl.port()));
    ASSERT_TRUE(sws.back()->handshake(dpid));
  }
  for (int i = 0; i < 100; ++i) {
    {
      std::lock_guard lock(GlobalProbe::mu);
      if (GlobalProbe::joined.size() == 6) break;
    }
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(GlobalProbe::instances.load(), 1);
  std::lock_guard lock(GlobalProbe::mu);
  std::vector<uint64_t> got = GlobalProbe::joined;
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<uint64_t>{1, 2, 3, 4, 5, 6}));
}

}  // namespace
}  // namespace ofkit::ctl::testing
