// The agent's plumbing over real (unix) sockets: the event loop, the
// non-blocking SocketChannel, listeners and the control socket. No network:
// unix sockets in a temporary directory only.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include "datapath/agent.h"
#include "datapath/agent_event_loop.h"
#include "datapath/channel_socket.h"
#include "datapath/control_socket.h"
#include "tests/datapath/agent_fakes.h"
#include "tests/datapath/ofdp_harness.h"

namespace ofkit::dp {
namespace {

TEST(EventLoop, DispatchesReadyFdsAndSurvivesRemovalDuringDispatch) {
  EventLoop loop;
  int a[2], b[2];
  ASSERT_EQ(pipe(a), 0);
  ASSERT_EQ(pipe(b), 0);
  int a_calls = 0, b_calls = 0;
  // a's handler removes b: b's pending event must not run.
  ASSERT_TRUE(loop.add(a[0], EPOLLIN, [&](uint32_t) {
    ++a_calls;
    char c;
    EXPECT_EQ(read(a[0], &c, 1), 1);
    loop.remove(b[0]);
  }));
  ASSERT_TRUE(loop.add(b[0], EPOLLIN, [&](uint32_t) {
    ++b_calls;
    char c;
    EXPECT_EQ(read(b[0], &c, 1), 1);
    loop.remove(a[0]);
  }));
  EXPECT_FALSE(loop.add(a[0], EPOLLIN, [](uint32_t) {}));  // one registration per fd
  ASSERT_EQ(write(a[1], "x", 1), 1);
  ASSERT_EQ(write(b[1], "y", 1), 1);
  EXPECT_EQ(loop.run_once(Duration(1000)), 1);
  EXPECT_EQ(a_calls + b_calls, 1);
  EXPECT_EQ(loop.run_once(Duration(0)), 0);
  for (int fd : {a[0], a[1], b[0], b[1]}) close(fd);
}

TEST(EventLoop, WakeEndsTheWait) {
  EventLoop loop;
  std::thread t([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    loop.wake();
  });
  EXPECT_EQ(loop.run_once(Duration(60000)), 0);  // returns on the wake, not after a minute
  t.join();
}

TEST(SocketChannel, QueuesWhatThePeerCannotTakeAndReportsClose) {
  int sv[2];
  ASSERT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
  SocketChannel ch(sv[0], "pair");
  std::vector<uint8_t> big(4 << 20, 0x5a);
  EXPECT_EQ(ch.send(big), IoStatus::kOk);
  EXPECT_GT(ch.pending(), 0u);  // the socket buffer is far smaller than 4 MiB
  std::vector<uint8_t> got;
  uint8_t buf[65536];
  while (got.size() < big.size()) {
    const ssize_t n = read(sv[1], buf, sizeof buf);
    ASSERT_GT(n, 0);
    got.insert(got.end(), buf, buf + n);
    EXPECT_EQ(ch.flush(), IoStatus::kOk);
  }
  EXPECT_EQ(ch.pending(), 0u);
  EXPECT_EQ(got, big);
  ASSERT_EQ(write(sv[1], "abc", 3), 3);
  std::vector<uint8_t> in;
  EXPECT_EQ(ch.receive(&in), IoStatus::kOk);
  EXPECT_EQ(in, (std::vector<uint8_t>{'a', 'b', 'c'}));
  close(sv[1]);
  EXPECT_EQ(ch.receive(&in), IoStatus::kClosed);
  EXPECT_FALSE(ch.error().empty());
}

TEST(SocketChannel, UnixListenConnectAccept) {
  testing::TempDir dir;
  Target l;
  l.kind = Target::Kind::kPunix;
  l.path = dir / "l.sock";
  std::string err;
  const int lfd = listen_on(l, &err);
  ASSERT_GE(lfd, 0) << err;
  Target c;
  c.kind = Target::Kind::kUnix;
  c.path = l.path;
  const int cfd = start_connect(c, &err);
  ASSERT_GE(cfd, 0) << err;
  std::string peer;
  int afd = -1;
  for (int i = 0; i < 100 && afd < 0; ++i) {
    afd = accept_nonblocking(lfd, &peer);
    if (afd < 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_GE(afd, 0);
  EXPECT_EQ(finish_connect(cfd), 0);
  EXPECT_EQ(peer, "unix");
  Target missing;
  missing.kind = Target::Kind::kUnix;
  missing.path = dir / "missing.sock";
  EXPECT_LT(start_connect(missing, &err), 0);
  EXPECT_NE(err.find("missing.sock"), std::string::npos);
  for (int fd : {lfd, cfd, afd}) close(fd);
}

TEST(ControlSocket, AnswersOneCommandPerConnection) {
  testing::TempDir dir;
  EventLoop loop;
  std::string err;
  auto cs = ControlSocket::open(
      &loop, dir / "ctl.sock",
      [](const std::string& cmd) {
        return cmd == "show" ? std::string("switch ok") : "error: unknown " + cmd;
      },
      &err);
  ASSERT_TRUE(cs) << err;
  std::atomic<bool> done{false};
  std::string a1, a2, e1, e2;
  bool ok1 = false, ok2 = false;
  std::thread client([&] {
    ok1 = control_socket_request(dir / "ctl.sock", "show", &a1, &e1);
    ok2 = control_socket_request(dir / "ctl.sock", "bogus", &a2, &e2);
    done = true;
    loop.wake();
  });
  for (int i = 0; i < 2000 && !done; ++i) loop.run_once(Duration(10));
  client.join();
  EXPECT_TRUE(ok1) << e1;
  EXPECT_EQ(a1, "switch ok\n");
  EXPECT_TRUE(ok2) << e2;
  EXPECT_EQ(a2, "error: unknown bogus\n");
  cs.reset();
  EXPECT_NE(access((dir / "ctl.sock").c_str(), F_OK), 0);  // unlinked
}

TEST(AgentOverSockets, ManagementClientOnPunixListener) {
  testing::TempDir dir;
  EventLoop loop;
  testing::FakeDatapath dp;
  AgentConfig cfg;
  Target l;
  l.kind = Target::Kind::kPunix;
  l.path = dir / "mgmt.sock";
  cfg.listens.push_back(l);
  Agent agent(&dp, &loop, cfg);
  std::string err;
  ASSERT_TRUE(agent.start(&err)) << err;

  Target c;
  c.kind = Target::Kind::kUnix;
  c.path = l.path;
  const int fd = start_connect(c, &err);
  ASSERT_GE(fd, 0) << err;
  SocketChannel client(fd, "client");
  const auto hello = of::encode_message(of::Hello{}, 1);
  const auto echo = of::encode_message(of::EchoRequest{{4, 2}}, 77);
  client.send(hello);
  client.send(echo);
  std::vector<uint8_t> in;
  std::vector<of::DecodedMessage> msgs;
  for (int i = 0; i < 500 && msgs.size() < 2; ++i) {
    loop.run_once(Duration(10));
    agent.tick();
    client.receive(&in);
    of::Framer f;
    msgs.clear();
    f.push(in, [&](std::span<const uint8_t> m) { msgs.push_back(*of::decode(m)); });
  }
  ASSERT_EQ(msgs.size(), 2u);
  EXPECT_EQ(msgs[0].header.type, of::MsgType::kHello);
  EXPECT_EQ(msgs[1].header.type, of::MsgType::kEchoReply);
  EXPECT_EQ(msgs[1].header.xid, 77u);
  EXPECT_EQ(agent.counters().connections_accepted, 1u);
  EXPECT_EQ(agent.connection_count(), 1u);
}

}  // namespace
}  // namespace ofkit::dp
