#include "controller/local_channel.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdio>
#include <stdexcept>

namespace ofkit::ctl {

LocalPipe::LocalPipe() {
  event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (event_fd_ < 0) throw std::runtime_error("eventfd failed");
}

LocalPipe::~LocalPipe() {
  if (event_fd_ >= 0) ::close(event_fd_);
}

void LocalPipe::signal() {
  const uint64_t one = 1;
  // EAGAIN only when the counter would overflow: it is readable anyway.
  [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);
}

bool LocalPipe::write(std::span<const uint8_t> bytes) {
  if (closed()) return false;
  bool was_empty;
  {
    std::lock_guard lock(mu_);
    was_empty = buffer_.empty();
    buffer_.insert(buffer_.end(), bytes.begin(), bytes.end());
  }
  // The consumer clears the eventfd before it takes the buffer, so a write
  // into a non-empty buffer is already covered by an earlier signal.
  if (was_empty) signal();
  return true;
}

size_t LocalPipe::read(std::vector<uint8_t>* out) {
  uint64_t count;
  [[maybe_unused]] ssize_t n = ::read(event_fd_, &count, sizeof count);
  std::lock_guard lock(mu_);
  const size_t got = buffer_.size();
  if (got == 0) return 0;
  if (out->empty()) {
    out->swap(buffer_);  // keeps the consumer's old capacity for the next writes
  } else {
    out->insert(out->end(), buffer_.begin(), buffer_.end());
  }
  buffer_.clear();
  return got;
}

size_t LocalPipe::pending() const {
  std::lock_guard lock(mu_);
  return buffer_.size();
}

void LocalPipe::close() {
  if (!closed_.exchange(true, std::memory_order_acq_rel)) signal();
}

bool LocalChannelEnd::send(std::span<const uint8_t> bytes) {
  if (!channel_ || in().closed()) return false;
  return out().write(bytes);
}

size_t LocalChannelEnd::receive(std::vector<uint8_t>* out_bytes) {
  if (!channel_) return 0;
  return in().read(out_bytes);
}

int LocalChannelEnd::event_fd() const { return channel_ ? in().event_fd() : -1; }

bool LocalChannelEnd::peer_closed() const {
  if (!channel_) return true;
  return in().closed() && in().pending() == 0;
}

void LocalChannelEnd::close() {
  if (!channel_) return;
  out().close();
  in().close();
}

std::pair<LocalChannelEnd, LocalChannelEnd> make_local_channel() {
  auto ch = std::make_shared<LocalChannel>();
  return {LocalChannelEnd(ch, true), LocalChannelEnd(ch, false)};
}

}  // namespace ofkit::ctl
