#include "bench/ofbench/runner.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>
#include <ostream>
#include <thread>

#include <fmt/format.h>

namespace ofkit::bench {

namespace {

uint64_t now_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

constexpr uint64_t kRetryNs = 100'000'000;  // reconnect 100 ms after a failure
constexpr uint64_t kSweepNs = 5'000'000;    // connects, timeouts and idle refills every 5 ms
constexpr size_t kOutLimit = 128 * 1024;    // PacketIns queued per switch before waiting for the socket
constexpr size_t kReadChunk = 256 * 1024;
constexpr int kReadsPerWake = 4;

// A switch's counters as the main thread sees them (single writer: its worker).
struct Published {
  std::atomic<uint64_t> packet_ins{0}, answered{0}, flow_mods{0}, packet_outs{0}, extra{0}, lost{0},
      errors_in{0}, errors_out{0}, echo_requests{0}, barriers{0}, reconnects{0};
  std::atomic<bool> handshaken{false};

  void publish(const SwitchStats& s, bool hs, uint64_t rc) {
    constexpr auto r = std::memory_order_relaxed;
    packet_ins.store(s.packet_ins, r);
    answered.store(s.answered, r);
    flow_mods.store(s.flow_mods, r);
    packet_outs.store(s.packet_outs, r);
    extra.store(s.extra, r);
    lost.store(s.lost, r);
    errors_in.store(s.errors_in, r);
    errors_out.store(s.errors_out, r);
    echo_requests.store(s.echo_requests, r);
    barriers.store(s.barriers, r);
    reconnects.store(rc, r);
    handshaken.store(hs, std::memory_order_release);
  }
  void add_to(SwitchStats* s) const {
    constexpr auto r = std::memory_order_relaxed;
    s->packet_ins += packet_ins.load(r);
    s->answered += answered.load(r);
    s->flow_mods += flow_mods.load(r);
    s->packet_outs += packet_outs.load(r);
    s->extra += extra.load(r);
    s->lost += lost.load(r);
    s->errors_in += errors_in.load(r);
    s->errors_out += errors_out.load(r);
    s->echo_requests += echo_requests.load(r);
    s->barriers += barriers.load(r);
  }
};

SwitchStats minus(const SwitchStats& a, const SwitchStats& b) {
  SwitchStats d;
  d.packet_ins = a.packet_ins - b.packet_ins;
  d.answered = a.answered - b.answered;
  d.flow_mods = a.flow_mods - b.flow_mods;
  d.packet_outs = a.packet_outs - b.packet_outs;
  d.extra = a.extra - b.extra;
  d.lost = a.lost - b.lost;
  d.errors_in = a.errors_in - b.errors_in;
  d.errors_out = a.errors_out - b.errors_out;
  d.echo_requests = a.echo_requests - b.echo_requests;
  d.barriers = a.barriers - b.barriers;
  return d;
}

struct Conn {
  explicit Conn(const SwitchConfig& c) : sw(c) {}
  EmulatedSwitch sw;
  OutBuffer out;
  int fd = -1;
  bool connecting = false;
  bool want_out = false;  // EPOLLOUT registered
  uint64_t retry_at_ns = 0;
  uint64_t reconnects = 0;
  bool ever_connected = false;
  Published pub;
};

struct Shared {
  std::atomic<uint32_t> connect_allowed{0};
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<bool> recording{false};
  sockaddr_in addr{};
  uint64_t answer_timeout_ns = 0;
};

class Worker {
 public:
  Worker(Shared& shared, std::vector<Conn*> conns) : shared_(shared), conns_(std::move(conns)) {}
  ~Worker() {
    for (Conn* c : conns_)
      if (c->fd >= 0) ::close(c->fd);
    if (ep_ >= 0) ::close(ep_);
  }
  void run();
  LatencyHistogram& latency() { return latency_; }

