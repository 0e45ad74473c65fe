// ofctl-run with the messenger as a real process, a scripted switch on
// loopback TCP, and the real ofctl-msg binary: switches listed, a flow
// added by ofctl-msg reaches the switch as the exact FLOW_MOD (answered after
// the barrier), dump-flows in ovs-ofctl text, bad JSON answered while the
// connection keeps working, the "upper" echo, log streaming, the unix
// socket, the token rules and the exit codes of both programs.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

#include "oflib/text/flow_syntax.h"
#include "tests/controller/messenger/msg_client.h"
#include "tests/controller/scripted_switch.h"

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;
using ofkit::ctl::msg::testing::MsgClient;
using ofkit::ctl::testing::ScriptedSwitch;
namespace of = ofkit::of;

std::string build_dir() {
  const char* b = std::getenv("OFKIT_BUILD_DIR");
  return b ? b : ".";
}

std::string run(const std::string& cmd, int* status = nullptr, bool with_stderr = true) {
  std::string out;
  FILE* p = ::popen((cmd + (with_stderr ? " 2>&1" : " 2>/dev/null")).c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = ::pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

uint16_t free_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  socklen_t len = sizeof sin;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sin), &len);
  ::close(fd);
  return ntohs(sin.sin_port);
}

// Runs ofctl-run with args; stderr to a log file in dir.
class OfctlRun {
 public:
  OfctlRun(const std::string& dir, std::vector<std::string> args)
      : log_(dir + "/ofctl-run-" + std::to_string(next_log_++) + ".log") {
    const std::string exe = build_dir() + "/controller/ofctl-run";
    pid_ = ::fork();
    if (pid_ == 0) {
      FILE* f = std::freopen(log_.c_str(), "w", stderr);
      (void)f;
      std::vector<char*> argv{const_cast<char*>(exe.c_str())};
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(exe.c_str(), argv.data());
      ::_exit(127);
    }
  }
  ~OfctlRun() { stop(); }
  // Exit status after SIGTERM (or of a process that exited by itself).
  int stop() {
    if (pid_ <= 0) return status_;
    ::kill(pid_, SIGTERM);
    int st = 0;
    for (int i = 0; i < 50; ++i) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      std::this_thread::sleep_for(100ms);
    }
    ::kill(pid_, SIGKILL);
    ::waitpid(pid_, &st, 0);
    pid_ = -1;
    return status_ = -1;
  }
  // Waits for the process to exit by itself; its code, or -1 on timeout.
  int wait_exit(std::chrono::milliseconds timeout = 5000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int st = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        pid_ = -1;
        return status_ = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
      }
      std::this_thread::sleep_for(50ms);
    }
    return -1;
  }
  std::string log() const {
    std::ifstream f(log_);
    return std::string((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  bool wait_log(const std::string& what, std::chrono::milliseconds timeout = 5000ms) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (log().find(what) != std::string::npos) return true;
      std::this_thread::sleep_for(50ms);
    }
    return false;
  }

 private:
  static inline int next_log_ = 0;
  std::string log_;
  pid_t pid_ = -1;
  int status_ = -1;
};

// A scripted switch on its own thread that answers like a switch: ECHO,
// BARRIER, DESC and FLOW stats (from the FLOW_MODs it was sent).
class LiveSwitch {
 public:
  bool start(uint16_t port, uint64_t dpid) {
    if (!sw_.connect_tcp(port) || !sw_.handshake(dpid)) return false;
    thread_ = std::thread([this] { serve(); });
    return true;
  }
  ~LiveSwitch() {
    stop_ = true;
    if (thread_.joinable()) thread_.join();
  }
  std::vector<of::FlowMod> flow_mods() {
    std::lock_guard lock(mu_);
    return flow_mods_;
  }
  std::vector<of::PacketOut> packet_outs() {
    std::lock_guard lock(mu_);
    return packet_outs_;
  }

