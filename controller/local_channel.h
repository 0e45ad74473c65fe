#pragma once
// The in-process OpenFlow channel: two one-way byte pipes between a switch
// agent and the controller runtime living in the same process, so
// `ofdp --controller=local --app=l2_learning` needs no sockets.
//
// Each pipe carries a byte stream of whole OpenFlow messages, exactly what
// would travel over TCP (HELLO first, 8-byte headers, the length field frames
// messages). One producer and one consumer per pipe. Writes append to a
// buffer under a short mutex (the consumer takes the whole buffer by swap, so
// many messages move per lock) and signal an eventfd; the consumer polls the
// eventfd like a socket. Closing either end wakes the other, which then sees
// peer_closed() once it has drained what was sent before the close.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <vector>

namespace ofkit::ctl {

// One direction of the channel.
class LocalPipe {
 public:
  LocalPipe();
  ~LocalPipe();
  LocalPipe(const LocalPipe&) = delete;
  LocalPipe& operator=(const LocalPipe&) = delete;

  // Producer side. Returns false (and drops the bytes) once the pipe is closed.
  bool write(std::span<const uint8_t> bytes);
  // Consumer side: appends everything pending to *out and returns the number
  // of bytes appended; never blocks. Clears the eventfd.
  size_t read(std::vector<uint8_t>* out);
  // Becomes readable (EPOLLIN/POLLIN) when read() has bytes or after close().
  int event_fd() const { return event_fd_; }
  void close();
  bool closed() const { return closed_.load(std::memory_order_acquire); }
  // Bytes written and not yet read.
  size_t pending() const;

 private:
  void signal();

  mutable std::mutex mu_;
  std::vector<uint8_t> buffer_;
  std::atomic<bool> closed_{false};
  int event_fd_ = -1;
};

struct LocalChannel {
  LocalPipe to_controller;
  LocalPipe to_switch;
};

// One end of a LocalChannel. The switch gets one from
// EmbeddedController::connect_switch(); the controller runtime holds the other.
class LocalChannelEnd {
 public:
  LocalChannelEnd() = default;
  LocalChannelEnd(std::shared_ptr<LocalChannel> channel, bool is_switch_end)
      : channel_(std::move(channel)), is_switch_end_(is_switch_end) {}

  bool valid() const { return channel_ != nullptr; }
  // Sends bytes (one or more whole OpenFlow messages), as write() on a TCP
  // socket would. Returns false if either end has closed.
  bool send(std::span<const uint8_t> bytes);
  // Appends all bytes received so far to *out; returns how many. Non-blocking.
  size_t receive(std::vector<uint8_t>* out);
  // Poll this fd for readability: data arrived or the peer closed.
  int event_fd() const;
  // True when the other end closed and everything it sent has been received.
  bool peer_closed() const;
  // Closes both directions; the peer is woken and sees peer_closed().
  void close();

 private:
  LocalPipe& in() const { return is_switch_end_ ? channel_->to_switch : channel_->to_controller; }
  LocalPipe& out() const { return is_switch_end_ ? channel_->to_controller : channel_->to_switch; }

  std::shared_ptr<LocalChannel> channel_;
  bool is_switch_end_ = false;
};

// A connected pair: first is the switch end, second the controller end.
std::pair<LocalChannelEnd, LocalChannelEnd> make_local_channel();

}  // namespace ofkit::ctl
