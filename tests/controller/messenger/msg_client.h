#pragma once
// A blocking line client for messenger tests: connect over TCP or a unix
// socket, send lines, read JSON lines with a timeout. Every wait is bounded.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

namespace ofkit::ctl::msg::testing {

class MsgClient {
 public:
  MsgClient() = default;
  ~MsgClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  MsgClient(const MsgClient&) = delete;
  MsgClient& operator=(const MsgClient&) = delete;

  // rcvbuf > 0 shrinks the receive buffer (for "reads nothing" tests).
  bool connect_tcp(uint16_t port, int rcvbuf = 0) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (rcvbuf > 0) ::setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin) == 0;
  }
  bool connect_unix(const std::string& path) {
    fd_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
    return ::connect(fd_, reinterpret_cast<sockaddr*>(&sun), sizeof sun) == 0;
  }

  bool send_raw(const std::string& bytes) {
    size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  bool send(const nlohmann::json& j) { return send_raw(j.dump() + "\n"); }

  // The next line as JSON (nullopt on timeout or EOF).
  std::optional<nlohmann::json> recv(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const size_t nl = buf_.find('\n');
      if (nl != std::string::npos) {
        std::string line = buf_.substr(0, nl);
        buf_.erase(0, nl + 1);
        return nlohmann::json::parse(line, nullptr, false);
      }
      if (eof_) return std::nullopt;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char tmp[65536];
      const ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      buf_.append(tmp, static_cast<size_t>(n));
    }
  }
  // The next line that is not a channel message.
  std::optional<nlohmann::json> reply(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    for (;;) {
      auto j = recv(timeout);
      if (!j || !j->contains("channel") || j->contains("result") || j->contains("error")) return j;
    }
  }
  nlohmann::json call(const nlohmann::json& req) {
    send(req);
    auto r = reply();
    return r ? *r : nlohmann::json();
  }
  // True when the server closes within timeout (discarding what it sends).
  bool wait_closed(std::chrono::milliseconds timeout = std::chrono::milliseconds(5000)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_ && std::chrono::steady_clock::now() < deadline) {
      buf_.clear();
      recv(std::chrono::milliseconds(200));
    }
    return eof_;
  }
  int fd() const { return fd_; }

 private:
  int fd_ = -1;
  std::string buf_;
  bool eof_ = false;
};

}  // namespace ofkit::ctl::msg::testing
