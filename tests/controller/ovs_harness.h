#pragma once
// A private Open vSwitch for controller integration tests: ovsdb-server and
// ovs-vswitchd (userspace, --enable-dummy=override) in a temp dir, a netdev
// bridge speaking OpenFlow10 with dummy ports that record what they
// transmit to pcap files, frames injected with `ovs-appctl
// netdev-dummy/receive`, and ofctl-run started as a child with the given
// apps. Everything started is stopped and the temp dir removed, pass or
// fail. Used by every suite that runs ofctl-run against OVS (controller,
// apps, topo, messenger); bridges other than the one-bridge br0 of
// add_bridge are built from the netdev_bridge/dummy_port/patch_port pieces.

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

namespace ofkit::ctl::testing {

class OvsHarness {
 public:
  static std::string run(const std::string& cmd, int* status = nullptr) {
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
  static bool have(const char* path) { return ::access(path, X_OK) == 0; }
  static bool available() {
    return have("/usr/sbin/ovs-vswitchd") && have("/usr/sbin/ovsdb-server") && have("/usr/bin/ovs-vsctl");
  }
  static uint16_t free_port() {
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
  // The frames of a classic pcap file.
  static std::vector<std::vector<uint8_t>> pcap_frames(const std::string& path) {
    std::vector<std::vector<uint8_t>> out;
    std::ifstream f(path, std::ios::binary);
    std::vector<uint8_t> b((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    size_t off = 24;
    while (off + 16 <= b.size()) {
      const uint32_t caplen = b[off + 8] | b[off + 9] << 8 | b[off + 10] << 16 | uint32_t(b[off + 11]) << 24;
      off += 16;
      if (off + caplen > b.size()) break;
      out.emplace_back(b.begin() + static_cast<long>(off), b.begin() + static_cast<long>(off + caplen));
      off += caplen;
    }
    return out;
  }
  // "aa:bb:cc:dd:ee:ff" for the six bytes of frame `b` at `at` (which the caller checked exist).
  static std::string mac(const std::vector<uint8_t>& b, size_t at) {
    char s[18];
    std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", b[at], b[at + 1], b[at + 2], b[at + 3],
                  b[at + 4], b[at + 5]);
    return s;
  }
  // An IPv4/UDP frame dst <- src (12 hex digits each; 10.0.0.1:1000 ->
  // 10.0.0.2:2000) as hex for netdev-dummy/receive.
  static std::string udp_frame_hex(const std::string& dst, const std::string& src) {
    return dst + src +
           "0800"
           "4500002e00000000401100000a0000010a000002"
           "03e807d0001a0000" +
           std::string(36, '0');
  }
  static size_t count(const std::string& s, const std::string& what) {
    size_t n = 0;
    for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
    return n;
  }
  template <typename P>
  static bool wait_for(P pred, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return pred();
  }

  ~OvsHarness() { stop(); }

  // Starts ovsdb-server and ovs-vswitchd in a new /tmp/<prefix>-XXXXXX.
  // ADD_FAILUREs and returns false on error.
  bool start_ovs(const std::string& prefix = "ofctl-ovs") {
    std::string tmpl = "/tmp/" + prefix + "-XXXXXX";
    if (!::mkdtemp(tmpl.data())) return fail("mkdtemp " + tmpl);
    dir_ = tmpl;
    env_ = "OVS_RUNDIR=" + dir_ + " OVS_DBDIR=" + dir_ + " OVS_LOGDIR=" + dir_ + " OVS_SYSCONFDIR=" + dir_ +
           " OVS_PKGDATADIR=/usr/share/openvswitch ";
    db_ = "--db=unix:" + dir_ + "/db.sock";
    int st = 0;
    std::string out =
        run(env_ + "ovsdb-tool create " + dir_ + "/conf.db /usr/share/openvswitch/vswitch.ovsschema", &st);
    if (st != 0) return fail(out);
    out = run(env_ + "ovsdb-server --detach --no-chdir --pidfile --log-file --remote=punix:" + dir_ +
                  "/db.sock " + dir_ + "/conf.db",
              &st);
    if (st != 0) return fail(out);
    ovsdb_started_ = true;
    out = run(env_ + "ovs-vsctl " + db_ + " --no-wait init", &st);
    if (st != 0) return fail(out);
    out = run(env_ +
                  "ovs-vswitchd --enable-dummy=override --disable-system --detach --no-chdir --pidfile "
                  "--log-file unix:" +
                  dir_ + "/db.sock",
              &st);
    if (st != 0) return fail(out);
    vswitchd_started_ = true;
    return true;
  }

  // Starts ofctl-run (from $OFKIT_BUILD_DIR) listening on a free loopback
  // port with these words after the global options, e.g. {"l2_learning"}.
  bool start_controller(const std::vector<std::string>& app_args) {
    const std::string ofctl_run = program("ofctl-run");
    if (!have(ofctl_run.c_str())) return fail("no " + ofctl_run);
    port_ = free_port();
    std::vector<std::string> words = {ofctl_run, "--listen=ptcp:" + std::to_string(port_) + ":127.0.0.1",
                                      "--threads=2", "--stats-interval=0"};
    words.insert(words.end(), app_args.begin(), app_args.end());
    ctl_pid_ = ::fork();
    if (ctl_pid_ < 0) return fail("fork");
    if (ctl_pid_ == 0) {
      const std::string log = dir_ + "/ofctl-run.log";
      FILE* f = std::freopen(log.c_str(), "w", stderr);
      (void)f;
      std::vector<char*> argv;
      for (auto& w : words) argv.push_back(w.data());
      argv.push_back(nullptr);
      ::execv(argv[0], argv.data());
      ::_exit(127);
    }
    return true;
  }

  // ovs-vsctl command pieces, joined into one transaction by the caller.
  // A netdev bridge `br` speaking OpenFlow10 only, fail_mode secure.
  static std::string netdev_bridge(const std::string& br, const std::string& dpid) {
    return "add-br " + br + " -- set bridge " + br +
           " datapath_type=netdev protocols=OpenFlow10 fail_mode=secure other-config:datapath-id=" + dpid;
  }
  // A dummy port `name` at `ofport`, recording what it transmits to `tx_pcap` if not empty.
  static std::string dummy_port(const std::string& br, const std::string& name, int ofport,
                                const std::string& tx_pcap = "") {
    std::string cmd = " -- add-port " + br + " " + name + " -- set Interface " + name +
                      " type=dummy ofport_request=" + std::to_string(ofport);
    if (!tx_pcap.empty()) cmd += " options:tx_pcap=" + tx_pcap;
    return cmd;
  }
  // A patch port `name` at `ofport` whose other end is the patch port `peer`.
  static std::string patch_port(const std::string& br, const std::string& name, const std::string& peer,
                                int ofport) {
    return " -- add-port " + br + " " + name + " -- set Interface " + name +
           " type=patch options:peer=" + peer + " ofport_request=" + std::to_string(ofport);
  }

  // br0 (datapath id `dpid`, 16 hex digits), OpenFlow10, fail_mode secure,
  // dummy ports p1..pN (ofport N) recording to pN-tx.pcap (unless
  // record_tx is false), connected to ofctl-run; true once ofctl-run logs
  // the switch up.
  bool add_bridge(const std::string& dpid, int n_ports, bool record_tx = true) {
    std::string cmd = netdev_bridge("br0", dpid);
    for (int p = 1; p <= n_ports; ++p) {
      const std::string n = std::to_string(p);
      cmd += dummy_port("br0", "p" + n, p, record_tx ? dir_ + "/p" + n + "-tx.pcap" : "");
    }
    const std::string out = vsctl(cmd);
    if (vsctl("br-exists br0") != "") return fail(out);
    set_controller("br0");
    if (!wait_for([&] { return controller_log().find("switch " + dpid + " up") != std::string::npos; }))
      return fail("the bridge never connected to ofctl-run");
    return true;
  }

  void stop() {
    if (ctl_pid_ > 0) {
      ::kill(ctl_pid_, SIGTERM);
      int st = 0;
      for (int i = 0; i < 50; ++i) {
        if (::waitpid(ctl_pid_, &st, WNOHANG) == ctl_pid_) {
          ctl_pid_ = -1;
          EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0) << "ofctl-run did not stop cleanly";
          break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
      if (ctl_pid_ > 0) {
        ::kill(ctl_pid_, SIGKILL);
        ::waitpid(ctl_pid_, &st, 0);
        ctl_pid_ = -1;
      }
    }
    if (vswitchd_started_) stop_daemon("ovs-vswitchd");
    if (ovsdb_started_) stop_daemon("ovsdb-server");
    vswitchd_started_ = ovsdb_started_ = false;
    if (!dir_.empty()) {
      if (::testing::Test::HasFailure())
        std::fprintf(stderr, "ofctl-run log:\n%s\n", controller_log().c_str());
      std::error_code ec;
      std::filesystem::remove_all(dir_, ec);
      dir_.clear();
    }
  }

  // Points bridge `br` at ofctl-run.
  void set_controller(const std::string& br) {
    vsctl("set-controller " + br + " tcp:127.0.0.1:" + std::to_string(port_));
  }
  std::string vsctl(const std::string& args) { return run(env_ + "ovs-vsctl " + db_ + " " + args); }
  std::string ofctl(const std::string& args) { return run(env_ + "ovs-ofctl -O OpenFlow10 " + args); }
  std::string dump_flows() { return ofctl("dump-flows br0"); }
  void inject(const std::string& port, const std::string& hex) {
    int st = 0;
    const std::string out = run(env_ + "ovs-appctl netdev-dummy/receive " + port + " " + hex, &st);
    EXPECT_EQ(st, 0) << out;
  }
  std::string controller_log() { return dir_.empty() ? "" : run("cat " + dir_ + "/ofctl-run.log"); }
  std::vector<std::vector<uint8_t>> tx(int port) {
    return pcap_frames(dir_ + "/p" + std::to_string(port) + "-tx.pcap");
  }
  const std::string& dir() const { return dir_; }
  uint16_t controller_port() const { return port_; }
  // $OFKIT_BUILD_DIR/controller/<name> (a program of the build).
  static std::string program(const std::string& name) {
    const char* build = std::getenv("OFKIT_BUILD_DIR");
    return std::string(build ? build : ".") + "/controller/" + name;
  }

 private:
  bool fail(const std::string& why) {
    ADD_FAILURE() << why;
    return false;
  }
  void stop_daemon(const std::string& name) {
    // Read the pidfile first: `exit --cleanup` removes it, and the pid is
    // the fallback if the daemon does not go.
    std::ifstream pf(dir_ + "/" + name + ".pid");
    pid_t pid = 0;
    pf >> pid;
    run(env_ + "ovs-appctl -t " + name + " exit --cleanup");
    if (pid > 0) {
      for (int i = 0; i < 30 && ::kill(pid, 0) == 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (::kill(pid, 0) == 0) ::kill(pid, SIGKILL);
    }
  }

  std::string dir_, env_, db_;
  uint16_t port_ = 0;
  pid_t ctl_pid_ = -1;
  bool ovsdb_started_ = false, vswitchd_started_ = false;
};

}  // namespace ofkit::ctl::testing