 private:
  void sweep(uint64_t now);
  void start_connect(Conn& c, uint64_t now);
  void on_connected(Conn& c, uint64_t now);
  void on_event(Conn& c, uint32_t events, uint64_t now);
  void close_conn(Conn& c, uint64_t now);
  bool flush(Conn& c);
  void publish(Conn& c) {
    c.pub.publish(c.sw.stats(), c.sw.handshaken() && c.fd >= 0 && !c.connecting, c.reconnects);
  }
  LatencyHistogram* recorder() {
    return shared_.recording.load(std::memory_order_relaxed) ? &latency_ : nullptr;
  }

  Shared& shared_;
  std::vector<Conn*> conns_;
  int ep_ = -1;
  std::unique_ptr<uint8_t[]> rbuf_{new uint8_t[kReadChunk]};
  LatencyHistogram latency_;
  bool go_ = false;
};

void Worker::run() {
  ep_ = epoll_create1(EPOLL_CLOEXEC);
  if (ep_ < 0) return;
  epoll_event events[128];
  uint64_t next_sweep = 0;
  while (!shared_.stop.load(std::memory_order_relaxed)) {
    const int n = epoll_wait(ep_, events, 128, 2);
    uint64_t now = now_ns();
    for (int i = 0; i < n; ++i) on_event(*static_cast<Conn*>(events[i].data.ptr), events[i].events, now);
    if (now >= next_sweep) {
      sweep(now);
      next_sweep = now + kSweepNs;
    }
  }
}

void Worker::sweep(uint64_t now) {
  const uint32_t allowed = shared_.connect_allowed.load(std::memory_order_acquire);
  const bool go = shared_.go.load(std::memory_order_acquire);
  go_ = go;
  for (Conn* c : conns_) {
    if (c->fd < 0) {
      if (c->sw.config().index < allowed && now >= c->retry_at_ns) start_connect(*c, now);
      continue;
    }
    if (c->connecting) continue;
    c->sw.check_timeout(now, shared_.answer_timeout_ns);
    if (go && c->sw.outstanding() == 0) {
      c->sw.send_packet_ins(c->out, kOutLimit, now);
      if (!flush(*c)) {
        close_conn(*c, now);
        continue;
      }
    }
    publish(*c);
  }
}

void Worker::start_connect(Conn& c, uint64_t now) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    c.retry_at_ns = now + kRetryNs;
    return;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  const int rc = ::connect(fd, reinterpret_cast<const sockaddr*>(&shared_.addr), sizeof shared_.addr);
  if (rc < 0 && errno != EINPROGRESS) {
    ::close(fd);
    c.retry_at_ns = now + kRetryNs;
    return;
  }
  c.fd = fd;
  c.connecting = rc < 0;
  c.want_out = c.connecting;
  epoll_event ev{};
  ev.events = EPOLLIN | (c.connecting ? uint32_t{EPOLLOUT} : 0u);
  ev.data.ptr = &c;
  epoll_ctl(ep_, EPOLL_CTL_ADD, fd, &ev);
  if (!c.connecting) on_connected(c, now);
}

void Worker::on_connected(Conn& c, uint64_t now) {
  c.connecting = false;
  if (c.ever_connected) ++c.reconnects;
  c.ever_connected = true;
  c.out.clear();
  c.sw.on_connect(c.out);
  if (!flush(c)) close_conn(c, now);
}

void Worker::close_conn(Conn& c, uint64_t now) {
  if (c.fd >= 0) {
    epoll_ctl(ep_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
  }
  c.fd = -1;
  c.connecting = false;
  c.want_out = false;
  c.out.clear();
  c.retry_at_ns = now + kRetryNs;
  publish(c);
}

bool Worker::flush(Conn& c) {
  while (!c.out.empty()) {
    const auto p = c.out.pending();
    const ssize_t n = ::send(c.fd, p.data(), p.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n > 0) {
      c.out.consume(static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    return false;
  }
  const bool want = !c.out.empty();
  if (want != c.want_out) {
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? uint32_t{EPOLLOUT} : 0u);
    ev.data.ptr = &c;
    epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
    c.want_out = want;
  }
  return true;
}

void Worker::on_event(Conn& c, uint32_t events, uint64_t now) {
  if (c.fd < 0) return;
  if (c.connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    if (getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len) < 0 || err != 0) {
      close_conn(c, now);
      return;
    }
    if (events & (EPOLLOUT | EPOLLIN)) on_connected(c, now);
    return;
  }
  if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
    LatencyHistogram* rec = recorder();
    for (int i = 0; i < kReadsPerWake; ++i) {
      const ssize_t n = ::recv(c.fd, rbuf_.get(), kReadChunk, MSG_DONTWAIT);
      if (n > 0) {
        if (!c.sw.on_bytes(std::span<const uint8_t>(rbuf_.get(), static_cast<size_t>(n)), c.out, now, rec)) {
          close_conn(c, now);
          return;
        }
        if (static_cast<size_t>(n) < kReadChunk) break;
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      close_conn(c, now);  // closed by the controller, or an error
      return;
    }
  }
  if (go_) c.sw.send_packet_ins(c.out, kOutLimit, now);
  if (!flush(c)) {
    close_conn(c, now);
    return;
  }
  publish(c);
}

bool resolve(const std::string& host, uint16_t port, sockaddr_in* out, std::string* error) {
  addrinfo hints{};
  hints.ai_family = AF_INET;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const int rc = getaddrinfo(host.c_str(), nullptr, &hints, &res);
  if (rc != 0 || !res) {
    *error = "cannot resolve '" + host + "': " + gai_strerror(rc);
    return false;
  }
  *out = *reinterpret_cast<const sockaddr_in*>(res->ai_addr);
  out->sin_port = htons(port);
  freeaddrinfo(res);
  return true;
}

}  // namespace

void summarize_loops(RunResult* r) {
  std::vector<double> resp, fm, po;
  r->measured = SwitchStats{};
  for (const LoopResult& l : r->loops) {
    resp.push_back(l.responses_per_s);
    fm.push_back(l.flow_mods_per_s);
    po.push_back(l.packet_outs_per_s);
    const SwitchStats& d = l.delta;
    SwitchStats& m = r->measured;
    m.packet_ins += d.packet_ins;
    m.answered += d.answered;
    m.flow_mods += d.flow_mods;
    m.packet_outs += d.packet_outs;
    m.extra += d.extra;
    m.lost += d.lost;
    m.errors_in += d.errors_in;
    m.errors_out += d.errors_out;
    m.echo_requests += d.echo_requests;
    m.barriers += d.barriers;
  }
  r->responses_per_s = summarize(resp);
  r->flow_mods_per_s = summarize(fm);
  r->packet_outs_per_s = summarize(po);
}

RunResult run_controller_benchmark(const Options& o, std::ostream& progress) {
  RunResult result;
  Shared shared;
  if (!resolve(o.host, o.port, &shared.addr, &result.error)) return result;
  shared.answer_timeout_ns = uint64_t{o.answer_timeout_ms} * 1'000'000;

  std::vector<std::unique_ptr<Conn>> conns;
  conns.reserve(o.switches);
  for (uint32_t i = 0; i < o.switches; ++i) {
    SwitchConfig sc;
    sc.index = i;
    sc.macs = o.macs;
    sc.ports = o.ports;
    sc.window = o.effective_window();
    sc.templates = std::min<size_t>(std::max<size_t>(size_t{o.macs} * 2, 256), 65536);
    conns.push_back(std::make_unique<Conn>(sc));
  }
  const uint32_t nthreads = std::max<uint32_t>(1, std::min(o.threads, o.switches));
  std::vector<std::unique_ptr<Worker>> workers;
  for (uint32_t t = 0; t < nthreads; ++t) {
    std::vector<Conn*> mine;
    for (uint32_t i = t; i < o.switches; i += nthreads) mine.push_back(conns[i].get());
    workers.push_back(std::make_unique<Worker>(shared, std::move(mine)));
  }
  std::vector<std::thread> threads;
  for (auto& w : workers) threads.emplace_back([&w] { w->run(); });

  auto snapshot = [&] {
    SwitchStats s;
    for (auto& c : conns) c->pub.add_to(&s);
    return s;
  };
  auto handshaken = [&] {
    uint32_t n = 0;
    for (auto& c : conns) n += c->pub.handshaken.load(std::memory_order_acquire);
    return n;
  };
  auto finish = [&] {
    shared.stop = true;
    for (auto& t : threads) t.join();
    for (auto& c : conns) result.reconnects += c->pub.reconnects.load();
    result.totals = snapshot();
  };

  // Start-up: groups of switches, a pause between groups, until all have
  // finished their handshake (or the time is up).
  using Clock = std::chrono::steady_clock;
  const auto t0 = Clock::now();
  const auto deadline = t0 + std::chrono::milliseconds(o.connect_timeout_ms);
  uint32_t allowed = 0;
  while (Clock::now() < deadline) {
    if (allowed < o.switches) {
      allowed = std::min(o.switches, allowed + o.connect_group);
      shared.connect_allowed.store(allowed, std::memory_order_release);
      std::this_thread::sleep_for(std::chrono::milliseconds(o.connect_delay_ms));
      continue;
    }
    if (handshaken() == o.switches) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  result.switches_connected = handshaken();
  result.connect_seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  if (result.switches_connected == 0) {
    finish();
    result.error = fmt::format("no switch completed its handshake with {} within {} ms", o.controller,
                               o.connect_timeout_ms);
    return result;
  }
  if (!o.quiet)
    progress << fmt::format("ofbench: {}/{} switches connected to {} in {:.3f} s\n",
                            result.switches_connected, o.switches, o.controller, result.connect_seconds);

  shared.go.store(true, std::memory_order_release);
  SwitchStats prev = snapshot();
  auto loop_start = Clock::now();
  const uint32_t total_loops = o.warmup + o.loops;
  for (uint32_t i = 0; i < total_loops; ++i) {
    if (i == o.warmup) shared.recording.store(true, std::memory_order_relaxed);
    std::this_thread::sleep_until(loop_start + std::chrono::milliseconds(o.ms_per_loop));
    const auto loop_end = Clock::now();
    const SwitchStats cur = snapshot();
    LoopResult l;
    l.seconds = std::chrono::duration<double>(loop_end - loop_start).count();
    l.delta = minus(cur, prev);
    l.responses_per_s = static_cast<double>(l.delta.answered) / l.seconds;
    l.flow_mods_per_s = static_cast<double>(l.delta.flow_mods) / l.seconds;
    l.packet_outs_per_s = static_cast<double>(l.delta.packet_outs) / l.seconds;
    l.packet_ins_per_s = static_cast<double>(l.delta.packet_ins) / l.seconds;
    const bool warm = i < o.warmup;
    if (!o.quiet)
      progress << fmt::format(
          "{} {}/{}: {:.0f} responses/s (flow_mods {:.0f}/s, packet_outs {:.0f}/s, "
          "packet_ins {:.0f}/s, lost {})\n",
          warm ? "warmup" : "loop", warm ? i + 1 : i + 1 - o.warmup, warm ? o.warmup : o.loops,
          l.responses_per_s, l.flow_mods_per_s, l.packet_outs_per_s, l.packet_ins_per_s, l.delta.lost);
    (warm ? result.warmup : result.loops).push_back(l);
    prev = cur;
    loop_start = loop_end;
  }
  shared.recording.store(false, std::memory_order_relaxed);
  finish();
  for (auto& w : workers) result.latency.merge(w->latency());
  summarize_loops(&result);
  result.ok = true;
  return result;
}

}  // namespace ofkit::bench
