// Three real Open vSwitch bridges in a loop under ofctl-run
// `discovery spanning_tree l2_learning` (the issue's integration test), and
// the same with l2_multi.
//
// One private ovsdb-server + ovs-vswitchd (userspace, --enable-dummy) in a
// temp dir; bridges s1..s3 (datapath_type=netdev, OpenFlow10, fail-mode
// secure, dpids a1..a3), each with a dummy host port 1 (h1..h3, recording
// what it transmits to a pcap) and patch ports 2 (to the next bridge) and 3
// (to the previous one): s1.2-s2.3, s2.2-s3.3, s3.2-s1.3. ofctl-run runs as
// a real process with two shards and a 0.5 s LLDP interval.
//
// Checks: the six directed links appear in ofctl-run's log and in
// `ofctl-msg discovery.links` (the messenger on a unix socket); the spanning
// tree (BFS from a1) leaves exactly s2.2 and s3.3 with NO_FLOOD; a
// broadcast injected on h1 reaches h2 and h3 exactly once and h1 never;
// the bridges' port counters grow by no more than LLDP can explain (no
// storm); a unicast h2 -> h1 reaches only h1, through flows on s2 and s1
// only (the direct cable). Under l2_learning the s1-s2 cable is then
// removed: the tree is recomputed, the s2-s3 cable opens, and a broadcast
// still reaches every host once. Everything started here is
// stopped and the temp dir removed, pass or fail.

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr double kInterval = 0.5;  // discovery --interval

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

struct Frame {
  std::string dst, src;
  uint16_t type = 0;
};

// The frames of a classic pcap file (Ethernet addresses and type).
std::vector<Frame> pcap_frames(const std::string& path) {
  std::vector<Frame> out;
  std::ifstream f(path, std::ios::binary);
  std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  size_t off = 24;
  auto mac = [&](size_t at) {
    char s[18];
    std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", b[at], b[at + 1], b[at + 2], b[at + 3],
                  b[at + 4], b[at + 5]);
    return std::string(s);
  };
  while (off + 16 <= b.size()) {
    const uint32_t caplen = b[off + 8] | b[off + 9] << 8 | b[off + 10] << 16 | uint32_t(b[off + 11]) << 24;
    off += 16;
    if (off + caplen > b.size() || caplen < 14) break;
    out.push_back({mac(off), mac(off + 6), static_cast<uint16_t>(b[off + 12] << 8 | b[off + 13])});
    off += caplen;
  }
  return out;
}

// Frames other than LLDP (discovery sends LLDP out of host ports too).
std::vector<Frame> data_frames(const std::string& path) {
  std::vector<Frame> out;
  for (auto& f : pcap_frames(path))
    if (f.type != 0x88cc) out.push_back(f);
  return out;
}

std::string frame_hex(const std::string& dst, const std::string& src) {
  return dst + src +
         "0800"
         "4500002e00000000401100000a0000010a000002"
         "03e807d0001a0000" +
         std::string(36, '0');
}

