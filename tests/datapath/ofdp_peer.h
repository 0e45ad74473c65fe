#pragma once
// A minimal OpenFlow peer for ofdp's integration tests: a blocking socket
// with a framer, able to act as a controller (accepting ofdp's active
// connection) or as a management client (connecting to ofdp's listener).
// Every wait is bounded.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "oflib/wire/framer.h"
#include "oflib/wire/message.h"

namespace ofkit::dp::testing {

class OfPeer {
 public:
  explicit OfPeer(int fd) : fd_(fd) {}
  ~OfPeer() {
    if (fd_ >= 0) close(fd_);
  }
  static std::unique_ptr<OfPeer> connect_tcp(int port) {
    const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(static_cast<uint16_t>(port));
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (connect(fd, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) {
      close(fd);
      return nullptr;
    }
    return std::make_unique<OfPeer>(fd);
  }
  bool send_raw(std::span<const uint8_t> bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(bytes.size());
  }
  bool send(const of::Message& m, uint32_t xid) { return send_raw(of::encode_message(m, xid)); }
  // The next message (raw bytes), or nullopt on timeout/EOF.
  std::optional<std::vector<uint8_t>> recv_raw(int timeout_ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    for (;;) {
      if (!queue_.empty()) {
        auto m = std::move(queue_.front());
        queue_.pop_front();
        return m;
      }
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
              .count();
      if (left <= 0 || eof_) return std::nullopt;
      pollfd pfd{fd_, POLLIN, 0};
      if (poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
      uint8_t buf[65536];
      const ssize_t n = read(fd_, buf, sizeof buf);
      if (n <= 0) {
        eof_ = true;
        continue;
      }
      framer_.push(std::span<const uint8_t>(buf, static_cast<size_t>(n)),
                   [&](std::span<const uint8_t> m) { queue_.emplace_back(m.begin(), m.end()); });
    }
  }
  std::optional<of::DecodedMessage> recv(int timeout_ms = 5000) {
    auto raw = recv_raw(timeout_ms);
    if (!raw) return std::nullopt;
    auto d = of::decode(*raw, of::ActionDecodeOptions{true});
    if (!d) return std::nullopt;
    return std::move(*d);
  }
  // Skips messages until one of `type` arrives (answering ECHO_REQUESTs).
  std::optional<of::DecodedMessage> recv_type(of::MsgType type, int timeout_ms = 5000) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
              .count();
      auto m = recv(static_cast<int>(left));
      if (!m) return std::nullopt;
      if (m->header.type == type) return m;
      if (m->header.type == of::MsgType::kEchoRequest)
        send(of::EchoReply{std::get<of::EchoRequest>(m->msg).data}, m->header.xid);
    }
    return std::nullopt;
  }
  bool closed_by_peer(int timeout_ms = 5000) {
    while (recv_raw(timeout_ms)) {
    }
    return eof_;
  }
  int fd() const { return fd_; }

 private:
  int fd_;
  of::Framer framer_;
  std::deque<std::vector<uint8_t>> queue_;
  bool eof_ = false;
};

// A listening socket on 127.0.0.1 (random port) or a unix path for ofdp's
// --controller to connect to.
class PeerListener {
 public:
  static std::unique_ptr<PeerListener> tcp() {
    auto l = std::unique_ptr<PeerListener>(new PeerListener());
    l->fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    const int one = 1;
    setsockopt(l->fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(l->fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0 || listen(l->fd_, 8) != 0)
      return nullptr;
    socklen_t len = sizeof sin;
    getsockname(l->fd_, reinterpret_cast<sockaddr*>(&sin), &len);
    l->port_ = ntohs(sin.sin_port);
    return l;
  }
  static std::unique_ptr<PeerListener> unix_socket(const std::string& path) {
    auto l = std::unique_ptr<PeerListener>(new PeerListener());
    l->fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    std::strncpy(sun.sun_path, path.c_str(), sizeof sun.sun_path - 1);
    if (bind(l->fd_, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0 || listen(l->fd_, 8) != 0)
      return nullptr;
    return l;
  }
  ~PeerListener() {
    if (fd_ >= 0) close(fd_);
  }
  std::unique_ptr<OfPeer> accept_peer(int timeout_ms = 10000) {
    pollfd pfd{fd_, POLLIN, 0};
    if (poll(&pfd, 1, timeout_ms) <= 0) return nullptr;
    const int fd = accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
    return fd < 0 ? nullptr : std::make_unique<OfPeer>(fd);
  }
  int port() const { return port_; }

 private:
  PeerListener() = default;
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace ofkit::dp::testing
