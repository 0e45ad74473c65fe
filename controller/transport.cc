#include "controller/transport.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

namespace ofkit::ctl {
namespace {

class SocketTransport : public Transport {
 public:
  SocketTransport(int fd, std::string peer) : fd_(fd), peer_(std::move(peer)) {}
  ~SocketTransport() override { close(); }
  int fd() const override { return fd_; }
  ssize_t read_into(std::vector<uint8_t>& buf, size_t max) override {
    const size_t old = buf.size();
    buf.resize(old + max);
    ssize_t n;
    do n = ::recv(fd_, buf.data() + old, max, 0);
    while (n < 0 && errno == EINTR);
    buf.resize(old + (n > 0 ? static_cast<size_t>(n) : 0));
    if (n < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? kWouldBlock : kError;
    return n;
  }
  ssize_t write(const uint8_t* p, size_t n) override {
    ssize_t w;
    do w = ::send(fd_, p, n, MSG_NOSIGNAL);
    while (w < 0 && errno == EINTR);
    if (w < 0) return (errno == EAGAIN || errno == EWOULDBLOCK) ? kWouldBlock : kError;
    return w;
  }
  void close() override {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }
  std::string peer() const override { return peer_; }

 private:
  int fd_;
  std::string peer_;
};

class LocalTransport : public Transport {
 public:
  LocalTransport(LocalChannelEnd end, std::string peer) : end_(std::move(end)), peer_(std::move(peer)) {}
  ~LocalTransport() override { close(); }
  int fd() const override { return end_.event_fd(); }
  ssize_t read_into(std::vector<uint8_t>& buf, size_t) override {
    const size_t n = end_.receive(&buf);
    if (n > 0) return static_cast<ssize_t>(n);
    return end_.peer_closed() ? 0 : kWouldBlock;
  }
  ssize_t write(const uint8_t* p, size_t n) override {
    return end_.send({p, n}) ? static_cast<ssize_t>(n) : kError;
  }
  bool can_block_writes() const override { return false; }
  void close() override { end_.close(); }
  std::string peer() const override { return peer_; }

 private:
  LocalChannelEnd end_;
  std::string peer_;
};

}  // namespace

std::unique_ptr<Transport> make_socket_transport(int fd, std::string peer) {
  return std::make_unique<SocketTransport>(fd, std::move(peer));
}
std::unique_ptr<Transport> make_local_transport(LocalChannelEnd end, std::string peer) {
  return std::make_unique<LocalTransport>(std::move(end), std::move(peer));
}

}  // namespace ofkit::ctl
