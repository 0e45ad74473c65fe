// The check against real Open vSwitch: ofctl-run messenger +
// l2_learning controls a userspace OVS bridge (ovs-vswitchd --enable-dummy,
// private ovsdb in a temp dir, as tests/controller/ovs_test.cc); a flow added
// with `ofctl-msg of.add_flow` shows up in `ovs-ofctl -O OpenFlow10
// dump-flows`, of.list_switches and of.dump_flows see the bridge, and
// of.delete_flows removes the flow again. Everything started here is stopped
// and the temp dir removed, pass or fail.
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;
using nlohmann::json;

std::string run(const std::string& cmd, int* status = nullptr) {
  std::string out;
  FILE* p = ::popen((cmd + " 2>&1").c_str(), "r");
  if (!p) return out;
  std::array<char, 4096> buf;
  size_t n;
  while ((n = std::fread(buf.data(), 1, buf.size(), p)) > 0) out.append(buf.data(), n);
  const int st = ::pclose(p);
  if (status) *status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  return out;
}

bool have(const char* path) { return ::access(path, X_OK) == 0; }

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

template <typename P>
bool wait_for(P pred, std::chrono::milliseconds timeout = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return pred();
}

class OvsMessenger : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("/usr/sbin/ovs-vswitchd") || !have("/usr/sbin/ovsdb-server") || !have("/usr/bin/ovs-vsctl"))
      GTEST_SKIP() << "Open vSwitch not installed (scripts/install-deps.sh)";
    const char* build = std::getenv("OFKIT_BUILD_DIR");
    const std::string b = build ? build : ".";
    ofctl_ = b + "/controller/ofctl-run";
    msg_ = b + "/controller/ofctl-msg";
    ASSERT_TRUE(have(ofctl_.c_str()) && have(msg_.c_str()));
    char tmpl[] = "/tmp/ofctl-msg-ovs-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    env_ = "OVS_RUNDIR=" + dir_ + " OVS_DBDIR=" + dir_ + " OVS_LOGDIR=" + dir_ + " OVS_SYSCONFDIR=" + dir_ +
           " OVS_PKGDATADIR=/usr/share/openvswitch ";
    db_ = "--db=unix:" + dir_ + "/db.sock";
    int st = 0;
    std::string out =
        run(env_ + "ovsdb-tool create " + dir_ + "/conf.db /usr/share/openvswitch/vswitch.ovsschema", &st);
    ASSERT_EQ(st, 0) << out;
    out = run(env_ + "ovsdb-server --detach --no-chdir --pidfile --log-file --remote=punix:" + dir_ +
                  "/db.sock " + dir_ + "/conf.db",
              &st);
    ASSERT_EQ(st, 0) << out;
    ovsdb_started_ = true;
    out = run(env_ + "ovs-vsctl " + db_ + " --no-wait init", &st);
    ASSERT_EQ(st, 0) << out;
    out = run(env_ +
                  "ovs-vswitchd --enable-dummy=override --disable-system --detach --no-chdir --pidfile "
                  "--log-file unix:" +
                  dir_ + "/db.sock",
              &st);
    ASSERT_EQ(st, 0) << out;
    vswitchd_started_ = true;

    of_port_ = free_port();
    msg_port_ = free_port();
    ctl_pid_ = ::fork();
    ASSERT_GE(ctl_pid_, 0);
    if (ctl_pid_ == 0) {
      const std::string log = dir_ + "/ofctl-run.log";
      FILE* f = std::freopen(log.c_str(), "w", stderr);
      (void)f;
      const std::string listen = "--listen=ptcp:" + std::to_string(of_port_) + ":127.0.0.1";
      const std::string tcp = "--tcp=127.0.0.1:" + std::to_string(msg_port_);
      ::execl(ofctl_.c_str(), ofctl_.c_str(), listen.c_str(), "--threads=2", "--stats-interval=0",
              "messenger", tcp.c_str(), "l2_learning", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }

  void TearDown() override {
    if (ctl_pid_ > 0) {
      ::kill(ctl_pid_, SIGTERM);
      int st = 0;
      for (int i = 0; i < 50 && ctl_pid_ > 0; ++i) {
        if (::waitpid(ctl_pid_, &st, WNOHANG) == ctl_pid_) {
          ctl_pid_ = -1;
          EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "ofctl-run did not stop cleanly";
        } else {
          std::this_thread::sleep_for(100ms);
        }
      }
      if (ctl_pid_ > 0) {
        ::kill(ctl_pid_, SIGKILL);
        ::waitpid(ctl_pid_, &st, 0);
      }
    }
    if (vswitchd_started_) stop_daemon("ovs-vswitchd");
    if (ovsdb_started_) stop_daemon("ovsdb-server");
    if (!dir_.empty()) {
      if (HasFailure()) std::fprintf(stderr, "ofctl-run log:\n%s\n", log().c_str());
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  void stop_daemon(const std::string& name) {
    run(env_ + "ovs-appctl -t " + name + " exit --cleanup");
    std::ifstream pf(dir_ + "/" + name + ".pid");
    pid_t pid = 0;
    if (pf >> pid && pid > 0) {
      for (int i = 0; i < 30 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(100ms);
      if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
    }
  }

  std::string log() { return run("cat " + dir_ + "/ofctl-run.log"); }
  std::string vsctl(const std::string& args) { return run(env_ + "ovs-vsctl " + db_ + " " + args); }
  std::string dump_flows() { return run(env_ + "ovs-ofctl -O OpenFlow10 dump-flows br0"); }
  std::string msg(const std::string& args, int* rc) {
    return run(msg_ + " --timeout=5 --connect=tcp:127.0.0.1:" + std::to_string(msg_port_) + " " + args, rc);
  }

  std::string ofctl_, msg_, dir_, env_, db_;
  uint16_t of_port_ = 0, msg_port_ = 0;
  pid_t ctl_pid_ = -1;
  bool ovsdb_started_ = false, vswitchd_started_ = false;
};

TEST_F(OvsMessenger, FlowAddedWithOfctlMsgAppearsInOvsOfctlDumpFlows) {
  std::string cmd =
      "add-br br0 -- set bridge br0 datapath_type=netdev protocols=OpenFlow10 fail_mode=secure "
      "other-config:datapath-id=00000000000000a1";
  for (int p = 1; p <= 2; ++p) {
    const std::string n = std::to_string(p);
    cmd += " -- add-port br0 p" + n + " -- set Interface p" + n + " type=dummy ofport_request=" + n;
  }
  std::string out = vsctl(cmd);
  ASSERT_EQ(vsctl("br-exists br0"), "") << out;
  vsctl("set-controller br0 tcp:127.0.0.1:" + std::to_string(of_port_));
  ASSERT_TRUE(wait_for([&] { return log().find("switch 00000000000000a1 up") != std::string::npos; }))
      << "the bridge never connected to ofctl-run";

  int rc = -1;
  out = msg("of.list_switches", &rc);
  ASSERT_EQ(rc, 0) << out;
  const json list = json::parse(out);
  ASSERT_EQ(list["switches"].size(), 1u) << out;
  EXPECT_EQ(list["switches"][0]["dpid"], "00000000000000a1");
  std::vector<std::string> ports;
  for (const auto& p : list["switches"][0]["ports"]) ports.push_back(p["name"].get<std::string>());
  std::sort(ports.begin(), ports.end());
  EXPECT_EQ(ports, (std::vector<std::string>{"br0", "p1", "p2"})) << out;

  out = msg("of.add_flow 'dpid=00000000000000a1 priority=10,in_port=1,actions=output:2'", &rc);
  ASSERT_EQ(rc, 0) << out;
  // The reply came after a barrier, so the flow is already in the table.
  std::string flows = dump_flows();
  EXPECT_NE(flows.find("priority=10,in_port=1 actions=output:2"), std::string::npos) << flows;

  out = msg("of.add_flow dpid=0xa1 priority=20 tcp tp_dst=80 actions=drop", &rc);
  ASSERT_EQ(rc, 0) << out;
  flows = dump_flows();
  EXPECT_NE(flows.find("priority=20,tcp,tp_dst=80 actions=drop"), std::string::npos) << flows;

  out = msg("--text of.dump_flows dpid=0xa1", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_NE(out.find("priority=10,in_port=1 actions=output:2"), std::string::npos) << out;
  EXPECT_NE(out.find("priority=20,tcp,tp_dst=80 actions=drop"), std::string::npos) << out;

  out = msg("of.stats dpid=0xa1 type=aggregate", &rc);
  ASSERT_EQ(rc, 0) << out;
  EXPECT_EQ(json::parse(out)["body"]["flow_count"], 2) << out;

  out = msg("of.delete_flows dpid=0xa1 in_port=1", &rc);
  ASSERT_EQ(rc, 0) << out;
  flows = dump_flows();
  EXPECT_EQ(flows.find("in_port=1 actions=output:2"), std::string::npos) << flows;
  EXPECT_NE(flows.find("tp_dst=80"), std::string::npos) << flows;

  // A flow OVS refuses (OFPFMFC_OVERLAP) comes back as an error (exit 1), not a hang.
  out = msg("of.add_flow dpid=0xa1 priority=20,tcp,tp_src=1,check_overlap,actions=drop", &rc);
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("refused"), std::string::npos) << out;
}

}  // namespace
