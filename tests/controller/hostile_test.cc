// Hostile peers never stop the controller serving the other switches:
// garbage, wrong versions, truncated messages, a message that never
// completes, a peer that reads nothing, and a storm of 1000 connections.
// Each test keeps a well-behaved switch connected and checks it is still
// answered after the attack.

#include <fcntl.h>

#include <gtest/gtest.h>

#include <mutex>
#include <thread>

#include "controller/connection.h"
#include "controller/events.h"

#include "tests/controller/scripted_switch.h"
#include "tests/controller/test_controller.h"

namespace ofkit::ctl::testing {
namespace {

constexpr uint64_t kMacA = 0xaa, kMacB = 0xbb;

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(ctl_.start(
        {"--threads=2", "--echo-interval=0.3", "--echo-timeout=1.5", "--handshake-timeout=1", "hub"}));
    ASSERT_TRUE(good_.connect_tcp(ctl_.port()));
    ASSERT_TRUE(good_.handshake(0x600d));
  }
  // The well-behaved switch still gets its PacketIns answered.
  void expect_good_served() {
    good_.packet_in(1, kMacA, kMacB, 5);
    auto po = good_.expect<of::PacketOut>(5000ms);
    ASSERT_TRUE(po) << "the good switch was not served";
    EXPECT_EQ(po->buffer_id, 5u);
  }
  // Waits for `bad` to be closed while the good switch keeps answering
  // the controller's ECHO_REQUESTs (it would be probed out otherwise).
  bool wait_closed_keeping_good_alive(ScriptedSwitch& bad, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (bad.wait_closed(50ms)) return true;
      good_.expect<of::BarrierReply>(50ms);  // answers echoes, skips the rest
    }
    return false;
  }
  TestController ctl_;
  ScriptedSwitch good_;
};

TEST_F(Hostile, GarbageWithABadLengthIsClosedAtOnce) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  bad.send_raw({0xde, 0xad, 0x00, 0x03, 0xbe, 0xef, 0x00, 0x00, 0x11, 0x22});  // length 3 < 8
  EXPECT_TRUE(bad.wait_closed(3000ms));
  expect_good_served();
}

TEST_F(Hostile, GarbageThatLooksLikeALongMessageTimesOut) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  const std::string http = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";  // "T " -> length 0x5420
  bad.send_raw(std::vector<uint8_t>(http.begin(), http.end()));
  expect_good_served();
  EXPECT_TRUE(wait_closed_keeping_good_alive(bad, 5000ms));  // handshake timeout
  expect_good_served();
}

TEST_F(Hostile, FirstMessageNotHelloIsClosed) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  bad.send(of::FeaturesRequest{}, 1);
  EXPECT_TRUE(bad.wait_closed(3000ms));
  expect_good_served();
}

TEST_F(Hostile, WrongVersionAfterHandshakeDrawsBadVersion) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  ASSERT_TRUE(bad.handshake(0xbad1));
  auto bytes = of::encode_message(of::EchoRequest{}, 33);
  bytes[0] = 0x04;
  bad.send_raw(bytes);
  uint32_t xid = 0;
  auto err = bad.expect<of::ErrorMsg>(3000ms, &xid);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error(), of::Ofperr::kBadRequestBadVersion);
  EXPECT_EQ(xid, 33u);
  expect_good_served();
}

TEST_F(Hostile, TruncatedMessagesDrawBadLenAndTheConnectionGoesOn) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  ASSERT_TRUE(bad.handshake(0xbad2));
  // A PACKET_IN whose length field says 12: shorter than the fixed 18 bytes.
  bad.send_raw({0x01, 0x0a, 0x00, 0x0c, 0x00, 0x00, 0x00, 0x44, 0xff, 0xff, 0xff, 0xff});
  uint32_t xid = 0;
  auto err = bad.expect<of::ErrorMsg>(3000ms, &xid);
  ASSERT_TRUE(err);
  EXPECT_EQ(err->error(), of::Ofperr::kBadRequestBadLen);
  EXPECT_EQ(xid, 0x44u);
  // A truncated PORT_STATUS and FLOW_REMOVED too.
  bad.send_raw({0x01, 0x0c, 0x00, 0x10, 0, 0, 0, 0x45, 0, 0, 0, 0, 0, 0, 0, 0});
  err = bad.expect<of::ErrorMsg>(3000ms, &xid);
  ASSERT_TRUE(err);
  EXPECT_EQ(xid, 0x45u);
  // Still a working connection.
  bad.packet_in(2, kMacB, kMacA, 8);
  EXPECT_TRUE(bad.expect<of::PacketOut>());
  expect_good_served();
}

