#include "datapath/channel_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace ofkit::dp {
namespace {

void set_nonblocking(int fd) {
  const int flags = fcntl(fd, F_GETFL, 0);
  fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

bool fill_unix_addr(const std::string& path, sockaddr_un* sun, std::string* error) {
  std::memset(sun, 0, sizeof *sun);
  sun->sun_family = AF_UNIX;
  if (path.size() >= sizeof sun->sun_path) {
    if (error) *error = "unix socket path too long: " + path;
    return false;
  }
  std::memcpy(sun->sun_path, path.data(), path.size());
  return true;
}

std::string errno_text(const std::string& what, int err) { return what + ": " + std::strerror(err); }

}  // namespace

int start_connect(const Target& target, std::string* error) {
  if (target.kind == Target::Kind::kUnix) {
    sockaddr_un sun;
    if (!fill_unix_addr(target.path, &sun, error)) return -1;
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
      if (error) *error = errno_text("socket", errno);
      return -1;
    }
    if (connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0 && errno != EINPROGRESS &&
        errno != EAGAIN) {
      if (error) *error = errno_text("connect " + target.to_string(), errno);
      close(fd);
      return -1;
    }
    return fd;
  }
  if (target.kind != Target::Kind::kTcp) {
    if (error) *error = "not a connectable target: " + target.to_string();
    return -1;
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  const std::string port = std::to_string(target.port);
  if (int rc = getaddrinfo(target.host.c_str(), port.c_str(), &hints, &res); rc != 0 || !res) {
    if (error) *error = "cannot resolve " + target.host + ": " + gai_strerror(rc);
    return -1;
  }
  int fd = socket(res->ai_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = errno_text("socket", errno);
    freeaddrinfo(res);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  if (connect(fd, res->ai_addr, res->ai_addrlen) != 0 && errno != EINPROGRESS) {
    if (error) *error = errno_text("connect " + target.to_string(), errno);
    close(fd);
    fd = -1;
  }
  freeaddrinfo(res);
  return fd;
}

int finish_connect(int fd) {
  int err = 0;
  socklen_t len = sizeof err;
  if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
  return err;
}

int listen_on(const Target& target, std::string* error) {
  if (target.kind == Target::Kind::kPunix) {
    sockaddr_un sun;
    if (!fill_unix_addr(target.path, &sun, error)) return -1;
    struct stat st;
    if (lstat(target.path.c_str(), &st) == 0 && S_ISSOCK(st.st_mode)) unlink(target.path.c_str());
    const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0 || listen(fd, 64) != 0) {
      if (error) *error = errno_text("listen " + target.to_string(), errno);
      if (fd >= 0) close(fd);
      return -1;
    }
    return fd;
  }
  if (target.kind != Target::Kind::kPtcp) {
    if (error) *error = "not a listen target: " + target.to_string();
    return -1;
  }
  const bool v6 = target.host.find(':') != std::string::npos;
  const int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    if (error) *error = errno_text("socket", errno);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  int rc;
  if (v6) {
    sockaddr_in6 sin6{};
    sin6.sin6_family = AF_INET6;
    sin6.sin6_port = htons(target.port);
    if (inet_pton(AF_INET6, target.host.c_str(), &sin6.sin6_addr) != 1) {
      if (error) *error = "bad listen address '" + target.host + "'";
      close(fd);
      return -1;
    }
    rc = bind(fd, reinterpret_cast<sockaddr*>(&sin6), sizeof sin6);
  } else {
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(target.port);
    sin.sin_addr.s_addr = htonl(INADDR_ANY);
    if (!target.host.empty() && inet_pton(AF_INET, target.host.c_str(), &sin.sin_addr) != 1) {
      if (error) *error = "bad listen address '" + target.host + "'";
      close(fd);
      return -1;
    }
    rc = bind(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin);
  }
  if (rc != 0 || listen(fd, 64) != 0) {
    if (error) *error = errno_text("listen " + target.to_string(), errno);
    close(fd);
    return -1;
  }
  return fd;
}

uint16_t local_port(int fd) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  if (getsockname(fd, reinterpret_cast<sockaddr*>(&ss), &len) != 0) return 0;
  if (ss.ss_family == AF_INET) return ntohs(reinterpret_cast<sockaddr_in*>(&ss)->sin_port);
  if (ss.ss_family == AF_INET6) return ntohs(reinterpret_cast<sockaddr_in6*>(&ss)->sin6_port);
  return 0;
}