class OvsLoop : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have("/usr/sbin/ovs-vswitchd") || !have("/usr/sbin/ovsdb-server") || !have("/usr/bin/ovs-vsctl")) {
      GTEST_SKIP() << "Open vSwitch not installed (scripts/install-deps.sh)";
    }
    const char* build = std::getenv("OFKIT_BUILD_DIR");
    ofctl_ = std::string(build ? build : ".") + "/controller/ofctl-run";
    ofctl_msg_ = std::string(build ? build : ".") + "/controller/ofctl-msg";
    ASSERT_TRUE(have(ofctl_.c_str())) << ofctl_;
    char tmpl[] = "/tmp/ofctl-topo-XXXXXX";
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
  }

  // ofctl-run discovery spanning_tree <forwarding>, a real process.
  void start_controller(const std::string& forwarding) {
    port_ = free_port();
    ctl_pid_ = ::fork();
    ASSERT_GE(ctl_pid_, 0);
    if (ctl_pid_ == 0) {
      const std::string log = dir_ + "/ofctl-run.log";
      FILE* f = std::freopen(log.c_str(), "w", stderr);
      (void)f;
      const std::string listen = "--listen=ptcp:" + std::to_string(port_) + ":127.0.0.1";
      const std::string interval = "--interval=" + std::to_string(kInterval);
      const std::string msg_unix = "--unix=" + dir_ + "/msg.sock";
      ::execl(ofctl_.c_str(), ofctl_.c_str(), listen.c_str(), "--threads=2", "--stats-interval=0",
              "discovery", interval.c_str(), "--link-timeout=3", "spanning_tree", forwarding.c_str(),
              "messenger", "--tcp=off", msg_unix.c_str(), static_cast<char*>(nullptr));
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
      if (HasFailure()) std::fprintf(stderr, "ofctl-run log:\n%s\n", log().c_str());
      std::error_code ec;
      fs::remove_all(dir_, ec);
    }
  }

  void stop_daemon(const std::string& name) {
    std::ifstream pf(dir_ + "/" + name + ".pid");
    pid_t pid = 0;
    pf >> pid;
    run(env_ + "ovs-appctl -t " + name + " exit --cleanup");
    if (pid > 0) {
      for (int i = 0; i < 30 && ::kill(pid, 0) == 0; ++i) std::this_thread::sleep_for(100ms);
      if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
    }
  }

  std::string log() { return run("cat " + dir_ + "/ofctl-run.log"); }
  std::string vsctl(const std::string& args) { return run(env_ + "ovs-vsctl " + db_ + " " + args); }
  std::string ofctl(const std::string& args) { return run(env_ + "ovs-ofctl -O OpenFlow10 " + args); }
  void inject(const std::string& port, const std::string& hex) {
    int st = 0;
    const std::string out = run(env_ + "ovs-appctl netdev-dummy/receive " + port + " " + hex, &st);
    EXPECT_EQ(st, 0) << out;
  }
  std::string pcap(int host) { return dir_ + "/h" + std::to_string(host) + "-tx.pcap"; }
  template <typename P>
  bool wait_for(P pred, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(50ms);
    }
    return pred();
  }
  // "link up A.p -> B.q" lines of the log, as a set.
  std::set<std::string> links_up() {
    std::set<std::string> out;
    const std::string l = log();
    static const std::regex re("link up ([0-9a-f]{16}\\.[0-9]+ -> [0-9a-f]{16}\\.[0-9]+)");
    for (std::sregex_iterator it(l.begin(), l.end(), re), end; it != end; ++it) out.insert((*it)[1]);
    return out;
  }
  // "s2.2" for every port of every bridge whose config has NO_FLOOD.
  std::set<std::string> no_flood_ports() {
    std::set<std::string> out;
    static const std::regex port_re("^ ([0-9]+)\\(");
    for (int b = 1; b <= 3; ++b) {
      const std::string show = ofctl("show s" + std::to_string(b));
      std::string current;
      size_t pos = 0;
      while (pos < show.size()) {
        size_t nl = show.find('\n', pos);
        if (nl == std::string::npos) nl = show.size();
        const std::string line = show.substr(pos, nl - pos);
        std::smatch m;
        if (std::regex_search(line, m, port_re)) current = m[1];
        if (line.find("config:") != std::string::npos && line.find("NO_FLOOD") != std::string::npos)
          out.insert("s" + std::to_string(b) + "." + current);
        pos = nl + 1;
      }
    }
    return out;
  }
  // Sum of tx packets over every port of the three bridges.
  uint64_t total_tx() {
    uint64_t sum = 0;
    static const std::regex re("tx pkts=([0-9]+)");
    for (int b = 1; b <= 3; ++b) {
      const std::string s = ofctl("dump-ports s" + std::to_string(b));
      for (std::sregex_iterator it(s.begin(), s.end(), re), end; it != end; ++it)
        sum += std::stoull((*it)[1]);
    }
    return sum;
  }

  void loop_scenario(const std::string& forwarding);
  // "in_port=N ... actions=output:M" flows of a bridge (not discovery's LLDP flow).
  std::set<std::string> forwarding_flows(int bridge) {
    std::set<std::string> out;
    static const std::regex re("in_port=([0-9]+)[^ ]* actions=output:([0-9]+)");
    const std::string s = ofctl("dump-flows s" + std::to_string(bridge));
    for (std::sregex_iterator it(s.begin(), s.end(), re), end; it != end; ++it)
      out.insert(std::string((*it)[1]) + ">" + std::string((*it)[2]));
    return out;
  }

  std::string ofctl_, ofctl_msg_, dir_, env_, db_;
  uint16_t port_ = 0;
  pid_t ctl_pid_ = -1;
  bool ovsdb_started_ = false, vswitchd_started_ = false;
};

