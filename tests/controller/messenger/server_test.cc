// The messenger's sockets on a real EventLoop thread, driven by raw clients
// over loopback TCP and a unix socket: errors stay on their connection, an
// over-long line is answered and closed, a client that reads nothing is
// dropped, channels between connections, the unix socket's mode and removal.
#include "controller/messenger/server.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "controller/messenger/builtin_services.h"
#include "tests/controller/messenger/msg_client.h"

namespace ofkit::ctl::msg {
namespace {

using namespace std::chrono_literals;
using testing::MsgClient;

class ServerTest : public ::testing::Test {
 protected:
  void start(Limits limits = {}, std::string unix_path = "") {
    thread_ = std::thread([this] { loop_.run(); });
    std::promise<bool> ok;
    loop_.post([&] {
      Executor ex{[this](std::function<void()> fn) { loop_.post(std::move(fn)); },
                  [this](std::function<void()> fn) { return loop_.try_post_data(std::move(fn)); }};
      core_ = std::make_shared<Core>(dir_, ex, "", limits);
      core_->start();
      add_upper_bot(*core_);
      server_ = std::make_unique<Server>(loop_, core_);
      sockaddr_storage ss{};
      socklen_t len = 0;
      std::string err;
      bool good = resolve_tcp("127.0.0.1:0", &ss, &len, &err) && server_->listen_tcp(ss, len, &err);
      if (good && !unix_path.empty()) good = server_->listen_unix(unix_path, &err);
      port_ = server_->tcp_port();
      ok.set_value(good);
    });
    ASSERT_TRUE(ok.get_future().get());
  }
  void TearDown() override {
    if (thread_.joinable()) {
      loop_.post([this] {
        server_.reset();
        core_.reset();
      });
      loop_.stop();
      thread_.join();
    }
  }
  template <typename T>
  T on_loop(std::function<T()> fn) {
    std::promise<T> p;
    loop_.post([&] { p.set_value(fn()); });
    return p.get_future().get();
  }