int accept_nonblocking(int listen_fd, std::string* peer_name) {
  sockaddr_storage ss{};
  socklen_t len = sizeof ss;
  const int fd = accept4(listen_fd, reinterpret_cast<sockaddr*>(&ss), &len, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (fd < 0) return -1;
  if (peer_name) {
    char buf[INET6_ADDRSTRLEN] = "";
    if (ss.ss_family == AF_INET) {
      auto* sin = reinterpret_cast<sockaddr_in*>(&ss);
      inet_ntop(AF_INET, &sin->sin_addr, buf, sizeof buf);
      *peer_name = std::string("tcp:") + buf + ":" + std::to_string(ntohs(sin->sin_port));
    } else if (ss.ss_family == AF_INET6) {
      auto* sin6 = reinterpret_cast<sockaddr_in6*>(&ss);
      inet_ntop(AF_INET6, &sin6->sin6_addr, buf, sizeof buf);
      *peer_name = std::string("tcp:[") + buf + "]:" + std::to_string(ntohs(sin6->sin6_port));
    } else {
      *peer_name = "unix";
    }
    if (ss.ss_family == AF_INET || ss.ss_family == AF_INET6) {
      const int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    }
  }
  return fd;
}

SocketChannel::SocketChannel(int fd, std::string name) : fd_(fd), name_(std::move(name)) {
  set_nonblocking(fd_);
}

SocketChannel::~SocketChannel() {
  if (fd_ >= 0) close(fd_);
}

IoStatus SocketChannel::receive(std::vector<uint8_t>* in) {
  if (closed_) return IoStatus::kClosed;
  uint8_t buf[16384];
  for (int rounds = 0; rounds < 16; ++rounds) {  // bounded: let other peers run too
    const ssize_t n = read(fd_, buf, sizeof buf);
    if (n > 0) {
      in->insert(in->end(), buf, buf + n);
      if (static_cast<size_t>(n) < sizeof buf) return IoStatus::kOk;
      continue;
    }
    if (n == 0) {
      error_ = "connection closed by peer";
      closed_ = true;
      return IoStatus::kClosed;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) return IoStatus::kOk;
    if (errno == EINTR) continue;
    error_ = std::strerror(errno);
    closed_ = true;
    return IoStatus::kClosed;
  }
  return IoStatus::kOk;
}

IoStatus SocketChannel::send(std::span<const uint8_t> bytes) {
  if (closed_) return IoStatus::kClosed;
  out_.insert(out_.end(), bytes.begin(), bytes.end());
  // Gather small messages for one write at flush(); write early only once a
  // socket buffer's worth is queued.
  if (pending() >= kWriteEarlyBytes) return flush();
  return IoStatus::kOk;
}

IoStatus SocketChannel::flush() {
  if (closed_) return IoStatus::kClosed;
  while (out_pos_ < out_.size()) {
    ++write_calls_;
    const ssize_t n = ::send(fd_, out_.data() + out_pos_, out_.size() - out_pos_, MSG_NOSIGNAL);
    if (n > 0) {
      out_pos_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
    error_ = n < 0 ? std::strerror(errno) : "send returned 0";
    closed_ = true;
    return IoStatus::kClosed;
  }
  if (out_pos_ == out_.size()) {
    out_.clear();
    out_pos_ = 0;
  } else if (out_pos_ > (1u << 20)) {  // compact now and then
    out_.erase(out_.begin(), out_.begin() + static_cast<ptrdiff_t>(out_pos_));
    out_pos_ = 0;
  }
  return IoStatus::kOk;
}

}  // namespace ofkit::dp