 private:
  void serve() {
    while (!stop_) {
      auto m = sw_.recv(100ms);
      if (!m) continue;
      const uint32_t xid = m->header.xid;
      if (auto* e = std::get_if<of::EchoRequest>(&m->msg)) sw_.send(of::EchoReply{e->data}, xid);
      if (std::get_if<of::BarrierRequest>(&m->msg)) sw_.send(of::BarrierReply{}, xid);
      if (auto* fm = std::get_if<of::FlowMod>(&m->msg)) {
        std::lock_guard lock(mu_);
        flow_mods_.push_back(*fm);
      }
      if (auto* po = std::get_if<of::PacketOut>(&m->msg)) {
        std::lock_guard lock(mu_);
        packet_outs_.push_back(*po);
      }
      if (auto* sr = std::get_if<of::StatsRequest>(&m->msg)) {
        of::StatsReply reply;
        if (std::holds_alternative<of::FlowStatsRequest>(sr->body)) {
          of::FlowStatsReply body;
          std::lock_guard lock(mu_);
          for (const auto& fm : flow_mods_) {
            if (fm.command != of::FlowModCommand::kAdd) continue;
            of::FlowStats fs;
            fs.match = fm.match;
            fs.priority = fm.priority;
            fs.cookie = fm.cookie;
            fs.actions = fm.actions;
            fs.packet_count = 3;
            fs.byte_count = 180;
            body.flows.push_back(fs);
          }
          reply.body = body;
        } else {
          of::DescStatsReply d;
          d.desc.mfr_desc = "scripted";
          d.desc.sw_desc = "ofkit test";
          reply.body = d;
        }
        sw_.send(reply, xid);
      }
    }
  }

  ScriptedSwitch sw_;
  std::thread thread_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::vector<of::FlowMod> flow_mods_;
  std::vector<of::PacketOut> packet_outs_;
};

class MessengerProcess : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ofctl-msg-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    msg_ = build_dir() + "/controller/ofctl-msg";
    ASSERT_EQ(::access(msg_.c_str(), X_OK), 0) << msg_;
  }
  void TearDown() override {
    ctl_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  // ofctl-run messenger ... l2_learning, listening for switches on of_port_.
  void start(const std::vector<std::string>& messenger_opts) {
    of_port_ = free_port();
    msg_port_ = free_port();
    std::vector<std::string> args{"--listen=ptcp:" + std::to_string(of_port_) + ":127.0.0.1",
                                  "--threads=2",
                                  "--stats-interval=0",
                                  "messenger",
                                  "--tcp=127.0.0.1:" + std::to_string(msg_port_),
                                  "--unix=" + dir_ + "/msg.sock"};
    for (const auto& o : messenger_opts) args.push_back(o);
    args.push_back("l2_learning");
    ctl_ = std::make_unique<OfctlRun>(dir_, args);
    ASSERT_TRUE(ctl_->wait_log("messenger listening on")) << ctl_->log();
  }
  std::string ofctl_msg(const std::string& args, int* rc, bool with_stderr = true) {
    return run(msg_ + " --timeout=5 --connect=tcp:127.0.0.1:" + std::to_string(msg_port_) + " " + args, rc,
               with_stderr);
  }

  std::string dir_, msg_;
  uint16_t of_port_ = 0, msg_port_ = 0;
  std::unique_ptr<OfctlRun> ctl_;
};

