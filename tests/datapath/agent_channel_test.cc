// The agent's plumbing over real (unix) sockets: the event loop, the
// non-blocking SocketChannel, listeners and the control socket. No network:
// unix sockets in a temporary directory only.
#include <fcntl.h>
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
  EXPECT_EQ(ch.send(big), IoStatus::kOk);  // over kWriteEarlyBytes: written at once, as far as it goes
  EXPECT_GT(ch.pending(), 0u);             // the socket buffer is far smaller than 4 MiB
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
  client.flush();
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

// An agent with one management peer on a socketpair; the test is the peer.
struct AgentOnSocketpair {
  explicit AgentOnSocketpair(AgentConfig cfg = {}, int agent_sndbuf = 0) : agent(&dp, &loop, cfg) {
    EXPECT_EQ(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
    if (agent_sndbuf) {
      setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &agent_sndbuf, sizeof agent_sndbuf);
      setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &agent_sndbuf, sizeof agent_sndbuf);
    }
    auto ch = std::make_unique<SocketChannel>(sv[0], "pair");
    channel = ch.get();
    id = agent.adopt(std::move(ch), Agent::Role::kManagement, false);
    const int flags = fcntl(sv[1], F_GETFL, 0);
    fcntl(sv[1], F_SETFL, flags | O_NONBLOCK);
  }
  ~AgentOnSocketpair() { close(sv[1]); }
  // Queues bytes for the agent; pump() writes what the socket takes.
  void offer(const std::vector<uint8_t>& bytes) { out.insert(out.end(), bytes.begin(), bytes.end()); }
  void pump() {
    while (out_pos < out.size()) {
      const ssize_t n = write(sv[1], out.data() + out_pos, out.size() - out_pos);
      if (n <= 0) break;
      out_pos += static_cast<size_t>(n);
    }
  }
  bool all_written() const { return out_pos == out.size(); }
  // Reads what is there and counts whole messages of `type`.
  size_t read_messages(of::MsgType type) {
    uint8_t buf[65536];
    ssize_t n;
    while ((n = read(sv[1], buf, sizeof buf)) > 0)
      framer.push({buf, static_cast<size_t>(n)}, [&](std::span<const uint8_t> m) {
        if (of::read_header(m.data()).type == type) ++seen;
      });
    return seen;
  }
  testing::FakeDatapath dp;
  EventLoop loop;
  Agent agent;
  int sv[2];
  SocketChannel* channel = nullptr;
  int id = 0;
  of::Framer framer;
  size_t seen = 0;
  std::vector<uint8_t> out;
  size_t out_pos = 0;
};

TEST(AgentOverSockets, RepliesToOneReadAreWrittenWithOneSend) {
  AgentOnSocketpair p;
  EXPECT_EQ(p.channel->write_calls(), 1u);  // our HELLO
  std::vector<uint8_t> batch = of::encode_message(of::Hello{}, 1);
  for (uint32_t i = 0; i < 20; ++i) {
    const auto e = of::encode_message(of::EchoRequest{{1, 2, 3}}, 100 + i);
    batch.insert(batch.end(), e.begin(), e.end());
  }
  p.offer(batch);
  p.pump();
  ASSERT_TRUE(p.all_written());
  p.agent.service(p.id);
  EXPECT_EQ(p.read_messages(of::MsgType::kEchoReply), 20u);
  EXPECT_EQ(p.channel->write_calls(), 2u);  // 20 replies, one send()
}

TEST(AgentOverSockets, APeerThatDoesNotReadIsThrottledThenResumes) {
  AgentConfig cfg;
  cfg.output_high_water = 64 * 1024;
  AgentOnSocketpair p(cfg, 4096);
  p.offer(of::encode_message(of::Hello{}, 1));
  const auto echo = of::encode_message(of::EchoRequest{std::vector<uint8_t>(16000, 7)}, 9);
  // Offer 400 echo requests (6.4 MB of replies) and read nothing back.
  for (int i = 0; i < 400; ++i) p.offer(echo);
  for (int round = 0; round < 2000; ++round) {
    p.pump();
    p.loop.run_once(Duration(0));
    p.agent.tick();
  }
  // It stopped reading and handling: unsent output stays near the high-water mark.
  EXPECT_TRUE(p.agent.connected(p.id));
  EXPECT_LE(p.channel->pending(), cfg.output_high_water + echo.size());
  EXPECT_LT(p.agent.counters().messages_received, 100u);
  // Reading resumes it: every request gets its reply.
  for (int round = 0; round < 20000 && p.seen < 400; ++round) {
    p.read_messages(of::MsgType::kEchoReply);
    p.pump();
    p.loop.run_once(Duration(1));
    p.agent.tick();
  }
  EXPECT_EQ(p.seen, 400u);
  EXPECT_TRUE(p.agent.connected(p.id));
}

TEST(AgentOverSockets, APeerThatNeverReadsIsDisconnectedAtTheCap) {
  AgentConfig cfg;
  cfg.max_output_bytes = 128 * 1024;  // below the high-water mark: the cap is what acts
  AgentOnSocketpair p(cfg, 4096);
  p.offer(of::encode_message(of::Hello{}, 1));
  const auto echo = of::encode_message(of::EchoRequest{std::vector<uint8_t>(16000, 7)}, 9);
  for (int i = 0; i < 100; ++i) p.offer(echo);
  for (int round = 0; round < 500 && p.agent.connected(p.id); ++round) {
    p.pump();
    p.loop.run_once(Duration(0));
    p.agent.tick();
  }
  EXPECT_FALSE(p.agent.connected(p.id));
  EXPECT_EQ(p.agent.counters().output_overflow_disconnects, 1u);
}

}  // namespace
}  // namespace ofkit::dp
