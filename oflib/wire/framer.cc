#include "oflib/wire/framer.h"

#include <cstring>

namespace ofkit::of {

Framer::Framer(size_t capacity)
    : buf_(new uint8_t[std::max(capacity, kMinCapacity)]), cap_(std::max(capacity, kMinCapacity)) {}

std::span<uint8_t> Framer::write_space() {
  if (failed_) return {};
  if (head_ > 0 && (head_ == tail_ || cap_ - tail_ < kMaxMsgLen)) {
    // Move the partial message to the front so a whole one always fits.
    const size_t n = tail_ - head_;
    if (n > 0) std::memmove(buf_.get(), buf_.get() + head_, n);
    head_ = 0;
    tail_ = n;
  }
  return {buf_.get() + tail_, cap_ - tail_};
}

void Framer::commit(size_t n) { tail_ += std::min(n, cap_ - tail_); }

size_t Framer::feed(std::span<const uint8_t> bytes) {
  const auto space = write_space();
  const size_t n = std::min(space.size(), bytes.size());
  if (n > 0) std::memcpy(space.data(), bytes.data(), n);
  commit(n);
  return n;
}

std::optional<std::span<const uint8_t>> Framer::next() {
  if (failed_) return std::nullopt;
  const size_t len = whole_len(buf_.get() + head_, tail_ - head_);
  if (len == 0) {
    if (head_ == tail_) head_ = tail_ = 0;
    return std::nullopt;
  }
  std::span<const uint8_t> msg(buf_.get() + head_, len);
  head_ += len;
  return msg;
}

}  // namespace ofkit::of