TEST_F(Hostile, TruncatedFeaturesReplyClosesTheHandshake) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  ASSERT_TRUE(bad.expect<of::Hello>());
  bad.send(of::Hello{}, 1);
  ASSERT_TRUE(bad.expect<of::FeaturesRequest>());
  bad.send_raw({0x01, 0x06, 0x00, 0x10, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1});  // 16 < 32
  EXPECT_TRUE(bad.expect<of::ErrorMsg>());
  EXPECT_TRUE(bad.wait_closed());
  expect_good_served();
}

TEST_F(Hostile, AMessageThatNeverCompletesIsDroppedByTheInactivityProbe) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  ASSERT_TRUE(bad.handshake(0xbad3));
  std::vector<uint8_t> partial(100, 0);
  partial[0] = 0x01;
  partial[1] = 0x0a;
  partial[2] = 0xff;  // length 65535
  partial[3] = 0xff;
  bad.send_raw(partial);
  expect_good_served();
  // ECHO_REQUESTs are not answered by this peer (it never reads them here):
  // the connection goes after the echo timeout.
  EXPECT_TRUE(wait_closed_keeping_good_alive(bad, 6000ms));
  expect_good_served();
}

TEST_F(Hostile, APeerThatReadsNothingStopsBeingReadAndIsDropped) {
  ScriptedSwitch bad;
  ASSERT_TRUE(bad.connect_tcp(ctl_.port()));
  int small = 4096;
  ::setsockopt(bad.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(bad.handshake(0xbad4));
  // Unbuffered PacketIns of 1400 bytes: each PACKET_OUT carries the frame
  // back, so the controller's output to this peer grows while it reads nothing.
  of::PacketIn pi;
  pi.buffer_id = of::kNoBuffer;
  pi.in_port = 1;
  pi.data = ScriptedSwitch::frame(kMacA, kMacB);
  pi.data.resize(1400);
  pi.total_len = 1400;
  const auto bytes = of::encode_message(pi, 0);
  ::fcntl(bad.fd(), F_SETFL, ::fcntl(bad.fd(), F_GETFL) | O_NONBLOCK);
  // Whole messages only (a torn one would be a different attack): keep
  // sending until TCP stops taking bytes for a while, i.e. the controller
  // stopped reading us.
  size_t sent_msgs = 0, off = 0;
  auto last_progress = std::chrono::steady_clock::now();
  const auto deadline = last_progress + 5s;
  while (std::chrono::steady_clock::now() < deadline &&
         std::chrono::steady_clock::now() - last_progress < 500ms) {
    const ssize_t n = ::send(bad.fd(), bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno != EAGAIN) break;
      good_.expect<of::BarrierReply>(10ms);  // keep the good switch alive meanwhile
      continue;
    }
    last_progress = std::chrono::steady_clock::now();
    off += static_cast<size_t>(n);
    if (off == bytes.size()) {
      off = 0;
      ++sent_msgs;
    }
  }
  EXPECT_GT(sent_msgs, 100u);
  expect_good_served();
  // It never answers echoes (it reads nothing): dropped after the echo timeout.
  bool closed = false;
  for (int i = 0; i < 100 && !closed; ++i) {
    char buf[65536];
    const ssize_t n = ::recv(bad.fd(), buf, sizeof buf, MSG_DONTWAIT);
    if (n == 0 || (n < 0 && errno != EAGAIN))
      closed = true;
    else
      good_.expect<of::BarrierReply>(100ms);
  }
  EXPECT_TRUE(closed);
  expect_good_served();
}

TEST_F(Hostile, AThousandConnectionsAtOnceAreServedAndCleanedUp) {
  constexpr int kCount = 1000;
  std::vector<int> fds;
  const auto hello = of::encode_message(of::Hello{}, 1);
  for (int i = 0; i < kCount; ++i) {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(ctl_.port());
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ASSERT_EQ(::connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin), 0) << i;
    ::send(fd, hello.data(), hello.size(), MSG_NOSIGNAL);
    fds.push_back(fd);
  }
  expect_good_served();
  // Every one of them gets HELLO + FEATURES_REQUEST.
  int answered = 0;
  for (int fd : fds) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 5000) == 1) ++answered;
  }
  EXPECT_EQ(answered, kCount);
  for (int fd : fds) ::close(fd);
  for (int i = 0; i < 200 && ctl_.runtime().live_connections() > 1; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(ctl_.runtime().live_connections(), 1u);  // only the good switch
  expect_good_served();
}

