// ofbench-null-controller: the fastest controller we can write, to show that
// ofbench is not the bottleneck. It completes the handshake (HELLO,
// FEATURES_REQUEST), answers ECHO_REQUEST, and answers each PACKET_IN with a
// FLOW_MOD copied from a buffer built at start-up (only xid and buffer_id
// change), or with a PACKET_OUT, or both (--reply), in one write per batch of
// input. An acceptor thread hands connections round-robin to --threads
// workers, each with its own epoll set.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <memory>
#include <thread>
#include <vector>

#include <CLI/CLI.hpp>

#include "bench/ofbench/out_buffer.h"
#include "oflib/wire/framer.h"
#include "oflib/wire/message.h"

namespace {

using namespace ofkit;

std::atomic<bool> g_stop{false};
void on_signal(int) { g_stop = true; }

struct Templates {
  std::vector<uint8_t> flow_mod;    // FLOW_MOD: buffer_id at 64
  std::vector<uint8_t> packet_out;  // PACKET_OUT: buffer_id at 8
};

Templates build_templates() {
  Templates t;
  of::FlowMod fm;
  fm.match = of::Match{};  // all wildcards
  fm.idle_timeout = 60;
  fm.actions.push_back(of::ActionOutput{1, 0});
  t.flow_mod = of::encode_message(fm, 0);
  of::PacketOut po;
  po.buffer_id = 0;
  po.in_port = 1;
  po.actions.push_back(of::ActionOutput{of::port::kFlood, 0});
  t.packet_out = of::encode_message(po, 0);
  return t;
}

struct Conn {
  int fd = -1;
  of::Framer framer{of::Framer::kMinCapacity};
  bench::OutBuffer out;
  bool want_out = false;
};

class Worker {
 public:
  Worker(const Templates& t, bool flow_mod, bool packet_out)
      : t_(t), flow_mod_(flow_mod), packet_out_(packet_out), ep_(epoll_create1(EPOLL_CLOEXEC)) {}
  ~Worker() { ::close(ep_); }

  // Called by the acceptor thread; the worker owns c from then on.
  void adopt(Conn* c) {
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;  // the greeting is waiting in c->out
    ev.data.ptr = c;
    c->want_out = true;
    if (epoll_ctl(ep_, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
      ::close(c->fd);
      delete c;
    }
  }

  void run() {
    epoll_event evs[128];
    std::vector<uint8_t> rbuf(256 * 1024);
    while (!g_stop) {
      const int n = epoll_wait(ep_, evs, 128, 50);
      for (int i = 0; i < n; ++i) {
        Conn* c = static_cast<Conn*>(evs[i].data.ptr);
        if (!serve(*c, evs[i].events, rbuf)) {
          ::close(c->fd);
          delete c;
        }
      }
    }
  }

 private:
  bool serve(Conn& c, uint32_t events, std::vector<uint8_t>& rbuf) {
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) {
      for (int i = 0; i < 4; ++i) {
        const ssize_t n = ::recv(c.fd, rbuf.data(), rbuf.size(), MSG_DONTWAIT);
        if (n == 0) return false;
        if (n < 0) {
          if (errno == EINTR) continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK) break;
          return false;
        }
        if (!c.framer.push(std::span<const uint8_t>(rbuf.data(), static_cast<size_t>(n)),
                           [&](std::span<const uint8_t> m) { handle(c, m); }))
          return false;
        if (static_cast<size_t>(n) < rbuf.size()) break;
      }
    }
    return flush(c);
  }

  void handle(Conn& c, std::span<const uint8_t> m) {
    const auto type = static_cast<of::MsgType>(m[1]);
    if (type == of::MsgType::kPacketIn) {
      auto pin = of::PacketInView::parse(m);
      if (!pin) return;
      const uint32_t xid = pin->xid(), buffer_id = pin->buffer_id();
      if (flow_mod_) {
        uint8_t* p = c.out.append(t_.flow_mod.size());
        std::memcpy(p, t_.flow_mod.data(), t_.flow_mod.size());
        store_be32(p + 4, xid);
        store_be32(p + 64, buffer_id);
      }
      if (packet_out_) {
        uint8_t* p = c.out.append(t_.packet_out.size());
        std::memcpy(p, t_.packet_out.data(), t_.packet_out.size());
        store_be32(p + 4, xid);
        store_be32(p + 8, buffer_id);
      }
    } else if (type == of::MsgType::kEchoRequest) {
      uint8_t* p = c.out.append(m.size());
      c.out.unappend(m.size() - of::encode_echo_reply_for(m, std::span<uint8_t>(p, m.size())));
    }
  }

