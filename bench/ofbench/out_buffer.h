#pragma once
// A connection's pending output: bytes appended at the tail, written to the
// socket from the head in as few write() calls as possible. PacketIns are
// appended only up to a soft limit (the caller checks free_below()); control
// replies always fit because the buffer grows for them (rare, never in the
// steady state).

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace ofkit::bench {

class OutBuffer {
 public:
  explicit OutBuffer(size_t capacity = 256 * 1024) : buf_(capacity) {}

  // Room for n more bytes at the tail; returns where to write them.
  uint8_t* append(size_t n) {
    if (buf_.size() - tail_ < n) make_room(n);
    uint8_t* p = buf_.data() + tail_;
    tail_ += n;
    return p;
  }
  void append(std::span<const uint8_t> bytes) {
    if (!bytes.empty()) std::memcpy(append(bytes.size()), bytes.data(), bytes.size());
  }
  // Drops the last n appended bytes (an encoder that wrote less).
  void unappend(size_t n) { tail_ -= n; }

  std::span<const uint8_t> pending() const { return {buf_.data() + head_, tail_ - head_}; }
  void consume(size_t n) {
    head_ += n;
    if (head_ == tail_) head_ = tail_ = 0;
  }
  size_t size() const { return tail_ - head_; }
  bool empty() const { return head_ == tail_; }
  // Bytes that can be appended while keeping size() <= limit.
  size_t free_below(size_t limit) const { return size() >= limit ? 0 : limit - size(); }
  void clear() { head_ = tail_ = 0; }

 private:
  void make_room(size_t n) {
    const size_t used = tail_ - head_;
    if (head_ > 0) {
      std::memmove(buf_.data(), buf_.data() + head_, used);
      head_ = 0;
      tail_ = used;
    }
    if (buf_.size() - tail_ < n) buf_.resize(std::max(buf_.size() * 2, tail_ + n));
  }

  std::vector<uint8_t> buf_;
  size_t head_ = 0;
  size_t tail_ = 0;
};

}  // namespace ofkit::bench
