// ofctl_cbench: cbench-style throughput of PacketIn -> FLOW_MOD over TCP
// loopback, for ofctl-run and for ovs-testcontroller in the same run.
//
//   ofctl_cbench [--switches=16] [--macs=1000] [--seconds=5] [--threads=1]
//                [--ofctl=PATH] [--testcontroller=PATH] [--only=both|ofctl|ovs]
//
// Each target controller is started as its own process on a free loopback
// port. The emulator (one thread, epoll) connects N switches, completes the
// handshake, lets the controller learn every host MAC (one broadcast
// PacketIn per MAC, on port 1 + mac % 16), then keeps every switch's pipe
// full of PacketIns from host i to host i+1 (both known, different ports)
// with a bounded number unanswered per switch, and counts the FLOW_MODs
// that come back during the measured seconds (cbench's throughput mode).

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "ofkit_config.h"
#include "oflib/common/byte_order.h"
#include "oflib/wire/features.h"
#include "oflib/wire/message.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace std::chrono_literals;

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

int connect_to(uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in sin{};
  sin.sin_family = AF_INET;
  sin.sin_port = htons(port);
  sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

struct Switch {
  int fd = -1;
  uint64_t dpid = 0;
  bool ready = false;  // SET_CONFIG seen
  bool dead = false;   // closed by the controller
  std::vector<uint8_t> in;
  std::vector<uint8_t> out;
  size_t out_off = 0;
  std::vector<uint8_t> learn_msgs;  // one broadcast PacketIn per MAC
  std::vector<uint8_t> run_msgs;    // i -> i+1 PacketIns
  size_t msg_len = 0;
  size_t next_msg = 0;
  uint64_t sent = 0;
  uint64_t answered = 0;  // FLOW_MODs and PACKET_OUTs
  uint64_t flow_mods = 0;
};

std::vector<uint8_t> packet_in(uint16_t in_port, uint64_t src, uint64_t dst, uint32_t buffer_id) {
  ofkit::of::PacketIn pi;
  pi.buffer_id = buffer_id;
  pi.in_port = in_port;
  pi.data.assign(60, 0);
  for (int i = 0; i < 6; ++i) {
    pi.data[i] = static_cast<uint8_t>(dst >> (40 - 8 * i));
    pi.data[6 + i] = static_cast<uint8_t>(src >> (40 - 8 * i));
  }
  pi.data[12] = 0x08;  // IPv4/UDP 10.0.0.1 -> 10.0.0.2
  uint8_t* ip = pi.data.data() + 14;
  ip[0] = 0x45, ip[3] = 46, ip[8] = 64, ip[9] = 17, ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
  pi.total_len = 60;
  return ofkit::of::encode_message(pi, 0);
}

void queue(Switch& s, const std::vector<uint8_t>& bytes) {
  s.out.insert(s.out.end(), bytes.begin(), bytes.end());
}

bool flush(Switch& s) {
  while (s.out_off < s.out.size()) {
    const ssize_t n = ::send(s.fd, s.out.data() + s.out_off, s.out.size() - s.out_off, MSG_NOSIGNAL);
    if (n < 0) return errno == EAGAIN;
    s.out_off += static_cast<size_t>(n);
  }
  s.out.clear();
  s.out_off = 0;
  return true;
}

void handle(Switch& s, const uint8_t* m, size_t len) {
  using ofkit::of::MsgType;
  const auto type = static_cast<MsgType>(m[1]);
  const uint32_t xid = ofkit::load_be32(m + 4);
  switch (type) {
    case MsgType::kFeaturesRequest: {
      ofkit::of::FeaturesReply fr;
      fr.datapath_id = s.dpid;
      fr.n_buffers = 65536;
      fr.n_tables = 1;
      fr.actions = 0xfff;
      for (uint16_t p = 1; p <= 16; ++p) {
        ofkit::of::PhyPort pp;
        pp.port_no = p;
        pp.hw_addr = ofkit::MacAddr::from_u64((s.dpid << 16) | p);
        pp.name = "p" + std::to_string(p);
        fr.ports.push_back(pp);
      }
      queue(s, ofkit::of::encode_message(fr, xid));
      break;
    }
    case MsgType::kGetConfigRequest:
      queue(s, ofkit::of::encode_message(ofkit::of::GetConfigReply{}, xid));
      break;
    case MsgType::kSetConfig:
      s.ready = true;
      break;
    case MsgType::kEchoRequest: {
      std::vector<uint8_t> r(m, m + len);
      r[1] = static_cast<uint8_t>(MsgType::kEchoReply);
      queue(s, r);
      break;
    }
    case MsgType::kBarrierRequest:
      queue(s, ofkit::of::encode_message(ofkit::of::BarrierReply{}, xid));
      break;
    case MsgType::kFlowMod:
      ++s.flow_mods;
      ++s.answered;
      break;
    case MsgType::kPacketOut:
      ++s.answered;
      break;
    default:
      break;
  }
}

bool read_some(Switch& s) {
  uint8_t buf[256 * 1024];
  const ssize_t n = ::recv(s.fd, buf, sizeof buf, 0);
  if (n == 0) return false;
  if (n < 0) return errno == EAGAIN;
  s.in.insert(s.in.end(), buf, buf + n);
  size_t off = 0;
  while (s.in.size() - off >= 8) {
    const uint16_t len = ofkit::load_be16(s.in.data() + off + 2);
    if (len < 8) return false;
    if (s.in.size() - off < len) break;
    handle(s, s.in.data() + off, len);
    off += len;
  }
  s.in.erase(s.in.begin(), s.in.begin() + static_cast<std::ptrdiff_t>(off));
  return true;
}

struct Result {
  double responses_per_sec = 0;
  uint64_t flow_mods = 0;
  int switches = 0;  // that completed the handshake
  bool ok = false;
  std::string error;
};

Result emulate(uint16_t port, int n_switches, int n_macs, double seconds, size_t window) {
  Result r;
  std::vector<Switch> sw(static_cast<size_t>(n_switches));
  int ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (int i = 0; i < n_switches; ++i) {
    Switch& s = sw[static_cast<size_t>(i)];
    s.dpid = static_cast<uint64_t>(i + 1);
    auto mac = [&](int j) { return (static_cast<uint64_t>(i + 1) << 24) | static_cast<uint64_t>(j); };
    for (int j = 0; j < n_macs; ++j) {
      auto l = packet_in(static_cast<uint16_t>(1 + j % 16), mac(j), 0xffffffffffffULL, ofkit::of::kNoBuffer);
      s.learn_msgs.insert(s.learn_msgs.end(), l.begin(), l.end());
      auto m = packet_in(static_cast<uint16_t>(1 + j % 16), mac(j), mac((j + 1) % n_macs),
                         static_cast<uint32_t>(j));
      s.msg_len = m.size();
      s.run_msgs.insert(s.run_msgs.end(), m.begin(), m.end());
    }
  }
  // Returns false when a switch was closed by the controller this round.
  auto pump = [&](int timeout_ms) -> bool {
    bool ok = true;
    auto kill = [&](Switch& s) {
      ::epoll_ctl(ep, EPOLL_CTL_DEL, s.fd, nullptr);
      s.dead = true;
      ok = false;
    };
    for (Switch& s : sw)
      if (s.fd >= 0 && !s.dead && !flush(s)) kill(s);
    epoll_event evs[64];
    const int n = ::epoll_wait(ep, evs, 64, timeout_ms);
    for (int k = 0; k < n; ++k) {
      Switch& s = sw[evs[k].data.u32];
      if (!s.dead && !read_some(s)) kill(s);
    }
    return ok;
  };
  // Handshake, one switch at a time (ovs-testcontroller drops switches
  // that wait too long behind a burst of simultaneous handshakes).
  for (size_t i = 0; i < sw.size(); ++i) {
    Switch& s = sw[i];
    for (int attempt = 0; attempt < 100 && s.fd < 0; ++attempt) {
      s.fd = connect_to(port);
      if (s.fd < 0) std::this_thread::sleep_for(50ms);
    }
    if (s.fd < 0) {
      r.error = "cannot connect to the controller";
      return r;
    }
    queue(s, ofkit::of::encode_message(ofkit::of::Hello{}, 1));
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, s.fd, &ev);
    const auto hs_deadline = Clock::now() + 5s;
    while (!s.ready && !s.dead && Clock::now() < hs_deadline) pump(10);
  }
  for (int i = 0; i < 10; ++i) pump(10);
  // Go on with the switches the controller accepted (ovs-testcontroller
  // serves at most 16 and is slow to take a burst of connections).
  std::vector<Switch> ready;
  for (Switch& s : sw) {
    if (s.ready && !s.dead) {
      ready.push_back(std::move(s));
    } else if (s.fd >= 0) {
      ::close(s.fd);
    }
  }
  if (ready.empty()) {
    r.error = "no switch completed the handshake";
    return r;
  }
  r.switches = static_cast<int>(ready.size());
  sw = std::move(ready);
  ::close(ep);
  ep = ::epoll_create1(EPOLL_CLOEXEC);
  for (size_t i = 0; i < sw.size(); ++i) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u32 = static_cast<uint32_t>(i);
    ::epoll_ctl(ep, EPOLL_CTL_ADD, sw[i].fd, &ev);
  }
  // Learning phase: every MAC once, wait until (almost) all answered.
  for (Switch& s : sw) queue(s, s.learn_msgs);
  const auto learn_deadline = Clock::now() + 10s;
  while (Clock::now() < learn_deadline) {
    pump(10);
    uint64_t got = 0;
    for (Switch& s : sw) got += s.answered;
    if (got >= sw.size() * static_cast<uint64_t>(n_macs)) break;
  }
  for (Switch& s : sw) s.answered = s.flow_mods = 0;
  // Measurement.
  auto top_up = [&](Switch& s) {
    while (s.sent - s.answered < window && s.out.size() < 1024 * 1024) {
      const size_t off = s.next_msg * s.msg_len;
      s.out.insert(s.out.end(), s.run_msgs.begin() + static_cast<std::ptrdiff_t>(off),
                   s.run_msgs.begin() + static_cast<std::ptrdiff_t>(off + s.msg_len));
      s.next_msg = (s.next_msg + 1) % static_cast<size_t>(n_macs);
      ++s.sent;
    }
  };
  const auto warm_end = Clock::now() + 1s;
  const auto t_end =
      warm_end + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(seconds));
  uint64_t base = 0;
  bool warm = true;
  while (Clock::now() < t_end) {
    for (Switch& s : sw)
      if (!s.dead) top_up(s);
    if (!pump(1)) r.error = "the controller closed a switch connection during the run";
    if (warm && Clock::now() >= warm_end) {
      warm = false;
      for (Switch& s : sw) base += s.flow_mods;
    }
  }
  uint64_t total = 0;
  for (Switch& s : sw) total += s.flow_mods;
  r.flow_mods = total - base;
  r.responses_per_sec = static_cast<double>(r.flow_mods) / seconds;
  r.ok = r.error.empty();
  for (Switch& s : sw) ::close(s.fd);  // dead ones too: we never closed them
  ::close(ep);
  return r;
}