  ServiceDirectory dir_;
  EventLoop loop_;
  std::thread thread_;
  std::shared_ptr<Core> core_;
  std::unique_ptr<Server> server_;
  uint16_t port_ = 0;
};

TEST_F(ServerTest, BadInputGetsAnErrorAndTheConnectionKeepsWorking) {
  start();
  MsgClient a, b;
  ASSERT_TRUE(a.connect_tcp(port_));
  ASSERT_TRUE(b.connect_tcp(port_));
  a.send_raw("{\"cmd\": oops\n");
  auto e = a.reply();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error"].get<std::string>().rfind("bad JSON", 0), 0u) << *e;
  // Several requests in one segment, one split across two.
  a.send_raw("{\"cmd\":\"ping\",\"id\":1}\n{\"cmd\":\"nope\",\"id\":2}\n{\"cmd\":\"pi");
  a.send_raw("ng\",\"id\":3}\n");
  EXPECT_EQ((*a.reply())["id"], 1);
  EXPECT_EQ((*a.reply())["error"], "unknown command 'nope' (try \"help\")");
  EXPECT_EQ((*a.reply())["result"]["pong"], true);
  EXPECT_EQ(b.call({{"cmd", "ping"}})["result"]["pong"], true);
}

TEST_F(ServerTest, OverLongLineIsAnsweredThenClosed) {
  Limits l;
  l.max_line = 1024;
  start(l);
  MsgClient a, b;
  ASSERT_TRUE(a.connect_tcp(port_));
  ASSERT_TRUE(b.connect_tcp(port_));
  a.send_raw(std::string(5000, 'x'));  // no newline yet: still too long
  auto e = a.reply();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error"], "line too long (more than 1024 bytes); closing");
  EXPECT_TRUE(a.wait_closed());
  EXPECT_EQ(b.call({{"cmd", "ping"}})["result"]["pong"], true);
  EXPECT_EQ(on_loop<size_t>([this] { return server_->client_count(); }), 1u);
}

TEST_F(ServerTest, AClientThatReadsNothingIsDropped) {
  Limits l;
  l.max_output = 64 * 1024;
  start(l);
  MsgClient sink, talker;
  ASSERT_TRUE(sink.connect_tcp(port_, 4096));
  ASSERT_TRUE(talker.connect_tcp(port_));
  sink.send({{"cmd", "join"}, {"channel", "flood"}});
  ASSERT_TRUE(sink.reply());
  // ~40 MB toward the sink, which never reads again: far beyond socket
  // buffers plus max_output. The talker reads its replies as it goes.
  const std::string big(10000, 'z');
  bool dropped = false;
  for (int i = 0; i < 4000 && !dropped; ++i) {
    talker.send({{"cmd", "send"}, {"channel", "flood"}, {"msg", big}});
    auto r = talker.reply();
    ASSERT_TRUE(r);
    if ((*r)["result"]["delivered"] == 0) dropped = true;
  }
  EXPECT_TRUE(dropped);
  EXPECT_EQ(on_loop<uint64_t>([this] { return server_->dropped_slow_clients(); }), 1u);
  EXPECT_EQ(on_loop<size_t>([this] { return server_->client_count(); }), 1u);
  EXPECT_TRUE(sink.wait_closed());
}

TEST_F(ServerTest, ChannelsAcrossConnectionsAndTheUpperEcho) {
  start();
  MsgClient a, b;
  ASSERT_TRUE(a.connect_tcp(port_));
  ASSERT_TRUE(b.connect_tcp(port_));
  a.call({{"cmd", "join"}, {"channel", "news"}});
  b.call({{"cmd", "join"}, {"channel", "news"}});
  EXPECT_EQ(a.call({{"cmd", "send"}, {"channel", "news"}, {"msg", "hi"}})["result"]["delivered"], 1);
  auto m = b.recv();
  ASSERT_TRUE(m);
  EXPECT_EQ((*m)["channel"], "news");
  EXPECT_EQ((*m)["msg"], "hi");
  dir_.publish("news", {{"from_app", true}});  // an app publishing from this thread
  for (MsgClient* c : {&a, &b}) {
    auto p = c->recv();
    ASSERT_TRUE(p);
    EXPECT_EQ((*p)["from"], "app");
    EXPECT_EQ((*p)["msg"]["from_app"], true);
  }
  a.send({{"cmd", "send"}, {"channel", "upper"}, {"msg", "hello"}, {"id", 1}});
  EXPECT_EQ((*a.recv())["id"], 1);
  auto up = a.recv();
  ASSERT_TRUE(up);
  EXPECT_EQ(*up, (json{{"channel", "upper"}, {"from", "upper"}, {"msg", "HELLO"}}));
}

TEST_F(ServerTest, UnixSocketIsPrivateAndRemovedOnClose) {
  char tmpl[] = "/tmp/msg-unix-XXXXXX";
  ASSERT_NE(::mkdtemp(tmpl), nullptr);
  const std::string path = std::string(tmpl) + "/m.sock";
  start({}, path);
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  MsgClient u;
  ASSERT_TRUE(u.connect_unix(path));
  EXPECT_EQ(u.call({{"cmd", "ping"}, {"id", "u"}})["id"], "u");
  on_loop<bool>([this] {
    server_->close_all();
    return true;
  });
  EXPECT_NE(::stat(path.c_str(), &st), 0);
  EXPECT_TRUE(u.wait_closed());
  ::rmdir(tmpl);
}

TEST(ServerAddress, ResolveAndLoopback) {
  sockaddr_storage ss{};
  socklen_t len = 0;
  std::string err;
  ASSERT_TRUE(resolve_tcp("127.0.0.1:7790", &ss, &len, &err)) << err;
  EXPECT_TRUE(is_loopback(reinterpret_cast<sockaddr*>(&ss)));
  ASSERT_TRUE(resolve_tcp("7790", &ss, &len, &err));  // a bare port is loopback
  EXPECT_TRUE(is_loopback(reinterpret_cast<sockaddr*>(&ss)));
  ASSERT_TRUE(resolve_tcp("[::1]:7790", &ss, &len, &err)) << err;
  EXPECT_TRUE(is_loopback(reinterpret_cast<sockaddr*>(&ss)));
  ASSERT_TRUE(resolve_tcp("127.9.9.9:1", &ss, &len, &err));
  EXPECT_TRUE(is_loopback(reinterpret_cast<sockaddr*>(&ss)));
  ASSERT_TRUE(resolve_tcp("0.0.0.0:7790", &ss, &len, &err));
  EXPECT_FALSE(is_loopback(reinterpret_cast<sockaddr*>(&ss)));
  ASSERT_TRUE(resolve_tcp("[::]:7790", &ss, &len, &err));
  EXPECT_FALSE(is_loopback(reinterpret_cast<sockaddr*>(&ss)));
  ASSERT_TRUE(resolve_tcp("10.1.2.3:7790", &ss, &len, &err));
  EXPECT_FALSE(is_loopback(reinterpret_cast<sockaddr*>(&ss)));
  EXPECT_FALSE(resolve_tcp("127.0.0.1:", &ss, &len, &err));
  EXPECT_FALSE(resolve_tcp("127.0.0.1:99999", &ss, &len, &err));
  EXPECT_FALSE(resolve_tcp("127.0.0.1:http", &ss, &len, &err));
}

}  // namespace
}  // namespace ofkit::ctl::msg