// On a PacketIn with in_port 9 from any switch, sends 1 MiB of PACKET_OUTs
// to switch kVictim (same shard: --threads=1); records ConnectionDown reasons.
constexpr uint64_t kVictim = 0xbad5;
struct Spray {
  static inline std::mutex mu;
  static inline std::vector<std::pair<uint64_t, std::string>> downs;
};
class SprayApp : public App {
 public:
  void start(AppContext& ctx) override {
    ctx.listen<PacketIn>([&ctx](PacketIn& ev) {
      if (ev.in_port != 9) return;
      Connection* victim = ctx.connection(kVictim);
      if (!victim) return;
      static const std::vector<uint8_t> junk(60000, 0x5a);
      for (int i = 0; i < 17; ++i) victim->send_packet_out_port(of::kNoBuffer, 1, 2, junk);
    });
    ctx.listen<ConnectionDown>([](ConnectionDown& ev) {
      std::lock_guard lock(Spray::mu);
      Spray::downs.emplace_back(ev.dpid, ev.reason);
    });
  }
};
AppInfo spray_info() {
  AppInfo info;
  info.name = "spray";
  info.create = [] { return std::make_unique<SprayApp>(); };
  return info;
}

TEST(HostileLimits, APeerThatReadsNothingIsCutOffAtTheOutputCap) {
  {
    std::lock_guard lock(Spray::mu);
    Spray::downs.clear();
  }
  TestController ctl({spray_info()});
  // Echo probing far away: only the output cap can end the victim.
  ASSERT_TRUE(ctl.start({"--threads=1", "--max-output-buffer=2000000", "--echo-interval=60",
                         "--echo-timeout=120", "spray", "hub"}));
  ScriptedSwitch good, victim;
  ASSERT_TRUE(good.connect_tcp(ctl.port()));
  ASSERT_TRUE(good.handshake(0x600d));
  ASSERT_TRUE(victim.connect_tcp(ctl.port()));
  int small = 4096;
  ::setsockopt(victim.fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
  ASSERT_TRUE(victim.handshake(kVictim));
  // The victim reads nothing from now on. Each trigger queues 1 MiB for it;
  // the kernel buffers absorb a few MiB, then the controller's own buffer
  // grows to the cap and the connection is closed.
  bool cut = false;
  for (int i = 0; i < 200 && !cut; ++i) {
    good.packet_in(9, kMacA, kMacB, static_cast<uint32_t>(i));
    good.expect<of::PacketOut>(2000ms);  // hub's answer: the trigger was handled
    std::lock_guard lock(Spray::mu);
    for (const auto& [dpid, reason] : Spray::downs) cut = cut || dpid == kVictim;
  }
  ASSERT_TRUE(cut) << "the victim was never disconnected";
  {
    std::lock_guard lock(Spray::mu);
    ASSERT_EQ(Spray::downs.size(), 1u);  // only the victim
    EXPECT_NE(Spray::downs[0].second.find("output buffer over 2000000 bytes"), std::string::npos)
        << Spray::downs[0].second;
  }
  // (Reading the victim's socket to EOF would take long: its tiny window
  // drains the megabytes the kernel still holds.) The runtime let it go:
  for (int i = 0; i < 100 && ctl.runtime().live_connections() > 1; ++i) std::this_thread::sleep_for(20ms);
  EXPECT_EQ(ctl.runtime().live_connections(), 1u);
  good.packet_in(1, kMacA, kMacB, 77);
  auto po = good.expect<of::PacketOut>(3000ms);
  ASSERT_TRUE(po);
  EXPECT_EQ(po->buffer_id, 77u);
}

TEST(HostileLimits, ConnectionsOverTheLimitAreRefused) {
  TestController ctl;
  ASSERT_TRUE(ctl.start({"--threads=1", "--max-connections=10", "hub"}));
  ScriptedSwitch good;
  ASSERT_TRUE(good.connect_tcp(ctl.port()));
  ASSERT_TRUE(good.handshake(1));
  std::vector<std::unique_ptr<ScriptedSwitch>> extra;
  for (int i = 0; i < 30; ++i) {
    extra.push_back(std::make_unique<ScriptedSwitch>());
    ASSERT_TRUE(extra.back()->connect_tcp(ctl.port()));
  }
  int closed = 0;
  for (auto& s : extra) closed += s->wait_closed(300ms) ? 1 : 0;
  EXPECT_GE(closed, 20);
  EXPECT_GE(ctl.runtime().refused_connections(), 20u);
  good.packet_in(1, kMacA, kMacB, 3);
  EXPECT_TRUE(good.expect<of::PacketOut>());
}

}  // namespace
}  // namespace ofkit::ctl::testing
