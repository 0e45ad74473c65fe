// ofctl-run l2_learning against a real Open vSwitch (Debian's ovs-vswitchd
// in userspace with --enable-dummy): a private ovsdb-server + ovs-vswitchd
// in a temp dir, a netdev bridge speaking OpenFlow10 only with three dummy
// ports that record what they transmit to pcap files, frames injected with
// `ovs-appctl netdev-dummy/receive`. Checks the learned flows in
// `ovs-ofctl -O OpenFlow10 dump-flows` and the frames on each port.
// Everything started here is stopped and the temp dir removed, pass or fail.

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

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

// Destination MACs of the frames in a classic pcap file.
std::vector<std::string> pcap_dsts(const std::string& path) {
  std::vector<std::string> out;
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t off = 24;
  while (off + 16 <= b.size()) {
    const uint32_t caplen = b[off + 8] | b[off + 9] << 8 | b[off + 10] << 16 | uint32_t(b[off + 11]) << 24;
    off += 16;
    if (off + caplen > b.size() || caplen < 6) break;
    char mac[18];
    std::snprintf(mac, sizeof mac, "%02x:%02x:%02x:%02x:%02x:%02x", b[off], b[off + 1], b[off + 2],
                  b[off + 3], b[off + 4], b[off + 5]);
    out.push_back(mac);
    off += caplen;
  }
  return out;
}

// An IPv4/UDP frame dst <- src as hex for netdev-dummy/receive.
std::string frame_hex(const std::string& dst, const std::string& src) {
  return dst + src +
         "0800"
         "4500002e00000000401100000a0000010a000002"
         "03e807d0001a0000" +
         std::string(36, '0');
}

