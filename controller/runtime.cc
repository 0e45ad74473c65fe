#include "controller/runtime.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "controller/cli.h"

namespace ofkit::ctl {
namespace {

spdlog::logger& rt_log() {
  static std::shared_ptr<spdlog::logger> l = component_logger("ofctl");
  return *l;
}

// Splits "HOST:PORT" where HOST may be "[v6]" or a bare v6 address.
bool split_host_port(const std::string& s, bool port_first, std::string* host, std::string* port) {
  if (port_first) {  // ptcp: "PORT[:ADDR]"
    const size_t c = s.find(':');
    *port = s.substr(0, c);
    *host = c == std::string::npos ? "" : s.substr(c + 1);
  } else {  // tcp: "HOST:PORT"
    const size_t c = s.rfind(':');
    if (c == std::string::npos) return false;
    *host = s.substr(0, c);
    *port = s.substr(c + 1);
  }
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']')
    *host = host->substr(1, host->size() - 2);
  return !port->empty();
}

std::string sockaddr_text(const sockaddr* sa) {
  char buf[INET6_ADDRSTRLEN] = "?";
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const sockaddr_in*>(sa);
    inet_ntop(AF_INET, &in->sin_addr, buf, sizeof buf);
    return std::string(buf) + ":" + std::to_string(ntohs(in->sin_port));
  }
  if (sa->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const sockaddr_in6*>(sa);
    inet_ntop(AF_INET6, &in6->sin6_addr, buf, sizeof buf);
    return "[" + std::string(buf) + "]:" + std::to_string(ntohs(in6->sin6_port));
  }
  if (sa->sa_family == AF_UNIX) return "unix";
  return "?";
}

void tune_socket(int fd, bool tcp) {
  if (tcp) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
}

}  // namespace

// A passive endpoint on shard 0: accepts in bursts and hands sockets to the runtime.
class Listener : public IoHandler {
 public:
  Listener(Runtime* rt, std::string target) : rt_(rt), target_(std::move(target)) {}
  ~Listener() override {
    if (fd_ >= 0) ::close(fd_);
    if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
  }

