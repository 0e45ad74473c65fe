#pragma once
// A scripted OpenFlow 1.0 switch for controller tests: speaks the wire
// library's messages over a loopback TCP socket (or an in-process
// LocalChannel) so a test can drive ofctl-run message by message.
// Every wait is bounded by a timeout; nothing here sleeps unbounded.

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "controller/local_channel.h"
#include "oflib/wire/framer.h"
#include "oflib/wire/message.h"

namespace ofkit::ctl::testing {

using namespace std::chrono_literals;

class ScriptedSwitch {
 public:
  ScriptedSwitch() = default;
  ~ScriptedSwitch() { close(); }
  ScriptedSwitch(const ScriptedSwitch&) = delete;
  ScriptedSwitch& operator=(const ScriptedSwitch&) = delete;

  bool connect_tcp(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_in sin{};
    sin.sin_family = AF_INET;
    sin.sin_port = htons(port);
    sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&sin), sizeof sin) != 0) return false;
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return true;
  }
  void use_local(LocalChannelEnd end) { local_ = std::move(end); }
  // Takes an already connected stream socket (IPv6, unix ...).
  void use_fd(int fd) { fd_ = fd; }

  void close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (local_.valid()) local_.close();
  }
  int fd() const { return fd_; }

  void send_raw(const std::vector<uint8_t>& bytes) {
    if (local_.valid()) {
      local_.send(bytes);
      return;
    }
    size_t off = 0;
    while (off < bytes.size()) {
      const ssize_t n = ::send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return;
      off += static_cast<size_t>(n);
    }
  }
  void send(const of::Message& m, uint32_t xid = 0) { send_raw(of::encode_message(m, xid)); }

  // The next whole message, or nullopt on timeout / close.
  std::optional<std::vector<uint8_t>> recv_raw(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      if (auto m = framer_.next()) return std::vector<uint8_t>(m->begin(), m->end());
      if (eof_) return std::nullopt;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      pollfd p{local_.valid() ? local_.event_fd() : fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      if (local_.valid()) {
        std::vector<uint8_t> bytes;
        local_.receive(&bytes);
        if (bytes.empty() && local_.peer_closed()) eof_ = true;
        framer_.feed(bytes);
      } else {
        auto space = framer_.write_space();
        const ssize_t n = ::recv(fd_, space.data(), space.size(), 0);
        if (n <= 0) {
          eof_ = true;
          continue;
        }
        framer_.commit(static_cast<size_t>(n));
      }
    }
  }
  std::optional<of::DecodedMessage> recv(std::chrono::milliseconds timeout = 3000ms) {
    auto raw = recv_raw(timeout);
    if (!raw) return std::nullopt;
    auto d = of::decode(*raw);
    if (!d) return std::nullopt;
    return std::move(*d);
  }
  // Waits for a message of type T, answering ECHO_REQUESTs and skipping others.
  template <typename T>
  std::optional<T> expect(std::chrono::milliseconds timeout = 3000ms, uint32_t* xid = nullptr) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return std::nullopt;
      auto m = recv(left);
      if (!m) return std::nullopt;
      if (auto* t = std::get_if<T>(&m->msg)) {
        if (xid) *xid = m->header.xid;
        return *t;
      }
      if (auto* echo = std::get_if<of::EchoRequest>(&m->msg)) send(of::EchoReply{echo->data}, m->header.xid);
    }
  }
  // True when the controller closes the connection within timeout.
  bool wait_closed(std::chrono::milliseconds timeout = 3000ms) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!eof_) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) return false;
      recv_raw(left);
    }
    return true;
  }

  // HELLO, FEATURES_REQUEST -> FEATURES_REPLY(dpid, ports 1..n), SET_CONFIG.
  bool handshake(uint64_t dpid, int n_ports = 4, uint16_t* miss_send_len = nullptr) {
    if (!expect<of::Hello>()) return false;
    send(of::Hello{}, 1);
    uint32_t xid = 0;
    if (!expect<of::FeaturesRequest>(3000ms, &xid)) return false;
    of::FeaturesReply fr;
    fr.datapath_id = dpid;
    fr.n_buffers = 256;
    fr.n_tables = 1;
    for (int i = 1; i <= n_ports; ++i) {
      of::PhyPort p;
      p.port_no = static_cast<uint16_t>(i);
      p.hw_addr = MacAddr::from_u64(0x020000000000ULL | (dpid << 8) | static_cast<uint64_t>(i));
      p.name = "p" + std::to_string(i);
      fr.ports.push_back(p);
    }
    send(fr, xid);
    auto sc = expect<of::SetConfig>();
    if (!sc) return false;
    if (miss_send_len) *miss_send_len = sc->miss_send_len;
    return true;
  }

  // A PACKET_IN carrying an Ethernet frame src -> dst (IPv4/UDP payload).
  void packet_in(uint16_t in_port, uint64_t src, uint64_t dst, uint32_t buffer_id, uint32_t xid = 0) {
    of::PacketIn pi;
    pi.buffer_id = buffer_id;
    pi.in_port = in_port;
    pi.data = frame(src, dst);
    pi.total_len = static_cast<uint16_t>(pi.data.size());
    send(pi, xid);
  }
  static std::vector<uint8_t> frame(uint64_t src, uint64_t dst, uint16_t ether_type = 0x0800) {
    std::vector<uint8_t> f(60, 0);
    const MacAddr d = MacAddr::from_u64(dst), s = MacAddr::from_u64(src);
    std::memcpy(f.data(), d.bytes.data(), 6);
    std::memcpy(f.data() + 6, s.bytes.data(), 6);
    f[12] = static_cast<uint8_t>(ether_type >> 8);
    f[13] = static_cast<uint8_t>(ether_type);
    if (ether_type == 0x0800) {  // IPv4 10.0.0.1 -> 10.0.0.2, UDP 1000 -> 2000
      uint8_t* ip = f.data() + 14;
      ip[0] = 0x45;
      ip[3] = 46;
      ip[8] = 64;
      ip[9] = 17;
      ip[12] = 10, ip[15] = 1;
      ip[16] = 10, ip[19] = 2;
      uint8_t* udp = ip + 20;
      udp[0] = 1000 >> 8, udp[1] = 1000 & 0xff;
      udp[2] = 2000 >> 8, udp[3] = 2000 & 0xff;
      udp[5] = 26;
    }
    return f;
  }

 private:
  int fd_ = -1;
  LocalChannelEnd local_;
  of::Framer framer_;
  bool eof_ = false;
};

}  // namespace ofkit::ctl::testing
