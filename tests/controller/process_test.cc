// ofctl-run as a real process: SIGHUP re-reads --config and the app uses the
// new values; SIGTERM/SIGINT stop cleanly (connections closed, exit 0); bad
// command lines exit 2 with a message; --list-apps and APP --help; counters
// logged at --stats-interval; the listen backlog. Every wait is bounded and
// every child is killed on the way out.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include <gtest/gtest.h>

#include "tests/controller/scripted_switch.h"

namespace ofkit::ctl::testing {
namespace {

std::string ofctl_path() {
  const char* build = std::getenv("OFKIT_BUILD_DIR");
  return std::string(build ? build : ".") + "/controller/ofctl-run";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// One ofctl-run child with stdout+stderr in a log file.
class Proc {
 public:
  explicit Proc(std::vector<std::string> args) {
    dir_ = std::filesystem::temp_directory_path() /
           ("ofctl-proc-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::create_directories(dir_);
    log_ = (dir_ / "log").string();
    args.insert(args.begin(), ofctl_path());
    pid_ = ::fork();
    if (pid_ == 0) {
      std::freopen(log_.c_str(), "w", stdout);
      ::dup2(::fileno(stdout), 2);
      std::vector<char*> argv;
      for (auto& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
  }
  ~Proc() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string log() const { return read_file(log_); }
  std::string dir() const { return dir_.string(); }
  // Waits for text in the log.
  bool wait_log(const std::string& text, std::chrono::milliseconds timeout = 5000ms) const {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (log().find(text) != std::string::npos) return true;
      std::this_thread::sleep_for(20ms);
    }
    return log().find(text) != std::string::npos;
  }
  // The port of "listening on ptcp:0:... (port N)".
  uint16_t port() const {
    if (!wait_log("(port ")) return 0;
    std::smatch m;
    const std::string l = log();
    if (!std::regex_search(l, m, std::regex("\\(port ([0-9]+)\\)"))) return 0;
    return static_cast<uint16_t>(std::stoi(m[1]));
  }
  void signal(int sig) const { ::kill(pid_, sig); }
  // Exit status, or -1 if it did not exit within the timeout.
  int wait_exit(std::chrono::milliseconds timeout = 10000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      int st = 0;
      if (::waitpid(pid_, &st, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
      }
      std::this_thread::sleep_for(10ms);
    }
    return -1;
  }

 private:
  static inline int counter_ = 0;
  std::filesystem::path dir_;
  std::string log_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

// A PacketIn pair that makes l2_learning install a flow; returns it.
std::optional<of::FlowMod> learn_pair(ScriptedSwitch& sw, uint64_t a, uint64_t b) {
  sw.packet_in(1, a, b, 1);
  if (!sw.expect<of::PacketOut>()) return std::nullopt;  // b unknown: flood
  sw.packet_in(2, b, a, 2);
  return sw.expect<of::FlowMod>();
}

TEST(Process, SighupReReadsTheConfigFileAndTheAppUsesTheNewValues) {
  const std::string conf =
      (std::filesystem::temp_directory_path() / ("ofctl-conf-" + std::to_string(::getpid()) + ".toml"))
          .string();
  { std::ofstream(conf) << "[l2_learning]\nidle_timeout = 11\nhard-timeout = 44\n"; }
  // --hard-timeout on the command line wins over the file, before and after.
  Proc p({"--listen=ptcp:0:127.0.0.1", "--threads=2", "--stats-interval=0", "--config=" + conf,
          "forwarding.l2_learning", "--hard-timeout=55"});
  const uint16_t port = p.port();
  ASSERT_NE(port, 0) << p.log();
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(port));
  ASSERT_TRUE(sw.handshake(7));
  auto fm = learn_pair(sw, 0xa1, 0xb1);
  ASSERT_TRUE(fm) << p.log();
  EXPECT_EQ(fm->idle_timeout, 11);
  EXPECT_EQ(fm->hard_timeout, 55);

  { std::ofstream(conf) << "[l2_learning]\nidle_timeout = 22\nhard_timeout = 33\n"; }
  p.signal(SIGHUP);
  ASSERT_TRUE(p.wait_log("app 'l2_learning' reloaded its options: hard_timeout=55, idle_timeout=22"))
      << p.log();
  fm = learn_pair(sw, 0xa2, 0xb2);
  ASSERT_TRUE(fm) << p.log();
  EXPECT_EQ(fm->idle_timeout, 22);
  EXPECT_EQ(fm->hard_timeout, 55);

  // A broken file on SIGHUP keeps the running values.
  { std::ofstream(conf) << "[l2_learning]\nidle_timeout = \"soon\"\n"; }
  p.signal(SIGHUP);
  ASSERT_TRUE(p.wait_log("not a valid INT")) << p.log();
  ASSERT_TRUE(p.wait_log("reload source failed; keeping the current options")) << p.log();
  fm = learn_pair(sw, 0xa3, 0xb3);
  ASSERT_TRUE(fm);
  EXPECT_EQ(fm->idle_timeout, 22);

  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(), 0);
  std::filesystem::remove(conf);
}

void expect_clean_stop(int sig) {
  Proc p({"--listen=ptcp:0:127.0.0.1", "--threads=2", "--stats-interval=0", "hub"});
  const uint16_t port = p.port();
  ASSERT_NE(port, 0) << p.log();
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(port));
  ASSERT_TRUE(sw.handshake(9));
  p.signal(sig);
  EXPECT_TRUE(sw.wait_closed(5000ms)) << "the switch connection was not closed";
  EXPECT_EQ(p.wait_exit(), 0) << p.log();
  const std::string log = p.log();
  EXPECT_NE(log.find("down: controller shutting down"), std::string::npos) << log;
  EXPECT_NE(log.find("] stopped"), std::string::npos) << log;
}

TEST(Process, SigtermStopsCleanly) { expect_clean_stop(SIGTERM); }
TEST(Process, SigintStopsCleanly) { expect_clean_stop(SIGINT); }

TEST(Process, BadCommandLinesExitWithCode2AndSayWhy) {
  const std::string bad_toml =
      (std::filesystem::temp_directory_path() / ("ofctl-bad-" + std::to_string(::getpid()) + ".toml"))
          .string();
  { std::ofstream(bad_toml) << "[l2_learning\nidle_timeout = 1\n"; }
  const std::string unknown_app_toml = bad_toml + ".2";
  { std::ofstream(unknown_app_toml) << "[no_such_app]\nx = 1\n"; }
  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  const std::vector<Case> cases{
      {{"no_such_app"}, "unknown app 'no_such_app'"},
      {{"l2_learning", "--no-such-option=1"}, "has no option --no-such-option"},
      {{"l2_learning", "--idle-timeout=soon"}, "is not a valid INT"},
      {{"--threads=x", "hub"}, "threads"},
      {{"--config=" + bad_toml, "l2_learning"}, "config " + bad_toml + ":"},
      {{"--config=" + unknown_app_toml, "l2_learning"}, "unknown app [no_such_app]"},
  };
  for (const Case& c : cases) {
    Proc p(c.args);
    EXPECT_EQ(p.wait_exit(), 2) << c.args[0];
    EXPECT_NE(p.log().find(c.message), std::string::npos) << p.log();
  }
  std::filesystem::remove(bad_toml);
  std::filesystem::remove(unknown_app_toml);
}

TEST(Process, ListAppsAndAppHelp) {
  {
    Proc p({"--list-apps"});
    EXPECT_EQ(p.wait_exit(), 0);
    const std::string out = p.log();
    EXPECT_TRUE(std::regex_match(out, std::regex("[a-z0-9_]+(,[a-z0-9_]+)*\n"))) << out;
    EXPECT_NE(out.find("l2_learning"), std::string::npos);
  }
  {
    Proc p({"forwarding.l2_learning", "--help"});
    EXPECT_EQ(p.wait_exit(), 0);
    EXPECT_NE(p.log().find("--idle-timeout"), std::string::npos) << p.log();
  }
}

TEST(Process, RateLimitedPacketInsAreCountedAndLoggedAtTheInterval) {
  Proc p({"--listen=ptcp:0:127.0.0.1", "--threads=1", "--stats-interval=0.2", "--packet-in-rate=1",
          "--packet-in-burst=1", "hub"});
  const uint16_t port = p.port();
  ASSERT_NE(port, 0) << p.log();
  ScriptedSwitch sw;
  ASSERT_TRUE(sw.connect_tcp(port));
  ASSERT_TRUE(sw.handshake(11));
  for (uint32_t i = 0; i < 20; ++i) sw.packet_in(1, 0xaa, 0xbb, i);
  // Burst of one: the rest of the 20 (sent within far less than 19 s) are dropped.
  const std::regex counters(
      "1 switches, [0-9]+ msgs in, 20 packet-ins \\(([0-9]+) dropped over the rate limit\\)");
  std::smatch m;
  bool seen = false;
  std::string log;
  for (int i = 0; i < 250 && !seen; ++i) {
    std::this_thread::sleep_for(20ms);
    log = p.log();
    seen = std::regex_search(log, m, counters);
  }
  ASSERT_TRUE(seen) << log;
  EXPECT_GE(std::stoi(m[1]), 1);
  p.signal(SIGTERM);
  EXPECT_EQ(p.wait_exit(), 0);
}

TEST(Process, ListenBacklogIsAtLeast1024) {
  const int somaxconn = std::stoi("0" + read_file("/proc/sys/net/core/somaxconn"));
  if (somaxconn < 1024) GTEST_SKIP() << "net.core.somaxconn is " << somaxconn;
  if (std::system("command -v ss >/dev/null 2>&1") != 0) GTEST_SKIP() << "ss (iproute2) not installed";
  Proc p({"--listen=ptcp:0:127.0.0.1", "--threads=1", "--stats-interval=0", "hub"});
  const uint16_t port = p.port();
  ASSERT_NE(port, 0) << p.log();
  // For a listening socket ss shows the backlog in Send-Q.
  const std::string out = p.dir() + "/ss";
  const std::string cmd = "ss -ltnH 'sport = :" + std::to_string(port) + "' > " + out;
  ASSERT_EQ(std::system(cmd.c_str()), 0);
  std::istringstream ss(read_file(out));
  std::string state, recv_q, send_q;
  ss >> state >> recv_q >> send_q;
  EXPECT_GE(std::stoi("0" + send_q), 1024) << read_file(out);
}

}  // namespace
}  // namespace ofkit::ctl::testing
