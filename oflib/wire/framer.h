#pragma once
// Cuts a byte stream (TCP, unix socket) into whole OpenFlow messages.
//
// Bytes may arrive in any fragmentation or coalescing. The framer looks at
// a length field only once all 8 header bytes are present and hands out a
// message only once all its bytes are, so it never reads past what it has.
// A length field below 8 cannot be resynchronised from: the framer enters a
// sticky error state (OFPBRC_BAD_LEN), yields nothing more, and the owner
// closes the connection.
//
// Memory is one buffer of fixed capacity (>= 2 * 65535, the largest message
// plus room for the next read), allocated once; it never grows.
//
// Two ways to use it:
//   socket style:  auto space = f.write_space(); n = read(fd, space); f.commit(n);
//                  while (auto m = f.next()) handle(*m);
//   span style:    f.push(bytes, [](std::span<const uint8_t> msg) { ... });
// Spans handed out stay valid until the next write_space()/feed()/commit()/push().

#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>

#include "oflib/common/byte_order.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

class Framer {
 public:
  static constexpr size_t kMinCapacity = 2 * kMaxMsgLen + 2;
  explicit Framer(size_t capacity = 256 * 1024);

  // Free space after the buffered bytes (compacting first). Empty when in
  // error or when the buffer holds only whole messages not yet taken.
  std::span<uint8_t> write_space();
  // Marks n bytes of write_space() as filled.
  void commit(size_t n);
  // Copies as much of bytes as fits; returns how many were taken.
  size_t feed(std::span<const uint8_t> bytes);

  // The next whole message, or nullopt if none is complete (or in error).
  std::optional<std::span<const uint8_t>> next();

  // Frames all of bytes, calling on_message(span) for each whole message;
  // whole messages inside bytes are handed out without copying. Returns false
  // (and stops) once in error.
  template <typename F>
  bool push(std::span<const uint8_t> bytes, F&& on_message);

  bool failed() const { return failed_; }
  Ofperr error() const { return Ofperr::kBadRequestBadLen; }
  size_t buffered() const { return tail_ - head_; }
  size_t capacity() const { return cap_; }
  // Drops buffered bytes and clears the error (a new connection).
  void reset() {
    head_ = tail_ = 0;
    failed_ = false;
  }

 private:
  // Length of the complete message at p (avail bytes), 0 if incomplete;
  // sets failed_ on a length below 8.
  size_t whole_len(const uint8_t* p, size_t avail) {
    if (avail < kHeaderLen) return 0;
    const uint16_t len = load_be16(p + 2);
    if (len < kHeaderLen) {
      failed_ = true;
      return 0;
    }
    return len <= avail ? len : 0;
  }

  // Bytes still needed to complete the header or message at head_ (buffer
  // holds a partial message).
  size_t missing() const {
    const size_t avail = buffered();
    if (avail < kHeaderLen) return kHeaderLen - avail;
    const size_t len = load_be16(buf_.get() + head_ + 2);
    return len > avail ? len - avail : 0;
  }

  std::unique_ptr<uint8_t[]> buf_;
  size_t cap_;
  size_t head_ = 0;
  size_t tail_ = 0;
  bool failed_ = false;
};

template <typename F>
bool Framer::push(std::span<const uint8_t> bytes, F&& on_message) {
  // Complete a buffered partial message with just the bytes it lacks, then
  // hand out whole messages straight from bytes, then buffer the remainder.
  while (auto m = next()) on_message(*m);
  while (!failed_ && buffered() > 0 && !bytes.empty()) {
    const size_t n = feed(bytes.first(std::min(missing(), bytes.size())));
    bytes = bytes.subspan(n);
    while (auto m = next()) on_message(*m);
  }
  if (failed_) return false;
  if (buffered() > 0) return true;  // bytes ran out inside a message
  while (!bytes.empty()) {
    const size_t len = whole_len(bytes.data(), bytes.size());
    if (failed_) return false;
    if (len == 0) break;
    on_message(bytes.first(len));
    bytes = bytes.subspan(len);
  }
  if (!bytes.empty()) feed(bytes);  // a partial message (< 65535 bytes) always fits
  return true;
}

}  // namespace ofkit::of