pid_t spawn(const std::vector<std::string>& argv, const std::string& rundir = {}) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (!rundir.empty()) ::setenv("OVS_RUNDIR", rundir.c_str(), 1);  // its control socket
    std::FILE* devnull = std::freopen("/dev/null", "w", stderr);
    (void)devnull;
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  return pid;
}

void reap(pid_t pid) {
  if (pid <= 0) return;
  ::kill(pid, SIGTERM);
  int st;
  for (int i = 0; i < 50; ++i) {
    if (::waitpid(pid, &st, WNOHANG) == pid) return;
    std::this_thread::sleep_for(50ms);
  }
  ::kill(pid, SIGKILL);
  ::waitpid(pid, &st, 0);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app("ofctl_cbench: PacketIn -> FLOW_MOD throughput over TCP loopback (cbench throughput mode)");
  int switches = 16, macs = 1000, threads = 1;
  double seconds = 5;
  size_t window = 1000;
  std::string ofctl = std::string(OFKIT_BUILD_DIR) + "/controller/ofctl-run";
  std::string testcontroller = "/usr/bin/ovs-testcontroller";
  std::string only = "both";
  app.add_option("--switches", switches, "Emulated switches")->check(CLI::Range(1, 1024));
  app.add_option("--macs", macs, "Hosts (MACs) per switch")->check(CLI::Range(2, 100000));
  app.add_option("--seconds", seconds, "Measured seconds per controller")->check(CLI::PositiveNumber);
  app.add_option("--window", window, "Unanswered PacketIns allowed per switch");
  app.add_option("--threads", threads, "ofctl-run --threads")->check(CLI::Range(1, 64));
  app.add_option("--ofctl", ofctl, "Path of ofctl-run");
  app.add_option("--testcontroller", testcontroller, "Path of ovs-testcontroller");
  app.add_option("--only", only, "both, ofctl or ovs")->check(CLI::IsMember({"both", "ofctl", "ovs"}));
  CLI11_PARSE(app, argc, argv);
  ::signal(SIGPIPE, SIG_IGN);

  std::printf("cbench throughput: %d switches x %d MACs, %.1f s measured (after 1 s warm-up), window %zu\n",
              switches, macs, seconds, window);
  double ours = 0, theirs = 0;
  if (only != "ovs") {
    const uint16_t port = free_port();
    const pid_t pid = spawn({ofctl, "--listen=ptcp:" + std::to_string(port) + ":127.0.0.1",
                             "--threads=" + std::to_string(threads), "--packet-in-rate=0",
                             "--stats-interval=0", "--log-level=warn", "l2_learning"});
    const Result r = emulate(port, switches, macs, seconds, window);
    reap(pid);
    if (!r.ok) std::printf("ofctl-run: %s\n", r.error.c_str());
    ours = r.responses_per_sec;
    std::printf("ofctl-run l2_learning (--threads=%d): %12.0f responses/s (%lu FLOW_MODs, %d switches)\n",
                threads, ours, static_cast<unsigned long>(r.flow_mods), r.switches);
  }
  if (only != "ofctl") {
    if (::access(testcontroller.c_str(), X_OK) != 0) {
      std::printf("ovs-testcontroller: not installed (%s)\n", testcontroller.c_str());
    } else {
      const uint16_t port = free_port();
      char rundir[] = "/tmp/ofctl-cbench-XXXXXX";
      if (!::mkdtemp(rundir)) return 1;
      const pid_t pid = spawn({testcontroller, "ptcp:" + std::to_string(port) + ":127.0.0.1"}, rundir);
      const Result r = emulate(port, switches, macs, seconds, window);
      reap(pid);
      std::filesystem::remove_all(rundir);
      if (!r.ok) std::printf("ovs-testcontroller: %s\n", r.error.c_str());
      theirs = r.responses_per_sec;
      std::printf("ovs-testcontroller:                 %12.0f responses/s (%lu FLOW_MODs, %d switches)\n",
                  theirs, static_cast<unsigned long>(r.flow_mods), r.switches);
    }
  }
  if (ours > 0 && theirs > 0) std::printf("ratio ofctl-run / ovs-testcontroller: %.1fx\n", ours / theirs);
  return 0;
}
