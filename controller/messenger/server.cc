#include "controller/messenger/server.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "controller/cli.h"
#include "controller/messenger/line_reader.h"

namespace ofkit::ctl::msg {
namespace {

spdlog::logger& log() {
  static std::shared_ptr<spdlog::logger> l = component_logger("messenger");
  return *l;
}

}  // namespace

bool resolve_tcp(const std::string& spec, sockaddr_storage* addr, socklen_t* len, std::string* error) {
  std::string host = "127.0.0.1", port = spec;
  const size_t colon = spec.rfind(':');
  if (colon != std::string::npos) {
    host = spec.substr(0, colon);
    port = spec.substr(colon + 1);
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  if (host.empty() || port.empty() || port.find_first_not_of("0123456789") != std::string::npos ||
      port.size() > 5 || std::stoul(port) > 65535) {
    *error = "bad TCP address '" + spec + "' (HOST:PORT)";
    return false;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* res = nullptr;
  const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res);
  if (rc != 0 || !res) {
    *error = "bad TCP address '" + spec + "': " + gai_strerror(rc);
    return false;
  }
  std::memcpy(addr, res->ai_addr, res->ai_addrlen);
  *len = res->ai_addrlen;
  ::freeaddrinfo(res);
  return true;
}

bool is_loopback(const sockaddr* addr) {
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    return (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    if (IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr)) return true;
    return IN6_IS_ADDR_V4MAPPED(&in6->sin6_addr) && in6->sin6_addr.s6_addr[12] == 127;
  }
  return false;
}

// --- listeners -------------------------------------------------------------------

class Server::Acceptor : public IoHandler {
 public:
  Acceptor(Server* server, int fd, std::string unix_path)
      : server_(server), fd_(fd), unix_path_(std::move(unix_path)) {}
  ~Acceptor() override {
    server_->loop_.remove_fd(fd_);
    ::close(fd_);
    if (!unix_path_.empty()) ::unlink(unix_path_.c_str());
  }
  void on_io(uint32_t) override { server_->accept_from(fd_); }
  int fd() const { return fd_; }
  bool tcp() const { return unix_path_.empty(); }

 private:
  Server* server_;
  int fd_;
  std::string unix_path_;
};

// --- one client ------------------------------------------------------------------

class Server::ClientConn : public IoHandler, public ClientLink {
 public:
  ClientConn(Server* server, int fd) : server_(server), fd_(fd), reader_(server->core_->limits().max_line) {}
  ~ClientConn() override { shut(); }

  void set_id(uint64_t id) { id_ = id; }
  bool closed() const { return fd_ < 0 || dead_; }

  void on_io(uint32_t events) override {
    if (dead_) return;
    if (events & EPOLLOUT) flush();
    if (dead_) return;
    if (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) read_some();
  }

  void send_line(std::string_view line) override {
    if (dead_) return;
    const size_t limit = server_->core_->limits().max_output;
    if (pending() + line.size() > limit) {
      ++server_->dropped_slow_;
      log().warn("messenger: {} reads nothing (more than {} bytes unsent); dropping it",
                 server_->core_->client_name(id_), limit);
      kill();
      return;
    }
    out_.append(line);
    mark_dirty();
  }

  void close_after_flush(const std::string& reason) override {
    if (dead_) return;
    log().info("messenger: closing {}: {}", server_->core_->client_name(id_), reason);
    closing_ = true;
    update_interest();
    mark_dirty();
  }

