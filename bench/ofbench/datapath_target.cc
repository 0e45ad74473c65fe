// ofbench --target=datapath: flow setup rate and first-packet latency of
// ofdp + a controller, measured from the wire.
//
// Why veth pairs and a live ofdp: the figure should be what a user of
// `ofdp --port=pcap:IFACE --controller=...` gets, so ofdp and the controller
// run as their own processes, unchanged, and the traffic enters and leaves
// through real interfaces. ofbench makes a private network namespace (its
// own, so nothing leaks onto the host and the kernel removes everything when
// the run ends), P veth pairs ofbNa<->ofbNb, gives the "a" ends to ofdp as
// pcap ports and keeps the "b" ends as AF_PACKET sockets. (DPDK net_ring
// vdevs live inside one process, so they cannot carry traffic between
// ofbench and a separate ofdp; a pre-built trace file cannot pace the offer
// phase on the learn phase's completion nor time each packet's exit.)
//
// The run (see dp_plan.h for the traffic):
//   1. start the controller (ofctl-run l2_learning over TCP, or ofdp's
//      in-process --controller=local), then ofdp; wait for the handshake;
//   2. learn: one broadcast frame per host, window 64, each considered
//      learnt when its flood emerges on any other port;
//   3. offer: the first packet of K new flows, at most --window of them
//      outstanding (sent, not yet emerged); a flow is set up when its packet
//      emerges from ofdp (on any port: the cross-check is ofdp's own
//      FLOW_MOD count, read through its control socket before and after).
//      Unanswered after --answer-timeout it counts as lost.
// Flow setups/s = flows emerged / (last emergence - first send). Latency of
// each flow = the kernel's RX timestamp of its first packet on the output
// veth (SO_TIMESTAMPNS) minus the CLOCK_REALTIME stamp written into the
// frame just before send(): miss, PacketIn, controller, FLOW_MOD, buffered
// packet out, as a host would see it.

#include "bench/ofbench/datapath_target.h"

#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <ostream>
#include <sstream>
#include <thread>

#include <fmt/format.h>

#include "bench/ofbench/dp_plan.h"
#include "bench/ofbench/lab.h"
#include "bench/ofbench/report.h"
#include "bench/ofbench/stats.h"

namespace ofkit::bench {

namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

uint64_t realtime_ns() {
  timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

uint64_t mono_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
}

double cpu_seconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return double(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         double(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

// An AF_PACKET socket on one veth end: sends our frames, receives what ofdp
// transmits (never our own: PACKET_IGNORE_OUTGOING), with kernel timestamps.
int open_wire(const std::string& ifname, std::string* error) {
  const int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, htons(ETH_P_ALL));
  if (fd < 0) {
    *error = "AF_PACKET socket: " + std::string(std::strerror(errno));
    return -1;
  }
  sockaddr_ll sll{};
  sll.sll_family = AF_PACKET;
  sll.sll_protocol = htons(ETH_P_ALL);
  sll.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
  int one = 1, big = 8 << 20;
  setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one);
  setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPNS, &one, sizeof one);
  setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof big);
  setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &big, sizeof big);
  if (sll.sll_ifindex == 0 || bind(fd, reinterpret_cast<sockaddr*>(&sll), sizeof sll) != 0) {
    *error = "bind AF_PACKET to " + ifname + ": " + std::strerror(errno);
    close(fd);
    return -1;
  }
  return fd;
}

enum : uint8_t { kIdle = 0, kSent = 1, kEmerged = 2, kLost = 3 };

// One phase's books. state is shared (sender: Idle->Sent, Sent->Lost;
// receiver: Sent->Emerged, both by compare-exchange); everything else has a
// single writer.
struct Phase {
  Phase(DpPhase p, size_t n) : phase(p), state(n) {}
  DpPhase phase;
  std::vector<std::atomic<uint8_t>> state;
  std::atomic<uint64_t> emerged{0};          // receiver
  std::atomic<uint64_t> last_emerged_ns{0};  // receiver (CLOCK_REALTIME)
  LatencyHistogram latency;                  // receiver; read after join
  uint64_t offered = 0, lost = 0;            // sender
  uint64_t first_sent_ns = 0;                // sender
  uint64_t foreign = 0;                      // receiver: frames not ours or of another phase
};