// The whole scenario under `discovery spanning_tree <forwarding>`.
void OvsLoop::loop_scenario(const std::string& forwarding) {
  start_controller(forwarding);
  ASSERT_GT(ctl_pid_, 0);
  std::string cmd;
  for (int i = 1; i <= 3; ++i) {
    const std::string s = std::to_string(i), next = std::to_string(i % 3 + 1),
                      prev = std::to_string((i + 1) % 3 + 1);
    cmd += " -- add-br s" + s + " -- set bridge s" + s +
           " datapath_type=netdev protocols=OpenFlow10 fail_mode=secure "
           "other-config:datapath-id=00000000000000a" +
           s;
    cmd += " -- add-port s" + s + " h" + s + " -- set Interface h" + s +
           " type=dummy ofport_request=1 options:tx_pcap=" + pcap(i);
    cmd += " -- add-port s" + s + " s" + s + "-to-s" + next + " -- set Interface s" + s + "-to-s" + next +
           " type=patch options:peer=s" + next + "-to-s" + s + " ofport_request=2";
    cmd += " -- add-port s" + s + " s" + s + "-to-s" + prev + " -- set Interface s" + s + "-to-s" + prev +
           " type=patch options:peer=s" + prev + "-to-s" + s + " ofport_request=3";
  }
  std::string out = vsctl(cmd.substr(4));
  for (int i = 1; i <= 3; ++i) ASSERT_EQ(vsctl("br-exists s" + std::to_string(i)), "") << out;
  for (int i = 1; i <= 3; ++i)
    vsctl("set-controller s" + std::to_string(i) + " tcp:127.0.0.1:" + std::to_string(port_));

  // 1. Discovery finds both directions of the three patch cables.
  const std::set<std::string> want_links = {
      "00000000000000a1.2 -> 00000000000000a2.3", "00000000000000a2.3 -> 00000000000000a1.2",
      "00000000000000a2.2 -> 00000000000000a3.3", "00000000000000a3.3 -> 00000000000000a2.2",
      "00000000000000a3.2 -> 00000000000000a1.3", "00000000000000a1.3 -> 00000000000000a3.2",
  };
  ASSERT_TRUE(wait_for([&] { return links_up() == want_links; }, 15s)) << log();
  // The same through the messenger: `ofctl-msg discovery.links`.
  if (have(ofctl_msg_.c_str())) {
    int st = 0;
    const std::string reply =
        run(ofctl_msg_ + " --connect=unix:" + dir_ + "/msg.sock --compact discovery.links", &st);
    EXPECT_EQ(st, 0) << reply;
    size_t n = 0;
    for (size_t p = reply.find("\"dpid1\""); p != std::string::npos; p = reply.find("\"dpid1\"", p + 1)) ++n;
    EXPECT_EQ(n, 6u) << reply;
    EXPECT_NE(
        reply.find("\"dpid1\":\"00000000000000a1\",\"dpid2\":\"00000000000000a2\",\"port1\":2,\"port2\":3"),
        std::string::npos)
        << reply;
  }

  // 2. The tree is a1-a2, a1-a3 (BFS from the lowest dpid): the a2-a3 cable
  // is blocked at both ends, every other port floods. Wait until every
  // switch's hold-down has ended and the PORT_MODs have landed.
  const std::set<std::string> want_blocked = {"s2.2", "s3.3"};
  ASSERT_TRUE(wait_for([&] { return no_flood_ports() == want_blocked; }, 10s))
      << ofctl("show s1") << ofctl("show s2") << ofctl("show s3");
  // The tree is stable: nothing is re-opened or closed in the next rounds.
  std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(kInterval * 2000)));
  ASSERT_EQ(no_flood_ports(), want_blocked);

  for (int h = 1; h <= 3; ++h) ASSERT_TRUE(data_frames(pcap(h)).empty()) << h;
  const uint64_t tx_before = total_tx();
  const auto t0 = std::chrono::steady_clock::now();

  // 3. Broadcast from h1: h2 and h3 get it exactly once, h1 never.
  const std::string a = "000000000001", b = "000000000002";
  inject("h1", frame_hex("ffffffffffff", a));
  ASSERT_TRUE(wait_for([&] { return data_frames(pcap(2)).size() >= 1 && data_frames(pcap(3)).size() >= 1; }));
  std::this_thread::sleep_for(1s);  // time for duplicates or a storm to show
  EXPECT_EQ(data_frames(pcap(1)).size(), 0u);
  EXPECT_EQ(data_frames(pcap(2)).size(), 1u);
  EXPECT_EQ(data_frames(pcap(3)).size(), 1u);
  EXPECT_EQ(data_frames(pcap(2))[0].dst, "ff:ff:ff:ff:ff:ff");

  // No storm: over the window the bridges transmitted only LLDP (3 ports x 3
  // bridges per round) plus the broadcast's handful of copies.
  const double window = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const uint64_t tx_after = total_tx();
  const uint64_t lldp_bound = static_cast<uint64_t>(9 * (window / kInterval + 2));
  EXPECT_LE(tx_after - tx_before, lldp_bound + 10) << "window " << window << " s";

  // 4. Unicast h2 -> h1 (a was learned from the broadcast): only h1 gets it.
  inject("h2", frame_hex(a, b));
  ASSERT_TRUE(wait_for([&] { return data_frames(pcap(1)).size() == 1; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(data_frames(pcap(1)).size(), 1u);
  EXPECT_EQ(data_frames(pcap(1))[0].dst, "00:00:00:00:00:01");
  EXPECT_EQ(data_frames(pcap(2)).size(), 1u);  // still only the broadcast
  EXPECT_EQ(data_frames(pcap(3)).size(), 1u);
}

TEST_F(OvsLoop, L2LearningFindsLinksBlocksTheLoopFloodsOnceForwardsUnicast) {
  loop_scenario("l2_learning");
  if (HasFatalFailure()) return;
  // l2_learning learned a on s2's port to s1 (the tree) and s1 on its host port.
  EXPECT_EQ(forwarding_flows(2), (std::set<std::string>{"1>3"})) << ofctl("dump-flows s2");

  // 5. The s1-s2 cable goes away (PORT_STATUS delete): its links go down,
  // the tree becomes s1-s3-s2, and the s2-s3 cable floods again.
  vsctl("del-port s1 s1-to-s2");
  ASSERT_TRUE(wait_for([&] { return no_flood_ports().empty(); }, 10s))
      << ofctl("show s2") << ofctl("show s3") << log();
  inject("h1", frame_hex("ffffffffffff", "000000000001"));
  ASSERT_TRUE(wait_for([&] { return data_frames(pcap(2)).size() >= 2 && data_frames(pcap(3)).size() >= 2; }));
  std::this_thread::sleep_for(500ms);
  EXPECT_EQ(data_frames(pcap(1)).size(), 1u);  // the unicast only
  EXPECT_EQ(data_frames(pcap(2)).size(), 2u);
  EXPECT_EQ(data_frames(pcap(3)).size(), 2u);
  EXPECT_NE(log().find("link down 00000000000000a1.2 -> 00000000000000a2.3"), std::string::npos) << log();
}

TEST_F(OvsLoop, L2MultiForwardsAlongTheShortestPath) {
  loop_scenario("l2_multi");
  if (HasFatalFailure()) return;
  // h2 -> h1: the direct cable s2.3 - s1.2, one flow per switch of the path.
  EXPECT_TRUE(wait_for([&] { return forwarding_flows(1) == std::set<std::string>{"2>1"}; }, 3s))
      << ofctl("dump-flows s1");
  EXPECT_EQ(forwarding_flows(2), (std::set<std::string>{"1>3"})) << ofctl("dump-flows s2");
  EXPECT_TRUE(forwarding_flows(3).empty()) << ofctl("dump-flows s3");
}

}  // namespace