TEST_F(MessengerProcess, FlowsListsStatsAndErrorsThroughOfctlMsg) {
  start({});
  LiveSwitch sw;
  ASSERT_TRUE(sw.start(of_port_, 0xa1));
  ASSERT_TRUE(ctl_->wait_log("switch 00000000000000a1 up")) << ctl_->log();

  int rc = -1;
  std::string out = ofctl_msg("of.list_switches", &rc);
  ASSERT_EQ(rc, 0) << out;
  json list = json::parse(out);
  ASSERT_EQ(list["switches"].size(), 1u) << out;
  EXPECT_EQ(list["switches"][0]["dpid"], "00000000000000a1");
  EXPECT_EQ(list["switches"][0]["ports"].size(), 4u);
  EXPECT_EQ(list["switches"][0]["ports"][0]["name"], "p1");

  // The example; the reply comes after the barrier.
  out = ofctl_msg("of.add_flow 'dpid=00000000000000a1 priority=10,in_port=1,actions=output:2'", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(json::parse(out)["flow_mod"], "ADD priority=10,in_port=1 actions=output:2") << out;
  auto mods = sw.flow_mods();
  ASSERT_EQ(mods.size(), 1u);
  EXPECT_EQ(mods[0].command, of::FlowModCommand::kAdd);
  EXPECT_EQ(mods[0].priority, 10);
  EXPECT_EQ(ofkit::text::format_match(mods[0].match), "in_port=1");
  EXPECT_EQ(ofkit::text::format_actions(mods[0].actions), "output:2");
  EXPECT_EQ(mods[0].buffer_id, of::kNoBuffer);

  // dump-flows in ovs-ofctl's text and as JSON.
  out = ofctl_msg("--text of.dump_flows dpid=0xa1", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("n_packets=3, n_bytes=180, priority=10,in_port=1 actions=output:2"), std::string::npos)
      << out;
  out = ofctl_msg("'{\"cmd\":\"of.dump_flows\",\"dpid\":161}'", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(json::parse(out)["flows"][0]["priority"], 10) << out;

  // A JSON flow, delete with a match, stats, packet out.
  out = ofctl_msg(
      "of.add_flow dpid=161 "
      "'flow={\"match\":{\"dl_type\":2048,\"nw_dst\":\"10.0.0.0/"
      "8\"},\"actions\":\"output:3\",\"priority\":5}'",
      &rc);
  ASSERT_EQ(rc, 0) << out;
  out = ofctl_msg("of.delete_flows dpid=161 in_port=1 strict=true priority=10", &rc);
  ASSERT_EQ(rc, 0) << out;
  out = ofctl_msg("of.stats dpid=161 type=desc", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(json::parse(out)["body"]["mfr_desc"], "scripted") << out;
  out = ofctl_msg("of.packet_out dpid=161 actions=output:4 data=" + std::string(120, 'f'), &rc);
  ASSERT_EQ(rc, 0) << out;
  mods = sw.flow_mods();
  ASSERT_EQ(mods.size(), 3u);
  EXPECT_EQ(ofkit::text::format_match(mods[1].match), "ip,nw_dst=10.0.0.0/8");
  EXPECT_EQ(mods[2].command, of::FlowModCommand::kDeleteStrict);
  EXPECT_EQ(ofkit::text::format_match(mods[2].match), "in_port=1");
  ASSERT_EQ(sw.packet_outs().size(), 1u);
  EXPECT_EQ(sw.packet_outs()[0].data.size(), 60u);
  EXPECT_EQ(ofkit::text::format_actions(sw.packet_outs()[0].actions), "output:4");

  // Errors: exit 1 with the messenger's words; usage errors and no server: 2.
  out = ofctl_msg("of.add_flow dpid=0xbeef in_port=1,actions=drop", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("no switch 000000000000beef"), std::string::npos) << out;
  out = ofctl_msg("of.add_flow dpid=161 in_port=1", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("actions"), std::string::npos) << out;
  out = ofctl_msg("no.such.command", &rc);
  EXPECT_EQ(rc, 1);
  out = ofctl_msg("'{\"id\":1}'", &rc);
  EXPECT_EQ(rc, 2) << out;
  out = ofctl_msg("--bogus-flag help", &rc);
  EXPECT_EQ(rc, 2) << out;
  out = run(msg_ + " --connect=tcp:127.0.0.1:1 help", &rc);
  EXPECT_EQ(rc, 2) << out;
  EXPECT_NE(out.find("cannot connect"), std::string::npos) << out;
  out = run(msg_ + " --connect=unix:" + dir_ + "/msg.sock ping", &rc);
  EXPECT_EQ(rc, 0) << out;

  // Raw JSON: bad input gets an error, the same connection goes on.
  MsgClient raw;
  ASSERT_TRUE(raw.connect_tcp(msg_port_));
  raw.send_raw("this is not json\n");
  auto e = raw.reply();
  ASSERT_TRUE(e);
  EXPECT_EQ((*e)["error"].get<std::string>().rfind("bad JSON", 0), 0u) << *e;
  // help lists the built-ins and every registered service.
  const json help = raw.call({{"cmd", "help"}});
  std::vector<std::string> names;
  for (const auto& c : help["result"]["commands"]) names.push_back(c["name"].get<std::string>());
  for (const char* n : {"join", "send", "log.subscribe", "log.set_level", "of.add_flow", "of.dump_flows",
                        "of.list_switches", "of.stats", "messenger.status"})
    EXPECT_NE(std::find(names.begin(), names.end(), n), names.end()) << n;
  const json status = raw.call({{"cmd", "messenger.status"}});
  EXPECT_EQ(status["result"]["tcp_port"], msg_port_) << status;
  EXPECT_EQ(status["result"]["clients"], 1) << status;
  EXPECT_GE(status["result"]["errors"].get<int>(), 1) << status;
  auto ok = raw.call({{"cmd", "of.list_switches"}, {"id", 2}});
  EXPECT_EQ(ok["id"], 2);
  EXPECT_EQ(ok["result"]["switches"].size(), 1u);
  EXPECT_EQ(ctl_->stop(), 0) << ctl_->log();
}

TEST_F(MessengerProcess, UpperEchoAndLogStreaming) {
  start({});
  // Interactive client: a channel message comes back upper-cased.
  int rc = -1;
  std::string out =
      ofctl_msg("-i <<'EOF'\njoin channel=upper\nsend channel=upper msg=\"hello there\"\nquit\nEOF", &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("[upper] upper: \"HELLO THERE\""), std::string::npos) << out;

  MsgClient logs;
  ASSERT_TRUE(logs.connect_tcp(msg_port_));
  auto sub = logs.call({{"cmd", "log.subscribe"}, {"level", "info"}});
  ASSERT_EQ(sub["result"]["level"], "info") << sub;
  auto lvl = logs.call({{"cmd", "log.set_level"}, {"logger", "l2_learning"}, {"level", "debug"}});
  EXPECT_EQ(lvl["result"]["loggers"], json::array({"l2_learning"})) << lvl;
  EXPECT_EQ(logs.call({{"cmd", "log.set_level"}, {"logger", "nope"}, {"level", "debug"}})["error"],
            "no logger 'nope' (see log.levels)");
  // A switch connecting makes ofctl-run log; the record streams to us.
  LiveSwitch sw;
  ASSERT_TRUE(sw.start(of_port_, 0xb2));
  bool seen = false;
  for (int i = 0; i < 50 && !seen; ++i) {
    auto m = logs.recv(200ms);
    if (m && (*m)["channel"] == "log" &&
        (*m)["msg"]["text"].get<std::string>().find("00000000000000b2") != std::string::npos) {
      seen = true;
      EXPECT_EQ((*m)["msg"]["level"], "info");
    }
  }
  EXPECT_TRUE(seen);
  EXPECT_EQ(ctl_->stop(), 0) << ctl_->log();
}

TEST_F(MessengerProcess, TokenIsNeededAndRequiredOffLoopback) {
  start({"--token=s3cret"});
  int rc = -1;
  std::string out = ofctl_msg("of.list_switches", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("not authenticated"), std::string::npos) << out;
  out = ofctl_msg("--token=wrong of.list_switches", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_NE(out.find("bad token"), std::string::npos) << out;
  out = ofctl_msg("--token=s3cret of.list_switches", &rc);
  EXPECT_EQ(rc, 0) << out;
  out = run(
      "OFCTL_MSG_TOKEN=s3cret " + msg_ + " --connect=tcp:127.0.0.1:" + std::to_string(msg_port_) + " ping",
      &rc);
  EXPECT_EQ(rc, 0) << out;
  EXPECT_EQ(ctl_->stop(), 0);

  // The token from a file (kept out of the process list); a missing file is exit 2.
  {
    std::ofstream(dir_ + "/token") << "fromfile\n";
    const uint16_t port = free_port();
    OfctlRun viafile(dir_, {"--listen=ptcp:0:127.0.0.1", "messenger",
                            "--tcp=127.0.0.1:" + std::to_string(port), "--token=file:" + dir_ + "/token"});
    ASSERT_TRUE(viafile.wait_log("token required")) << viafile.log();
    out = run(msg_ + " --token=fromfile --connect=tcp:127.0.0.1:" + std::to_string(port) + " ping", &rc);
    EXPECT_EQ(rc, 0) << out;
    EXPECT_EQ(viafile.stop(), 0);
    OfctlRun nofile(dir_, {"--listen=ptcp:0:127.0.0.1", "messenger", "--token=file:" + dir_ + "/none"});
    EXPECT_EQ(nofile.wait_exit(), 2);
  }
  // Any address but loopback without a token: refused at start-up, exit 2.
  OfctlRun open(dir_,
                {"--listen=ptcp:0:127.0.0.1", "messenger", "--tcp=0.0.0.0:" + std::to_string(free_port())});
  EXPECT_EQ(open.wait_exit(), 2);
  EXPECT_NE(open.log().find("without --token"), std::string::npos) << open.log();
}

}  // namespace
