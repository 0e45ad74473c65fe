// ofbench end to end: real processes on loopback. Against the null controller
// (answering with FLOW_MOD, or FLOW_MOD + PACKET_OUT to check that a PacketIn
// answered twice counts once), against ovs-testcontroller, and the datapath
// target against ofdp. Checks the JSON fields and that rates are non-zero;
// never how fast anything is.
#include <signal.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include <netinet/in.h>
#include <sys/socket.h>

namespace {

using nlohmann::json;
namespace fs = std::filesystem;

std::string build_dir() {
  const char* b = std::getenv("OFKIT_BUILD_DIR");
  return b ? b : ".";
}
std::string ofbench() { return build_dir() + "/bench/ofbench/ofbench"; }
std::string null_controller() { return build_dir() + "/bench/ofbench/ofbench-null-controller"; }

// A child process whose stdout we read line by line; killed on destruction.
class Child {
 public:
  explicit Child(const std::vector<std::string>& argv) {
    int fds[2];
    if (pipe(fds) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(fds[1], 1);
      close(fds[0]);
      close(fds[1]);
      std::vector<char*> args;
      for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
    close(fds[1]);
    out_ = fdopen(fds[0], "r");
  }
  ~Child() {
    if (pid_ > 0) {
      kill(pid_, SIGTERM);
      int st = 0;
      for (int i = 0; i < 100 && waitpid(pid_, &st, WNOHANG) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      if (waitpid(pid_, &st, WNOHANG) == 0) {
        kill(pid_, SIGKILL);
        waitpid(pid_, &st, 0);
      }
    }
    if (out_) fclose(out_);
  }
  std::string line() {
    char buf[512];
    if (!out_ || !fgets(buf, sizeof buf, out_)) return "";
    return buf;
  }
  bool started() const { return pid_ > 0; }

 private:
  pid_t pid_ = -1;
  FILE* out_ = nullptr;
};

// Runs a command, returns (exit status, stdout).
std::pair<int, std::string> run(const std::string& cmd) {
  FILE* p = popen((cmd + " 2>/dev/null").c_str(), "r");
  std::string out;
  if (!p) return {-1, out};
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  const int st = pclose(p);
  return {WIFEXITED(st) ? WEXITSTATUS(st) : -1, out};
}

// Starts the null controller on a free port; returns the port (0 on failure).
int start_null(std::unique_ptr<Child>* child, const std::string& reply) {
  *child = std::make_unique<Child>(
      std::vector<std::string>{null_controller(), "--listen=ptcp:0:127.0.0.1", "--reply=" + reply});
  const std::string l = (*child)->line();  // "listening on 127.0.0.1:PORT"
  const size_t colon = l.rfind(':');
  return colon == std::string::npos ? 0 : std::atoi(l.c_str() + colon + 1);
}

json run_ofbench(int port, const std::string& extra, int* rc = nullptr) {
  const auto [status, out] = run(ofbench() + " --controller=tcp:127.0.0.1:" + std::to_string(port) +
                                 " --loops=2 --ms-per-loop=200 --warmup=1 --json " + extra);
  if (rc) *rc = status;
  try {
    return json::parse(out);
  } catch (const std::exception&) {
    ADD_FAILURE() << "not JSON: " << out;
    return json::object();
  }
}

void expect_common_fields(const json& j) {
  bool all = true;
  for (const char* k : {"tool",
                        "target",
                        "controller",
                        "mode",
                        "switches",
                        "switches_connected",
                        "macs",
                        "threads",
                        "loops",
                        "ms_per_loop",
                        "warmup",
                        "responses_per_s",
                        "responses_per_s_min",
                        "responses_per_s_max",
                        "flow_mods_per_s",
                        "packet_outs_per_s",
                        "per_loop",
                        "measured",
                        "latency",
                        "machine",
                        "command_line"})
    if (!j.contains(k)) {
      ADD_FAILURE() << "missing " << k;
      all = false;
    }
  if (!all) return;
  EXPECT_EQ(j.value("tool", ""), "ofbench");
  EXPECT_EQ(j["per_loop"].size(), 2u);
  EXPECT_GT(j["machine"].value("cores", 0), 0);
  EXPECT_LE(j["responses_per_s_min"].get<double>(), j["responses_per_s"].get<double>());
  EXPECT_LE(j["responses_per_s"].get<double>(), j["responses_per_s_max"].get<double>());
}

TEST(OfbenchIntegration, NullControllerFlowMods) {
  std::unique_ptr<Child> ctl;
  const int port = start_null(&ctl, "flow_mod");
  ASSERT_GT(port, 0);
  int rc = -1;
  const json j = run_ofbench(port, "--switches=4 --macs=100", &rc);
  EXPECT_EQ(rc, 0);
  expect_common_fields(j);
  EXPECT_TRUE(j.value("ok", false));
  EXPECT_EQ(j.value("switches_connected", 0), 4);
  EXPECT_GT(j["responses_per_s"].get<double>(), 0);
  const json& m = j["measured"];
  EXPECT_GT(m["answered"].get<uint64_t>(), 0u);
  EXPECT_GT(m["flow_mods"].get<uint64_t>(), 0u);
  EXPECT_EQ(m["packet_outs"].get<uint64_t>(), 0u);
  EXPECT_EQ(m["extra"].get<uint64_t>(), 0u);
  EXPECT_EQ(j.value("mode", ""), "throughput");
  EXPECT_NE(j.value("command_line", "").find("--switches=4"), std::string::npos);
}

TEST(OfbenchIntegration, NullControllerAnsweringTwiceCountsOnce) {
  std::unique_ptr<Child> ctl;
  const int port = start_null(&ctl, "both");
  ASSERT_GT(port, 0);
  const json j = run_ofbench(port, "--switches=2");
  ASSERT_TRUE(j.value("ok", false));
  const json& m = j["measured"];
  const uint64_t answered = m["answered"], fm = m["flow_mods"], po = m["packet_outs"];
  EXPECT_GT(fm, 0u);
  EXPECT_GT(po, 0u);
  // Each PacketIn got a FLOW_MOD and a PACKET_OUT: answered once each, the
  // second message is "extra". (Loop boundaries may split a pair.)
  EXPECT_LT(answered, fm + po);
  EXPECT_LE(answered, m["packet_ins"].get<uint64_t>() + 1);
  EXPECT_GT(m["extra"].get<uint64_t>(), 0u);
  const double ratio = static_cast<double>(fm + po) / static_cast<double>(answered);
  EXPECT_NEAR(ratio, 2.0, 0.1);
}

TEST(OfbenchIntegration, LatencyModeRecordsRoundTrips) {
  std::unique_ptr<Child> ctl;
  const int port = start_null(&ctl, "flow_mod");
  ASSERT_GT(port, 0);
  const json j = run_ofbench(port, "--switches=2 --mode=latency --cdf");
  ASSERT_TRUE(j.value("ok", false));
  EXPECT_EQ(j.value("mode", ""), "latency");
  EXPECT_EQ(j.value("window", 0), 1);
  EXPECT_GT(j["responses_per_s"].get<double>(), 0);
  const json& lat = j["latency"];
  EXPECT_GT(lat["count"].get<uint64_t>(), 0u);
  EXPECT_GT(lat["p50_us"].get<double>(), 0);
  EXPECT_LE(lat["p50_us"].get<double>(), lat["p99_us"].get<double>());
  EXPECT_FALSE(lat["cdf"].empty());
}

int free_port() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

TEST(OfbenchIntegration, OvsTestcontroller) {
  const char* ovs = "/usr/bin/ovs-testcontroller";
  if (access(ovs, X_OK) != 0) GTEST_SKIP() << "ovs-testcontroller not installed";
  const fs::path dir = fs::temp_directory_path() / ("ofbench-test-" + std::to_string(getpid()));
  fs::create_directories(dir);
  const int port = free_port();
  int rc = -1;
  json j;
  {
    Child ctl({ovs, "-O", "OpenFlow10", "--unixctl=" + (dir / "ctl").string(),
               "ptcp:" + std::to_string(port) + ":127.0.0.1"});
    ASSERT_TRUE(ctl.started());
    // ofbench retries connecting until --connect-timeout, so no wait is needed here.
    j = run_ofbench(port, "--switches=4 --macs=100 --connect-timeout=5000", &rc);
  }
  fs::remove_all(dir);
  EXPECT_EQ(rc, 0);
  expect_common_fields(j);
  ASSERT_TRUE(j.value("ok", false)) << j.dump();
  EXPECT_EQ(j.value("switches_connected", 0), 4);
  EXPECT_GT(j["responses_per_s"].get<double>(), 0);
  EXPECT_GT(j["measured"]["flow_mods"].get<uint64_t>(), 0u);  // a learning switch installs flows
}

TEST(OfbenchIntegration, NoControllerFailsWithExitCode1) {
  int rc = -1;
  const json j = run_ofbench(free_port(), "--switches=1 --connect-timeout=300", &rc);
  EXPECT_EQ(rc, 1);
  EXPECT_FALSE(j.value("ok", true));
  EXPECT_TRUE(j.contains("error"));
}

// --target=datapath: ofdp + ofctl-run l2_learning (tcp) and ofdp's in-process
// l2_learning (local) on veth pairs in ofbench's own network namespace. Every
// offered flow must come out of ofdp and be installed by exactly one FLOW_MOD.
void expect_every_flow_set_up(const std::string& controller) {
  const std::string ofdp = build_dir() + "/datapath/ofdp", ofctl = build_dir() + "/controller/ofctl-run";
  if (geteuid() != 0) GTEST_SKIP() << "needs root (veth pairs)";
  if (access(ofdp.c_str(), X_OK) != 0 || access(ofctl.c_str(), X_OK) != 0) GTEST_SKIP() << "ofdp not built";
  const auto [rc, out] = run(ofbench() + " --target=datapath --flows=300 --window=16 --answer-timeout=10000" +
                             " --datapath-controller=" + controller + " --json");
  json j;
  try {
    j = json::parse(out);
  } catch (const std::exception&) {
    FAIL() << "not JSON: " << out;
  }
  EXPECT_EQ(rc, 0) << j.dump();
  EXPECT_TRUE(j.value("ok", false)) << j.value("error", "");
  EXPECT_EQ(j.value("target", ""), "datapath");
  EXPECT_EQ(j.value("controller", ""), controller);
  EXPECT_EQ(j.value("ports", 0), 16);
  EXPECT_EQ(j["learn"].value("emerged", 0u), j.value("hosts", 0u));
  EXPECT_EQ(j["offer"].value("offered", 0u), 300u);
  EXPECT_EQ(j["offer"].value("emerged", 0u), 300u);
  EXPECT_EQ(j["offer"].value("lost", 1u), 0u);
  EXPECT_EQ(j["offer"]["latency"].value("count", 0u), 300u);
  EXPECT_EQ(j["ofdp"].value("flow_mods_applied", 0u), 300u);
  EXPECT_EQ(j["ofdp"].value("flows_installed", 0u), 300u);
  EXPECT_GT(j.value("flow_setups_per_s", 0.0), 0.0);
  EXPECT_NE(j.value("ofdp_command", "").find("--port=pcap:ofb0a"), std::string::npos);
}

TEST(OfbenchIntegration, DatapathTargetTcpController) { expect_every_flow_set_up("tcp"); }
TEST(OfbenchIntegration, DatapathTargetLocalController) { expect_every_flow_set_up("local"); }

TEST(OfbenchIntegration, BadCommandLineExitsWith2) {
  EXPECT_EQ(run(ofbench() + " --switches=-3").first, 2);
  EXPECT_EQ(run(ofbench() + " --controller=nowhere").first, 2);
  EXPECT_EQ(run(ofbench() + " --target=datapath --datapath-controller=udp").first, 2);
  EXPECT_EQ(run(null_controller() + " --listen=tcp:1").first, 2);
  EXPECT_EQ(run(ofbench() + " --help").first, 0);
  EXPECT_EQ(run(null_controller() + " --help").first, 0);
}

}  // namespace
