#pragma once
// Non-blocking stream sockets (TCP and unix) for the agent: connecting,
// listening, accepting, and SocketChannel, the Channel over one connected fd.

#include <memory>
#include <string>

#include "datapath/channel.h"
#include "datapath/channel_target.h"

namespace ofkit::dp {

// Starts a non-blocking connect to a kTcp or kUnix target. Returns the fd (the
// connect may still be in progress: wait for writability, then call
// finish_connect) or -1 with *error set.
int start_connect(const Target& target, std::string* error);
// After writability: 0 when connected, else the errno of the failed connect.
int finish_connect(int fd);

// Binds and listens on a kPtcp or kPunix target (a stale unix socket file is
// replaced). Returns the fd or -1 with *error set.
int listen_on(const Target& target, std::string* error);
// The local port a TCP socket is bound to (for ptcp:0), or 0.
uint16_t local_port(int fd);
// Accepts one connection, non-blocking; -1 when none is pending.
int accept_nonblocking(int listen_fd, std::string* peer_name);

// send() queues (writing early only past kWriteEarlyBytes); flush() writes.
class SocketChannel final : public Channel {
 public:
  // Takes ownership of a connected fd; made non-blocking here.
  SocketChannel(int fd, std::string name);
  ~SocketChannel() override;

  int fd() const override { return fd_; }
  IoStatus receive(std::vector<uint8_t>* in) override;
  IoStatus send(std::span<const uint8_t> bytes) override;
  IoStatus flush() override;
  size_t pending() const override { return out_.size() - out_pos_; }
  std::string name() const override { return name_; }
  const std::string& error() const override { return error_; }
  // send() syscalls made so far (tests check that writes are gathered).
  uint64_t write_calls() const { return write_calls_; }

  static constexpr size_t kWriteEarlyBytes = 64 * 1024;

 private:
  int fd_;
  std::string name_;
  std::string error_;
  std::vector<uint8_t> out_;
  size_t out_pos_ = 0;
  uint64_t write_calls_ = 0;
  bool closed_ = false;
};

}  // namespace ofkit::dp