  void flush() {
    dirty_ = false;
    while (!dead_ && pending() > 0) {
      const ssize_t n = ::send(fd_, out_.data() + off_, pending(), MSG_NOSIGNAL);
      if (n > 0) {
        off_ += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
      if (n < 0 && errno == EINTR) continue;
      kill();
      return;
    }
    if (off_ == out_.size()) {
      out_.clear();
      off_ = 0;
    } else if (off_ > out_.size() / 2) {
      out_.erase(0, off_);
      off_ = 0;
    }
    if (closing_ && pending() == 0) {
      kill();
      return;
    }
    update_interest();
  }

  // Unregisters and closes the socket (idempotent).
  void shut() {
    if (fd_ < 0) return;
    server_->loop_.remove_fd(fd_);
    ::close(fd_);
    fd_ = -1;
  }

 private:
  size_t pending() const { return out_.size() - off_; }

  void mark_dirty() {
    if (dirty_) return;
    dirty_ = true;
    server_->dirty_.push_back(this);
  }

  void kill() {
    if (dead_) return;
    dead_ = true;
    server_->closed_.push_back(id_);
  }

  void update_interest() {
    if (dead_) return;
    const bool want_read = !closing_ && pending() <= server_->core_->limits().max_output / 2;
    const bool want_write = pending() > 0;
    const uint32_t ev = (want_read ? uint32_t{EPOLLIN} : 0u) | (want_write ? uint32_t{EPOLLOUT} : 0u);
    if (ev != interest_) {
      server_->loop_.modify_fd(fd_, ev, this);
      interest_ = ev;
    }
  }

  void read_some() {
    char buf[64 * 1024];
    size_t budget = kReadBudget;
    while (budget > 0 && !dead_ && !closing_) {
      const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
      if (n == 0) {
        kill();
        return;
      }
      if (n < 0) {
        if (errno == EINTR) continue;
        if (errno != EAGAIN && errno != EWOULDBLOCK) kill();
        break;
      }
      budget -= std::min(budget, static_cast<size_t>(n));
      reader_.feed(std::string_view(buf, static_cast<size_t>(n)));
      std::string line;
      for (;;) {
        if (dead_ || closing_) break;
        const auto st = reader_.next(&line);
        if (st == LineReader::Status::kNeedMore) break;
        if (st == LineReader::Status::kTooLong) {
          server_->core_->line_too_long(id_);
          break;
        }
        server_->core_->on_line(id_, line);
      }
    }
    update_interest();
  }

  Server* server_;
  int fd_;
  uint64_t id_ = 0;
  LineReader reader_;
  std::string out_;
  size_t off_ = 0;
  uint32_t interest_ = EPOLLIN;
  bool dirty_ = false;
  bool closing_ = false;
  bool dead_ = false;
};

// --- server ------------------------------------------------------------------------

Server::Server(EventLoop& loop, std::shared_ptr<Core> core) : loop_(loop), core_(std::move(core)) {
  std::weak_ptr<bool> alive = alive_;
  loop_.add_end_of_iteration_hook([this, alive] {
    if (alive.lock()) end_of_iteration();
  });
}

Server::~Server() { close_all(); }

bool Server::listen_tcp(const sockaddr_storage& addr, socklen_t len, std::string* error) {
  const int fd = ::socket(addr.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    *error = std::string("socket: ") + std::strerror(errno);
    return false;
  }
  int one = 1;
  ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (addr.ss_family == AF_INET6) ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
  if (::bind(fd, reinterpret_cast<const sockaddr*>(&addr), len) != 0 || ::listen(fd, 128) != 0) {
    *error = std::string("cannot listen: ") + std::strerror(errno);
    ::close(fd);
    return false;
  }
  auto a = std::make_unique<Acceptor>(this, fd, "");
  loop_.add_fd(fd, EPOLLIN, a.get());
  acceptors_.push_back(std::move(a));
  return true;
}

bool Server::listen_unix(const std::string& path, std::string* error) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.empty() || path.size() >= sizeof sun.sun_path) {
    *error = "bad unix socket path '" + path + "'";
    return false;
  }
  std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
  struct stat st {};
  if (::lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode)) {
      *error = "'" + path + "' exists and is not a socket";
      return false;
    }
    ::unlink(path.c_str());
  }
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  const mode_t old = ::umask(0177);
  const bool ok = fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0;
  ::umask(old);
  if (!ok || ::listen(fd, 128) != 0) {
    *error = "cannot listen on unix:" + path + ": " + std::strerror(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  auto a = std::make_unique<Acceptor>(this, fd, path);
  loop_.add_fd(fd, EPOLLIN, a.get());
  acceptors_.push_back(std::move(a));
  return true;
}

uint16_t Server::tcp_port() const {
  for (const auto& a : acceptors_) {
    if (!a->tcp()) continue;
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    ::getsockname(a->fd(), reinterpret_cast<sockaddr*>(&ss), &len);
    if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
    if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  }
  return 0;
}

void Server::accept_from(int listen_fd) {
  for (int i = 0; i < 64; ++i) {
    sockaddr_storage ss{};
    socklen_t len = sizeof ss;
    const int fd = ::accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return;  // EAGAIN, or a transient error: epoll tells us again
    if (clients_.size() >= kMaxClients) {
      log().warn("messenger: {} clients already; refusing another", clients_.size());
      ::close(fd);
      continue;
    }
    if (ss.ss_family != AF_UNIX) {
      int one = 1;
      ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
    auto conn = std::make_unique<ClientConn>(this, fd);
    char host[INET6_ADDRSTRLEN] = "unix";
    if (ss.ss_family == AF_INET)
      ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(&ss)->sin_addr, host, sizeof host);
    else if (ss.ss_family == AF_INET6)
      ::inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(&ss)->sin6_addr, host, sizeof host);
    const uint64_t id = core_->add_client(conn.get(), host);
    conn->set_id(id);
    loop_.add_fd(fd, EPOLLIN, conn.get());
    log().debug("messenger: {} connected from {}", core_->client_name(id), host);
    clients_.emplace(id, std::move(conn));
  }
}

void Server::end_of_iteration() {
  // Flushing may kill a client (write error) and push to closed_.
  for (size_t i = 0; i < dirty_.size(); ++i) {
    ClientConn* c = dirty_[i];
    if (!c->closed()) c->flush();
  }
  dirty_.clear();
  if (closed_.empty()) return;
  std::vector<uint64_t> closed;
  closed.swap(closed_);
  for (uint64_t id : closed) {
    auto it = clients_.find(id);
    if (it == clients_.end()) continue;
    core_->remove_client(id);
    it->second->shut();
    clients_.erase(it);
  }
}

void Server::close_all() {
  acceptors_.clear();
  for (auto& [id, c] : clients_) {
    core_->remove_client(id);
    c->shut();
  }
  clients_.clear();
  dirty_.clear();
  closed_.clear();
}

}  // namespace ofkit::ctl::msg