class Receiver {
 public:
  Receiver(const std::vector<int>& fds, Phase* phase) : fds_(fds), phase_(phase) {
    thread_ = std::thread([this] { run(); });
  }
  ~Receiver() { stop(); }
  void stop() {
    stop_.store(true);
    if (thread_.joinable()) thread_.join();
  }

 private:
  void run() {
    const int ep = epoll_create1(EPOLL_CLOEXEC);
    for (size_t i = 0; i < fds_.size(); ++i) {
      epoll_event ev{};
      ev.events = EPOLLIN;
      ev.data.u32 = static_cast<uint32_t>(i);
      epoll_ctl(ep, EPOLL_CTL_ADD, fds_[i], &ev);
    }
    constexpr int kBatch = 64;
    std::vector<std::array<uint8_t, 2048>> bufs(kBatch);
    std::vector<std::array<uint8_t, 64>> ctrl(kBatch);
    std::vector<iovec> iov(kBatch);
    std::vector<mmsghdr> msgs(kBatch);
    epoll_event evs[64];
    while (!stop_.load(std::memory_order_relaxed)) {
      const int n = epoll_wait(ep, evs, 64, 5);
      for (int e = 0; e < n; ++e) {
        const int fd = fds_[evs[e].data.u32];
        for (;;) {
          for (int i = 0; i < kBatch; ++i) {
            iov[i] = {bufs[i].data(), bufs[i].size()};
            msgs[i].msg_hdr = {};
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
            msgs[i].msg_hdr.msg_control = ctrl[i].data();
            msgs[i].msg_hdr.msg_controllen = ctrl[i].size();
          }
          const int got = recvmmsg(fd, msgs.data(), kBatch, MSG_DONTWAIT, nullptr);
          if (got <= 0) break;
          for (int i = 0; i < got; ++i) take(bufs[i].data(), msgs[i].msg_len, msgs[i].msg_hdr);
          if (got < kBatch) break;
        }
      }
    }
    close(ep);
  }

  void take(const uint8_t* data, size_t len, const msghdr& mh) {
    uint64_t rx_ns = 0;
    for (cmsghdr* c = CMSG_FIRSTHDR(&mh); c; c = CMSG_NXTHDR(const_cast<msghdr*>(&mh), c)) {
      if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
        timespec ts;
        std::memcpy(&ts, CMSG_DATA(c), sizeof ts);
        rx_ns = uint64_t(ts.tv_sec) * 1'000'000'000ull + uint64_t(ts.tv_nsec);
      }
    }
    if (rx_ns == 0) rx_ns = realtime_ns();
    const auto tag = parse_dp_tag({data, len});
    Phase& p = *phase_;
    if (!tag || tag->phase != p.phase || tag->id >= p.state.size()) {
      ++p.foreign;
      return;
    }
    uint8_t expected = kSent;
    if (!p.state[tag->id].compare_exchange_strong(expected, kEmerged)) return;  // a copy, or already lost
    p.latency.record(rx_ns > tag->sent_ns ? rx_ns - tag->sent_ns : 0);
    p.last_emerged_ns.store(std::max(p.last_emerged_ns.load(std::memory_order_relaxed), rx_ns),
                            std::memory_order_relaxed);
    p.emerged.store(p.emerged.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  }

