#pragma once
// A Channel is one OpenFlow byte stream between the agent and a peer: a
// controller the agent connected to (tcp:, unix:), a management client that
// connected to a listener (ptcp:, punix:), or the in-process controller
// (local). The agent frames messages itself; a channel only moves bytes and
// never blocks: send() queues, flush() writes what the peer takes and is
// called again when fd() becomes writable. The agent gathers the messages of
// one loop iteration and flushes once (one send() for many messages).

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace ofkit::dp {

enum class IoStatus { kOk, kClosed };

class Channel {
 public:
  virtual ~Channel() = default;
  // The fd to watch: readable when receive() has something, writable when a
  // pending flush() can progress. -1 when there is nothing to poll.
  virtual int fd() const = 0;
  // Appends what is available (possibly nothing) to *in. kClosed on EOF or
  // error; error() then says why.
  virtual IoStatus receive(std::vector<uint8_t>* in) = 0;
  // Queues bytes; a channel may write when its queue grows large, but the
  // caller must flush() to be sure they leave.
  virtual IoStatus send(std::span<const uint8_t> bytes) = 0;
  virtual IoStatus flush() = 0;
  // Bytes queued but not yet taken by the peer.
  virtual size_t pending() const = 0;
  virtual std::string name() const = 0;
  virtual const std::string& error() const = 0;
};

}  // namespace ofkit::dp
