#pragma once
// The byte stream under one OpenFlow connection: a TCP or unix socket, or an
// in-process LocalChannel. The connection code is the same for all three.

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "controller/local_channel.h"

namespace ofkit::ctl {

class Transport {
 public:
  static constexpr ssize_t kWouldBlock = -1;
  static constexpr ssize_t kError = -2;

  virtual ~Transport() = default;
  // The fd to poll for readability (a socket, or the channel's eventfd).
  virtual int fd() const = 0;
  // Appends up to max bytes to buf: > 0 bytes read, 0 end of stream,
  // kWouldBlock, kError.
  virtual ssize_t read_into(std::vector<uint8_t>& buf, size_t max) = 0;
  // Writes up to n bytes: >= 0 written, kWouldBlock, kError.
  virtual ssize_t write(const uint8_t* p, size_t n) = 0;
  // Whether a short write can happen (sockets); a local channel takes everything.
  virtual bool can_block_writes() const { return true; }
  virtual void close() = 0;
  virtual std::string peer() const = 0;
};

// Takes ownership of a connected non-blocking socket.
std::unique_ptr<Transport> make_socket_transport(int fd, std::string peer);
// The controller end of an in-process channel.
std::unique_ptr<Transport> make_local_transport(LocalChannelEnd end, std::string peer);

}  // namespace ofkit::ctl