  bool flush(Conn& c) {
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
      // Stop reading while the peer is not reading: TCP pushes back on it.
      epoll_event ev{};
      ev.events = want ? EPOLLOUT : EPOLLIN;
      ev.data.ptr = &c;
      epoll_ctl(ep_, EPOLL_CTL_MOD, c.fd, &ev);
      c.want_out = want;
    }
    return true;
  }

  const Templates& t_;
  bool flow_mod_, packet_out_;
  int ep_;
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App cli(
      "ofbench-null-controller: answers every PACKET_IN from a pre-built buffer; the reference that\n"
      "shows ofbench itself is not the bottleneck.\n\n"
      "  ofbench-null-controller --listen=ptcp:6653 &  ofbench --controller=tcp:127.0.0.1:6653",
      "ofbench-null-controller");
  std::string listen = "ptcp:6653", reply = "flow_mod";
  unsigned threads = 1;
  cli.add_option("--listen", listen, "ptcp:PORT[:ADDR] (PORT 0: any free port, printed on stdout)")
      ->capture_default_str();
  cli.add_option("--threads", threads, "Worker threads")->check(CLI::Range(1, 64))->capture_default_str();
  cli.add_option("--reply", reply, "Answer each PACKET_IN with: flow_mod, packet_out or both")
      ->check(CLI::IsMember({"flow_mod", "packet_out", "both"}))
      ->capture_default_str();
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e) == 0 ? 0 : 2;
  }
  unsigned long port = 0;
  std::string addr = "127.0.0.1";
  {
    if (listen.rfind("ptcp:", 0) != 0) {
      std::cerr << "ofbench-null-controller: --listen must be ptcp:PORT[:ADDR]\n";
      return 2;
    }
    std::string rest = listen.substr(5);
    const size_t colon = rest.find(':');
    if (colon != std::string::npos) {
      addr = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
    }
    char* end = nullptr;
    port = std::strtoul(rest.c_str(), &end, 10);
    if (rest.empty() || *end || port > 65535) {
      std::cerr << "ofbench-null-controller: bad port in --listen=" << listen << "\n";
      return 2;
    }
  }
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  if (inet_pton(AF_INET, addr.c_str(), &sa.sin_addr) != 1) {
    std::cerr << "ofbench-null-controller: bad address '" << addr << "'\n";
    return 2;
  }
  const int lfd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const int one = 1;
  setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(lfd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) < 0 || ::listen(lfd, 1024) < 0) {
    std::cerr << "ofbench-null-controller: cannot listen on " << addr << ":" << port << ": "
              << std::strerror(errno) << "\n";
    return 1;
  }
  socklen_t slen = sizeof sa;
  getsockname(lfd, reinterpret_cast<sockaddr*>(&sa), &slen);
  std::cout << "listening on " << addr << ":" << ntohs(sa.sin_port) << std::endl;

  struct sigaction act {};
  act.sa_handler = on_signal;  // no SA_RESTART: accept() returns EINTR
  sigaction(SIGINT, &act, nullptr);
  sigaction(SIGTERM, &act, nullptr);
  signal(SIGPIPE, SIG_IGN);

  const Templates t = build_templates();
  std::vector<std::unique_ptr<Worker>> workers;
  for (unsigned i = 0; i < threads; ++i)
    workers.push_back(std::make_unique<Worker>(t, reply != "packet_out", reply != "flow_mod"));
  std::vector<std::thread> ths;
  for (auto& w : workers) ths.emplace_back([&w] { w->run(); });

  // HELLO + FEATURES_REQUEST, sent as soon as a switch connects.
  std::vector<uint8_t> greeting = of::encode_message(of::Hello{}, 1);
  const auto fr = of::encode_message(of::FeaturesRequest{}, 2);
  greeting.insert(greeting.end(), fr.begin(), fr.end());

  size_t next = 0;
  while (!g_stop) {
    const int fd = ::accept4(lfd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) {
      if (errno == EINTR || errno == ECONNABORTED) continue;
      break;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    auto* c = new Conn;
    c->fd = fd;
    c->out.append(greeting);
    workers[next++ % workers.size()]->adopt(c);
  }
  g_stop = true;
  for (auto& th : ths) th.join();
  ::close(lfd);
  return 0;
}