  std::vector<int> fds_;
  Phase* phase_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

// Offers phase.state.size() frames, frame i from src_of(i) to dst_of(i),
// keeping at most `window` outstanding; returns when every frame emerged or
// timed out (or the deadline passed).
template <typename SrcOf, typename DstOf>
void offer(Phase& phase, const std::vector<int>& fds, uint16_t ports, size_t window, uint64_t timeout_ns,
           uint64_t deadline_mono_ns, SrcOf src_of, DstOf dst_of) {
  const size_t n = phase.state.size();
  std::vector<uint64_t> sent_at(n, 0);
  Receiver rx(fds, &phase);
  uint8_t frame[kDpFrameLen];
  size_t sent = 0, oldest = 0;
  phase.first_sent_ns = realtime_ns();
  while (mono_ns() < deadline_mono_ns) {
    const uint64_t now = realtime_ns();
    while (oldest < sent) {
      if (phase.state[oldest].load() != kSent) {
        ++oldest;
        continue;
      }
      if (now - sent_at[oldest] < timeout_ns) break;
      uint8_t expected = kSent;
      if (phase.state[oldest].compare_exchange_strong(expected, kLost)) ++phase.lost;
      ++oldest;
    }
    if (oldest == n) break;
    size_t burst = 0;
    while (sent < n && burst < 32 &&
           sent - phase.emerged.load(std::memory_order_acquire) - phase.lost < window) {
      const uint32_t src = src_of(sent);
      build_dp_frame(frame, src, dst_of(sent), phase.phase);
      const uint64_t t = realtime_ns();
      stamp_dp_frame(frame, static_cast<uint32_t>(sent), t);
      sent_at[sent] = t;
      phase.state[sent].store(kSent);
      if (send(fds[dp_host_port(src, ports)], frame, sizeof frame, 0) != static_cast<ssize_t>(sizeof frame)) {
        phase.state[sent].store(kIdle);  // socket full: try again after a pause
        break;
      }
      ++sent;
      ++burst;
    }
    // Sleep rather than spin: on a small machine every cycle here is one the
    // switch or the controller does not get.
    if (burst < 32) std::this_thread::sleep_for(50us);
  }
  phase.offered = sent;
  std::this_thread::sleep_for(20ms);  // late copies (floods) drain into this phase, not the next
  rx.stop();
}

// CPU seconds (user + system) a child has used so far, from /proc/PID/stat.
double process_cpu_seconds(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  const size_t close_paren = text.rfind(')');  // the command name may hold spaces
  if (pid <= 0 || close_paren == std::string::npos) return 0;
  std::istringstream in(text.substr(close_paren + 2));
  std::string field;
  unsigned long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {  // fields 14 and 15: utime, stime
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return double(utime + stime) / double(sysconf(_SC_CLK_TCK));
}

struct Stack {
  ChildProcess controller, ofdp;
};

bool ctl_stats(const std::string& ofdp, const std::string& sock, OfdpStats* out, std::string* text) {
  // `ofdp --ctl=PATH stats` exactly as a user would run it; output through a file.
  const std::string tmp = sock + ".stats";
  ChildProcess p;
  std::string error;
  if (!p.start({ofdp, "--ctl=" + sock, "stats"}, tmp, &error)) return false;
  p.wait(10000);
  std::ifstream f(tmp);
  std::stringstream ss;
  ss << f.rdbuf();
  if (text) *text = ss.str();
  *out = parse_ofdp_stats(ss.str());
  return ss.str().find("flows=") != std::string::npos;
}

bool wait_tcp_listening(uint16_t port, int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (std::chrono::steady_clock::now() < deadline) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
    close(fd);
    if (ok) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

json phase_json(const Phase& p, bool cdf) {
  json j{{"offered", p.offered}, {"emerged", p.emerged.load()}, {"lost", p.lost}};
  const uint64_t last = p.last_emerged_ns.load();
  const double secs = last > p.first_sent_ns ? double(last - p.first_sent_ns) / 1e9 : 0.0;
  j["seconds"] = secs;
  j["per_s"] = secs > 0 ? double(p.emerged.load()) / secs : 0.0;
  j["latency"] = latency_json(p.latency, cdf);
  return j;
}

}  // namespace

bool run_datapath_benchmark(const Options& o, std::ostream& progress, nlohmann::json* result) {
  json& r = *result;
  r = {{"tool", "ofbench"},
       {"target", "datapath"},
       {"ok", false},
       {"controller", o.datapath_controller},
       {"flows", o.flows},
       {"ports", o.ports},
       {"window", o.window},
       {"machine", machine_facts()},
       {"command_line", o.command_line}};
  auto fail = [&](const std::string& why) {
    progress << "ofbench: " << why << "\n";
    r["error"] = why;
    return false;
  };
  const uint16_t ports = std::max<uint16_t>(o.ports, 2);
  const std::string ofdp = o.ofdp.empty() ? find_program("ofdp", "datapath/ofdp") : o.ofdp;
  if (ofdp.empty()) return fail("cannot find ofdp (give --ofdp=PATH)");
  const bool tcp = o.datapath_controller == "tcp";
  const std::string ofctl =
      o.ofctl_run.empty() ? find_program("ofctl-run", "controller/ofctl-run") : o.ofctl_run;
  if (tcp && ofctl.empty()) return fail("cannot find ofctl-run (give --ofctl-run=PATH)");

  std::string error;
  if (!enter_private_netns(&error)) return fail(error);
  if (!create_veth_pairs("ofb", ports, &error)) return fail("veth pairs: " + error);
  char dir_template[] = "/tmp/ofbench-dp-XXXXXX";
  if (!mkdtemp(dir_template)) return fail("cannot create a temporary directory");
  const std::string dir = dir_template;
  r["log_dir"] = dir;
  std::vector<int> fds;
  struct Closer {
    std::vector<int>* fds;
    ~Closer() {
      for (int fd : *fds) close(fd);
    }
  } closer{&fds};
  for (uint16_t p = 0; p < ports; ++p) {
    const int fd = open_wire("ofb" + std::to_string(p) + "b", &error);
    if (fd < 0) return fail(error);
    fds.push_back(fd);
  }

  Stack s;
  constexpr uint16_t kControllerPort = 6653;  // our own namespace: always free
  std::vector<std::string> ofdp_argv{ofdp};
  for (uint16_t p = 0; p < ports; ++p) ofdp_argv.push_back("--port=pcap:ofb" + std::to_string(p) + "a");
  ofdp_argv.insert(ofdp_argv.end(), {"--workers=1", "--control-socket=" + dir + "/ofdp.ctl", "--log=warn"});
  if (tcp) {
    // --packet-in-rate=0: no per-switch PacketIn meter in the controller (its default is 100k/s).
    const std::vector<std::string> ctl_argv{ofctl, fmt::format("--listen=ptcp:{}:127.0.0.1", kControllerPort),
                                            "--packet-in-rate=0", "--log-level=warn", "l2_learning"};
    r["controller_command"] = join_argv(ctl_argv);
    if (!s.controller.start(ctl_argv, dir + "/controller.log", &error)) return fail(error);
    if (!wait_tcp_listening(kControllerPort, 10000)) return fail("ofctl-run did not listen; see " + dir);
    ofdp_argv.push_back(fmt::format("--controller=tcp:127.0.0.1:{}", kControllerPort));
  } else {
    ofdp_argv.insert(ofdp_argv.end(),
                     {"--controller=local", "--app=--packet-in-rate=0", "--app=l2_learning"});
  }
  ofdp_argv.insert(ofdp_argv.end(), o.ofdp_args.begin(), o.ofdp_args.end());
  r["ofdp_command"] = join_argv(ofdp_argv);
  if (!s.ofdp.start(ofdp_argv, dir + "/ofdp.log", &error)) return fail(error);
  const std::string sock = dir + "/ofdp.ctl";
  OfdpStats st;
  bool up = false;
  for (int i = 0; i < 500 && !up; ++i) {
    std::this_thread::sleep_for(20ms);
    if (!s.ofdp.alive()) return fail("ofdp exited at start-up; see " + dir + "/ofdp.log");
    up = std::filesystem::exists(sock) && ctl_stats(ofdp, sock, &st, nullptr) &&
         (!tcp || st.controller_connects > 0);
  }
  if (!up) return fail("ofdp did not come up with its controller; see " + dir);
  std::this_thread::sleep_for(300ms);  // FEATURES, SET_CONFIG and the controller's start-up after the connect

  const FlowPlan plan = make_flow_plan(o.flows, ports);
  r["hosts"] = plan.hosts;
  r["ports"] = ports;
  progress << fmt::format("ofbench: datapath target: ofdp + {} over {} veth pairs; {} hosts, {} new flows\n",
                          tcp ? "ofctl-run l2_learning (tcp)" : "in-process l2_learning (--controller=local)",
                          ports, plan.hosts, plan.pairs.size());
  const uint64_t timeout_ns = uint64_t{o.answer_timeout_ms} * 1'000'000;
  const double cpu0 = cpu_seconds();

  Phase learn(DpPhase::kLearn, plan.hosts);
  offer(
      learn, fds, ports, 64, timeout_ns, mono_ns() + 60'000'000'000ull,
      [](size_t i) { return static_cast<uint32_t>(i); }, [](size_t) { return UINT32_MAX; });
  progress << fmt::format("ofbench: learn: {} hosts, {} learnt, {} lost\n", learn.offered,
                          learn.emerged.load(), learn.lost);
  std::this_thread::sleep_for(200ms);

  OfdpStats before, after;
  std::string after_text;
  if (!ctl_stats(ofdp, sock, &before, nullptr)) return fail("ofdp --ctl stats failed");
  Phase flows(DpPhase::kOffer, plan.pairs.size());
  const double cpu1 = cpu_seconds();
  const double ofdp_cpu1 = process_cpu_seconds(s.ofdp.pid()),
               ctl_cpu1 = process_cpu_seconds(s.controller.pid());
  offer(
      flows, fds, ports, std::max<size_t>(o.window, 1), timeout_ns,
      mono_ns() + uint64_t{std::max<uint32_t>(o.ms_per_loop, 1000)} * 1'000'000 * 60,
      [&](size_t i) { return plan.pairs[i].src; }, [&](size_t i) { return plan.pairs[i].dst; });
  const double offer_cpu = cpu_seconds() - cpu1;
  const double ofdp_cpu = process_cpu_seconds(s.ofdp.pid()) - ofdp_cpu1;
  const double ctl_cpu = tcp ? process_cpu_seconds(s.controller.pid()) - ctl_cpu1 : 0.0;
  std::this_thread::sleep_for(100ms);
  if (!ctl_stats(ofdp, sock, &after, &after_text)) return fail("ofdp --ctl stats failed");
  const bool ofdp_alive = s.ofdp.alive(), controller_alive = !tcp || s.controller.alive();
  s.ofdp.stop();
  s.controller.stop();

  r["learn"] = phase_json(learn, false);
  r["offer"] = phase_json(flows, o.cdf);
  r["flow_setups_per_s"] = r["offer"]["per_s"];
  r["ofdp"] = {{"flows_installed", after.flows - before.flows},
               {"flow_mods_applied", after.flow_mods - before.flow_mods},
               {"packet_ins", after.packet_ins - before.packet_ins},
               {"packet_ins_rate_limited", after.rate_limited - before.rate_limited},
               {"table_misses", after.misses - before.misses},
               {"stats_after", after_text}};
  r["ofbench_cpu_seconds"] = {{"learn", cpu1 - cpu0}, {"offer", offer_cpu}};
  // Where the offer phase's CPU went (the controller's is inside ofdp's with --datapath-controller=local).
  r["offer_cpu_seconds"] = {{"ofbench", offer_cpu}, {"ofdp", ofdp_cpu}, {"controller", ctl_cpu}};
  const Phase& f = flows;
  const auto& lat = f.latency;
  progress << fmt::format(
      "ofbench: offer: {} flows, {} set up, {} lost in {:.3f} s: {:.0f} flow setups/s; first-packet latency "
      "p50 {:.1f} us, p99 {:.1f} us; ofdp applied {} FLOW_MODs ({} flows installed), {} PacketIns "
      "rate-limited\n",
      f.offered, f.emerged.load(), f.lost, r["offer"]["seconds"].get<double>(),
      r["offer"]["per_s"].get<double>(), double(lat.quantile(0.5)) / 1e3, double(lat.quantile(0.99)) / 1e3,
      after.flow_mods - before.flow_mods, after.flows - before.flows,
      after.rate_limited - before.rate_limited);
  if (!ofdp_alive || !controller_alive) return fail("ofdp or the controller died during the run; see " + dir);
  if (f.emerged.load() == 0) return fail("no flow was set up; see " + dir);
  r["ok"] = true;
  r.erase("log_dir");
  std::filesystem::remove_all(dir);
  return true;
}

}  // namespace ofkit::bench
