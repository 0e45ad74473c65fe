#pragma once
// Newline-delimited framing for the messenger: bytes in, whole lines out,
// every line bounded. A line longer than the bound (with or without its
// newline yet) is reported once as kTooLong; the caller answers with an
// error and closes, so the buffer never holds more than the bound plus one
// read's worth of bytes.

#include <cstddef>
#include <string>
#include <string_view>

namespace ofkit::ctl::msg {

class LineReader {
 public:
  enum class Status { kLine, kNeedMore, kTooLong };

  explicit LineReader(size_t max_line) : max_line_(max_line) {}

  void feed(std::string_view bytes);
  // The next complete line without its "\n" (and a "\r" before it), or
  // kNeedMore, or kTooLong (sticky: the stream has lost its framing).
  Status next(std::string* line);
  size_t buffered() const { return buf_.size() - off_; }
  size_t max_line() const { return max_line_; }

 private:
  size_t max_line_;
  std::string buf_;
  size_t off_ = 0;
  size_t scanned_ = 0;  // bytes after off_ already known to hold no '\n'
  bool too_long_ = false;
};

}  // namespace ofkit::ctl::msg
