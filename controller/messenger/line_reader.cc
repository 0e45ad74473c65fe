#include "controller/messenger/line_reader.h"

namespace ofkit::ctl::msg {

void LineReader::feed(std::string_view bytes) {
  if (too_long_) return;
  // Compact once the consumed prefix dominates, so the buffer stays bounded.
  if (off_ > 0 && off_ >= buf_.size() / 2) {
    buf_.erase(0, off_);
    off_ = 0;
  }
  buf_.append(bytes);
}

LineReader::Status LineReader::next(std::string* line) {
  if (too_long_) return Status::kTooLong;
  const size_t nl = buf_.find('\n', off_ + scanned_);
  if (nl == std::string::npos) {
    scanned_ = buf_.size() - off_;
    // A trailing '\r' may be the first half of a "\r\n" still in flight: it
    // does not count towards the line's length (as it would not once the
    // '\n' arrives).
    const size_t pending = scanned_ - (scanned_ > 0 && buf_.back() == '\r' ? 1 : 0);
    if (pending > max_line_) {
      too_long_ = true;
      return Status::kTooLong;
    }
    return Status::kNeedMore;
  }
  size_t len = nl - off_;
  if (len > 0 && buf_[off_ + len - 1] == '\r') --len;
  if (len > max_line_) {
    too_long_ = true;
    return Status::kTooLong;
  }
  line->assign(buf_, off_, len);
  off_ = nl + 1;
  scanned_ = 0;
  if (off_ == buf_.size()) {
    buf_.clear();
    off_ = 0;
  }
  return Status::kLine;
}

}  // namespace ofkit::ctl::msg