class OvsL2Learning : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("/usr/sbin/ovs-vswitchd") || !have("/usr/sbin/ovsdb-server") || !have("/usr/bin/ovs-vsctl")) {
      GTEST_SKIP() << "Open vSwitch not installed (scripts/install-deps.sh)";
    }
    const char* build = std::getenv("OFKIT_BUILD_DIR");
    ofctl_ = std::string(build ? build : ".") + "/controller/ofctl-run";
    ASSERT_TRUE(have(ofctl_.c_str())) << ofctl_;
    char tmpl[] = "/tmp/ofctl-ovs-XXXXXX";
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

    port_ = free_port();
    ctl_pid_ = ::fork();
    ASSERT_GE(ctl_pid_, 0);
    if (ctl_pid_ == 0) {
      const std::string log = dir_ + "/ofctl-run.log";
      FILE* f = std::freopen(log.c_str(), "w", stderr);
      (void)f;
      const std::string listen = "--listen=ptcp:" + std::to_string(port_) + ":127.0.0.1";
      ::execl(ofctl_.c_str(), ofctl_.c_str(), listen.c_str(), "--threads=2", "--stats-interval=0",
              "l2_learning", static_cast<char*>(nullptr));
      ::_exit(127);
    }
  }

  void TearDown() override {
    if (ctl_pid_ > 0) {
      ::kill(ctl_pid_, SIGTERM);
      int st = 0;
      for (int i = 0; i < 50; ++i) {
        if (::waitpid(ctl_pid_, &st, WNOHANG) == ctl_pid_) {
          ctl_pid_ = -1;
          EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "ofctl-run did not stop cleanly";
          break;
        }
        std::this_thread::sleep_for(100ms);
      }
      if (ctl_pid_ > 0) {
        ::kill(ctl_pid_, SIGKILL);
        ::waitpid(ctl_pid_, &st, 0);
      }
    }
    if (vswitchd_started_) stop_daemon("ovs-vswitchd");
    if (ovsdb_started_) stop_daemon("ovsdb-server");
    if (!dir_.empty()) {
      if (HasFailure())
        std::fprintf(stderr, "ofctl-run log:\n%s\n", run("cat " + dir_ + "/ofctl-run.log").c_str());
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  void stop_daemon(const std::string& name) {
    run(env_ + "ovs-appctl -t " + name + " exit --cleanup");
    // Fall back to the pidfile if it did not go.
    std::ifstream pf(dir_ + "/" + name + ".pid");
    pid_t pid = 0;
    if (pf >> pid && pid > 0) {
      for (int i = 0; i < 30 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(100ms);
      if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
    }
  }

  std::string vsctl(const std::string& args) { return run(env_ + "ovs-vsctl " + db_ + " " + args); }
  std::string dump_flows() { return run(env_ + "ovs-ofctl -O OpenFlow10 dump-flows br0"); }
  void inject(const std::string& port, const std::string& hex) {
    int st = 0;
    const std::string out = run(env_ + "ovs-appctl netdev-dummy/receive " + port + " " + hex, &st);
    EXPECT_EQ(st, 0) << out;
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
  static size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
  }

  std::string ofctl_, dir_, env_, db_;
  uint16_t port_ = 0;
  pid_t ctl_pid_ = -1;
  bool ovsdb_started_ = false, vswitchd_started_ = false;
};

TEST_F(OvsL2Learning, LearnsFlowsAndForwardsToTheRightPorts) {
  std::string cmd =
      "add-br br0 -- set bridge br0 datapath_type=netdev protocols=OpenFlow10 fail_mode=secure "
      "other-config:datapath-id=00000000000000a1";
  for (int p = 1; p <= 3; ++p) {
    const std::string n = std::to_string(p);
    cmd += " -- add-port br0 p" + n + " -- set Interface p" + n + " type=dummy ofport_request=" + n +
           " options:tx_pcap=" + dir_ + "/p" + n + "-tx.pcap";
  }
  std::string out = vsctl(cmd);
  ASSERT_EQ(vsctl("br-exists br0"), "") << out;
  vsctl("set-controller br0 tcp:127.0.0.1:" + std::to_string(port_));
  // ofctl-run logs each switch that completes the handshake (quicker than
  // waiting for OVS to refresh Controller.is_connected).
  ASSERT_TRUE(wait_for([&] {
    return run("cat " + dir_ + "/ofctl-run.log").find("switch 00000000000000a1 up") != std::string::npos;
  })) << "the bridge never connected to ofctl-run";

  const std::string a = "000000000001", b = "000000000002";
  // A (p1) -> B: B unknown, flooded to p2 and p3.
  inject("p1", frame_hex(b, a));
  ASSERT_TRUE(wait_for([&] { return pcap_dsts(dir_ + "/p3-tx.pcap").size() == 1; }));
  // B (p2) -> A: A learned on p1, flow in_port=2 -> output:1.
  inject("p2", frame_hex(a, b));
  ASSERT_TRUE(wait_for([&] { return count(dump_flows(), "actions=output:1") == 1; })) << dump_flows();
  // A (p1) -> B: B learned on p2, flow in_port=1 -> output:2.
  inject("p1", frame_hex(b, a));
  ASSERT_TRUE(wait_for([&] { return count(dump_flows(), "actions=output:2") == 1; })) << dump_flows();
  // Once the flows are in, the switch forwards A -> B by itself.
  inject("p1", frame_hex(b, a));
  ASSERT_TRUE(wait_for([&] { return pcap_dsts(dir_ + "/p2-tx.pcap").size() == 3; }));

  const std::string flows = dump_flows();
  EXPECT_EQ(count(flows, "idle_timeout=10"), 2u) << flows;
  EXPECT_EQ(count(flows, "hard_timeout=30"), 2u) << flows;
  EXPECT_NE(flows.find("in_port=2,vlan_tci=0x0000,dl_src=00:00:00:00:00:02,dl_dst=00:00:00:00:00:01"),
            std::string::npos)
      << flows;
  EXPECT_NE(flows.find("in_port=1,vlan_tci=0x0000,dl_src=00:00:00:00:00:01,dl_dst=00:00:00:00:00:02"),
            std::string::npos)
      << flows;
  EXPECT_NE(flows.find("udp"), std::string::npos) << flows;
  EXPECT_NE(flows.find("tp_src=1000,tp_dst=2000"), std::string::npos) << flows;

  // p1 got exactly the one frame for A; p2 every frame for B (flood,
  // PACKET_OUT after the flow, then the switch's own forwarding); p3 only the flood.
  EXPECT_EQ(pcap_dsts(dir_ + "/p1-tx.pcap"), (std::vector<std::string>{"00:00:00:00:00:01"}));
  EXPECT_EQ(pcap_dsts(dir_ + "/p2-tx.pcap"),
            (std::vector<std::string>{"00:00:00:00:00:02", "00:00:00:00:00:02", "00:00:00:00:00:02"}));
  EXPECT_EQ(pcap_dsts(dir_ + "/p3-tx.pcap"), (std::vector<std::string>{"00:00:00:00:00:02"}));
}

}  // namespace