  bool open(int backlog, std::string* error) {
    if (target_.rfind("ptcp:", 0) == 0) {
      std::string host, port;
      if (!split_host_port(target_.substr(5), true, &host, &port)) {
        *error = "bad listen target '" + target_ + "' (ptcp:PORT[:ADDR])";
        return false;
      }
      addrinfo hints{};
      hints.ai_family = AF_UNSPEC;
      hints.ai_socktype = SOCK_STREAM;
      hints.ai_flags = AI_PASSIVE | AI_NUMERICHOST | AI_NUMERICSERV;
      addrinfo* res = nullptr;
      const int rc = ::getaddrinfo(host.empty() ? "0.0.0.0" : host.c_str(), port.c_str(), &hints, &res);
      if (rc != 0 || !res) {
        *error = "bad listen target '" + target_ + "': " + gai_strerror(rc);
        return false;
      }
      fd_ = ::socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      int one = 1;
      ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
      if (res->ai_family == AF_INET6) ::setsockopt(fd_, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
      const bool ok = fd_ >= 0 && ::bind(fd_, res->ai_addr, res->ai_addrlen) == 0;
      ::freeaddrinfo(res);
      if (!ok) {
        *error = "cannot listen on '" + target_ + "': " + std::strerror(errno);
        return false;
      }
      tcp_ = true;
    } else if (target_.rfind("punix:", 0) == 0) {
      unix_path_ = target_.substr(6);
      sockaddr_un sun{};
      sun.sun_family = AF_UNIX;
      if (unix_path_.empty() || unix_path_.size() >= sizeof sun.sun_path) {
        *error = "bad unix socket path in '" + target_ + "'";
        unix_path_.clear();
        return false;
      }
      std::memcpy(sun.sun_path, unix_path_.c_str(), unix_path_.size() + 1);
      ::unlink(unix_path_.c_str());
      fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
      if (fd_ < 0 || ::bind(fd_, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
        *error = "cannot listen on '" + target_ + "': " + std::strerror(errno);
        unix_path_.clear();
        return false;
      }
    } else {
      *error = "bad listen target '" + target_ + "' (ptcp:PORT[:ADDR] or punix:PATH)";
      return false;
    }
    if (::listen(fd_, backlog) != 0) {
      *error = "listen on '" + target_ + "' failed: " + std::strerror(errno);
      return false;
    }
    rt_log().info("listening on {} (port {})", target_, port());
    return true;
  }

  uint16_t port() const {
    if (!tcp_) return 0;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&ss), &len);
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  int fd() const { return fd_; }

  void on_io(uint32_t) override {
    for (int i = 0; i < 256; ++i) {
      sockaddr_storage ss{};
      socklen_t len = sizeof ss;
      const int c = ::accept4(fd_, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (c < 0) {
        if (errno == EMFILE || errno == ENFILE)
          rt_log().warn("accept on {}: {}", target_, std::strerror(errno));
        return;
      }
      if (!rt_->admit_connection()) {
        ::close(c);
        continue;
      }
      tune_socket(c, tcp_);
      rt_->adopt_admitted(
          make_socket_transport(c, tcp_ ? sockaddr_text(reinterpret_cast<sockaddr*>(&ss)) : target_));
    }
  }

 private:
  Runtime* rt_;
  std::string target_;
  std::string unix_path_;
  int fd_ = -1;
  bool tcp_ = false;
};

// An active connection to a switch that listens; reconnects with backoff.
// The target is resolved once, at start-up (prepare(), on the thread that
// starts the runtime): a blocking getaddrinfo() must never stall shard 0,
// which serves listeners and switches. Each attempt tries the next address.
class Connector : public IoHandler {
 public:
  Connector(Runtime* rt, std::string target) : rt_(rt), target_(std::move(target)) {}
  ~Connector() override {
    if (fd_ >= 0) ::close(fd_);
  }

  // Checks the syntax and resolves HOST (may block: start-up only).
  bool prepare(std::string* error) {
    std::string host, port;
    if (target_.rfind("tcp:", 0) == 0 && split_host_port(target_.substr(4), false, &host, &port)) {
      addrinfo hints{};
      hints.ai_socktype = SOCK_STREAM;
      hints.ai_flags = AI_NUMERICSERV;
      addrinfo* res = nullptr;
      const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
      if (rc != 0 || !res) {
        *error = "cannot resolve connect target '" + target_ + "': " + gai_strerror(rc);
        return false;
      }
      for (addrinfo* ai = res; ai; ai = ai->ai_next) {
        Addr a;
        std::memcpy(&a.ss, ai->ai_addr, ai->ai_addrlen);
        a.len = ai->ai_addrlen;
        addrs_.push_back(a);
      }
      ::freeaddrinfo(res);
      tcp_ = true;
      return true;
    }
    if (target_.rfind("unix:", 0) == 0 && target_.size() > 5) {
      const std::string path = target_.substr(5);
      Addr a;
      auto* sun = reinterpret_cast<sockaddr_un*>(&a.ss);
      if (path.size() >= sizeof sun->sun_path) {
        *error = "unix socket path too long in '" + target_ + "'";
        return false;
      }
      sun->sun_family = AF_UNIX;
      std::memcpy(sun->sun_path, path.c_str(), path.size() + 1);
      a.len = sizeof(sockaddr_un);
      addrs_.push_back(a);
      return true;
    }
    *error = "bad connect target '" + target_ + "' (tcp:HOST:PORT or unix:PATH)";
    return false;
  }

  // Shard 0 thread.
  void attempt() {
    if (rt_->shard(0).loop().stopping()) return;
    const Addr& a = addrs_[next_addr_++ % addrs_.size()];
    fd_ = ::socket(a.ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
      retry();
      return;
    }
    const int rc = ::connect(fd_, reinterpret_cast<const sockaddr*>(&a.ss), a.len);
    if (rc == 0) {
      connected();
    } else if (errno == EINPROGRESS) {
      rt_->shard(0).loop().add_fd(fd_, EPOLLOUT, this);
    } else {
      ::close(fd_);
      fd_ = -1;
      retry();
    }
  }

  void on_io(uint32_t) override {
    rt_->shard(0).loop().remove_fd(fd_);
    int err = 0;
    socklen_t len = sizeof err;
    ::getsockopt(fd_, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      ::close(fd_);
      fd_ = -1;
      retry();
      return;
    }
    connected();
  }

  void closed(uint64_t conn_id) {
    if (conn_id != conn_id_) return;
    conn_id_ = 0;
    retry();
  }

 private:
  void connected() {
    if (!rt_->admit_connection()) {
      // Over --max-connections: counted as refused like an accepted socket.
      rt_log().warn("connected to {} but over the connection limit; closing, will retry", target_);
      ::close(fd_);
      fd_ = -1;
      retry();
      return;
    }
    tune_socket(fd_, tcp_);
    backoff_ = std::chrono::milliseconds(500);
    rt_log().info("connected to {}", target_);
    conn_id_ = rt_->adopt_admitted(make_socket_transport(fd_, target_));
    fd_ = -1;
  }
  void retry() {
    rt_->shard(0).loop().call_later(backoff_, [this] { attempt(); });
    backoff_ = std::min<std::chrono::milliseconds>(backoff_ * 2, std::chrono::milliseconds(8000));
  }

  struct Addr {
    sockaddr_storage ss{};
    socklen_t len = 0;
  };

  Runtime* rt_;
  std::string target_;
  std::vector<Addr> addrs_;
  size_t next_addr_ = 0;
  int fd_ = -1;
  bool tcp_ = false;
  uint64_t conn_id_ = 0;
  std::chrono::milliseconds backoff_{500};
};

Runtime::Runtime(RuntimeConfig config, std::vector<AppInstanceSpec> apps)
    : config_(std::move(config)), apps_(std::move(apps)) {
  if (config_.threads <= 0) {
    const unsigned hc = std::thread::hardware_concurrency();
    config_.threads = hc == 0 ? 1 : static_cast<int>(hc);
  }
  // Higher precedence first; stable so command-line order breaks ties.
  std::stable_sort(apps_.begin(), apps_.end(), [](const AppInstanceSpec& a, const AppInstanceSpec& b) {
    return a.info->precedence > b.info->precedence;
  });
}

Runtime::~Runtime() {
  stop();
  listeners_.clear();
  connectors_.clear();
  shards_.clear();
}

uint16_t Runtime::listen_port(size_t i) const { return i < listeners_.size() ? listeners_[i]->port() : 0; }

bool Runtime::start(std::string* error) {
  // Many switches at once: lift the fd limit as far as we may.
  rlimit rl{};
  if (::getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    ::setrlimit(RLIMIT_NOFILE, &rl);
  }
  for (int i = 0; i < config_.threads; ++i)
    shards_.push_back(std::make_unique<Shard>(this, static_cast<size_t>(i), config_));
  for (const auto& target : config_.listen) {
    auto l = std::make_unique<Listener>(this, target);
    if (!l->open(config_.backlog, error)) return false;
    listeners_.push_back(std::move(l));
  }
  for (const auto& target : config_.connect) {
    auto c = std::make_unique<Connector>(this, target);
    if (!c->prepare(error)) return false;
    connectors_.push_back(std::move(c));
  }
  for (auto& shard : shards_) {
    for (const AppInstanceSpec& spec : apps_) {
      if (spec.info->global && shard->index() != 0) continue;
      shard->add_app(*spec.info, spec.options);
    }
  }
  Shard& s0 = *shards_[0];
  for (auto& l : listeners_) s0.loop().add_fd(l->fd(), EPOLLIN, l.get());
  for (auto& c : connectors_) s0.loop().post([c = c.get()] { c->attempt(); });
  if (config_.stats_interval.count() > 0)
    s0.loop().call_every(config_.stats_interval, [this] { log_counters(); });
  for (auto& shard : shards_) {
    Shard* s = shard.get();
    // Components a when_ready() still waits for after the stall interval are logged.
    s->loop().call_every(config_.stall_interval, [s] {
      for (const auto& [waiter, names] : s->core().awaited()) {
        std::string list;
        for (const auto& n : names) list += (list.empty() ? "" : ", ") + n;
        rt_log().warn("shard {}: '{}' is still waiting for: {}", s->index(), waiter, list);
      }
    });
    threads_.emplace_back([s] {
      s->start_apps();
      s->loop().run();
    });
  }
  started_ = true;
  return true;
}

void Runtime::stop() {
  std::lock_guard lock(stop_mu_);
  if (!started_ || stopped_) return;
  stopped_ = true;
  if (!listeners_.empty()) {
    Shard* s0 = shards_[0].get();
    std::vector<int> fds;
    for (auto& l : listeners_) fds.push_back(l->fd());
    s0->loop().post([s0, fds] {
      for (int fd : fds) s0->loop().remove_fd(fd);
    });
  }
  for (auto& shard : shards_) {
    Shard* s = shard.get();
    s->loop().post([s] {
      s->stop_apps();
      s->close_all("controller shutting down");
      s->loop().stop();
    });
  }
  for (auto& t : threads_)
    if (t.joinable()) t.join();
  threads_.clear();
  listeners_.clear();  // closes the sockets, removes punix paths
  rt_log().info("stopped");
}

void Runtime::reload() {
  std::vector<AppInstanceSpec> fresh = apps_;
  if (reload_source_ && !reload_source_(&fresh)) {
    rt_log().warn("SIGHUP: reload source failed; keeping the current options");
    return;
  }
  rt_log().info("SIGHUP: reloading app options{}",
                config_.config_file.empty() ? std::string() : " (re-read " + config_.config_file + ")");
  apps_ = fresh;
  for (const AppInstanceSpec& spec : fresh) {
    for (auto& shard : shards_) {
      Shard* s = shard.get();
      s->loop().post([s, name = spec.info->name, opts = spec.options] { s->reload_apps(name, opts); });
    }
  }
}

bool Runtime::admit_connection() {
  size_t cur = live_.load();
  while (true) {
    if (cur >= config_.max_connections) {
      refused_.fetch_add(1);
      return false;
    }
    if (live_.compare_exchange_weak(cur, cur + 1)) return true;
  }
}

void Runtime::connection_closed() { live_.fetch_sub(1); }

uint64_t Runtime::adopt_admitted(std::unique_ptr<Transport> transport) {
  const uint64_t id = next_connection_id();
  auto conn = std::make_unique<Connection>(id, std::move(transport));
  const size_t target = round_robin_.fetch_add(1) % shards_.size();
  Shard* s = shards_[target].get();
  auto holder = std::make_shared<std::unique_ptr<Connection>>(std::move(conn));
  s->loop().post([s, holder] { s->adopt(std::move(*holder), true); });
  return id;
}

void Runtime::adopt(std::unique_ptr<Transport> transport) {
  if (!admit_connection()) {
    transport->close();
    return;
  }
  adopt_admitted(std::move(transport));
}

LocalChannelEnd Runtime::connect_local() {
  auto [sw, ctl] = make_local_channel();
  adopt(make_local_transport(std::move(ctl), "local"));
  return sw;
}

void Runtime::move_connection(std::unique_ptr<Connection> conn, size_t target) {
  Shard* s = shards_[target].get();
  auto holder = std::make_shared<std::unique_ptr<Connection>>(std::move(conn));
  s->loop().post([s, holder] { s->adopt(std::move(*holder), false); });
}

void Runtime::with_switch(uint64_t dpid, std::function<void(Connection*)> fn) {
  Shard* s = shards_[shard_for_dpid(dpid, shards_.size())].get();
  s->loop().post([s, dpid, fn = std::move(fn)] { fn(s->find_switch(dpid)); });
}

void Runtime::post_to_shard(size_t shard_index, std::function<void(Shard&)> fn) {
  Shard* s = shards_[shard_index].get();
  s->loop().post([s, fn = std::move(fn)] { fn(*s); });
}

void Runtime::post_to_all(const std::function<void(Shard&)>& fn) {
  for (size_t i = 0; i < shards_.size(); ++i) post_to_shard(i, fn);
}

bool Runtime::forward_packet_in(PacketInMsg ev) {
  if (forward_backlog_.fetch_add(1, std::memory_order_relaxed) >= config_.mailbox_capacity) {
    forward_backlog_.fetch_sub(1, std::memory_order_relaxed);
    forward_drops_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  Shard* s0 = shards_[0].get();
  s0->loop().post([this, s0, e = std::move(ev)]() mutable {
    forward_backlog_.fetch_sub(1, std::memory_order_relaxed);
    s0->bus().raise(e);
  });
  return true;
}

void Runtime::connector_closed(uint64_t connection_id) {
  if (connectors_.empty()) return;
  Shard* s0 = shards_[0].get();
  s0->loop().post([this, connection_id] {
    for (auto& c : connectors_) c->closed(connection_id);
  });
}

void Runtime::log_counters() {
  rt_log().info("connections: {} live, {} refused over the limit; {} PacketInMsg dropped for global apps",
                live_.load(), refused_.load(), forward_drops());
  for (auto& shard : shards_) {
    Shard* s = shard.get();
    s->loop().post([s] {
      const ShardCounters c = s->live_counters();
      rt_log().info(
          "shard {}: {} switches, {} msgs in, {} packet-ins ({} dropped over the rate limit), "
          "{} bad messages, {} replaced, mailbox drops {}, {} read pauses, {} unsent bytes",
          s->index(), s->switch_count(), c.messages_in, c.packet_ins, c.packet_ins_dropped, c.bad_messages,
          c.replaced, s->loop().data_drops(), c.read_pauses, s->pending_bytes());
    });
  }
}

}  // namespace ofkit::ctl
