// libFuzzer target: the messenger's line framing (LineReader). The first two
// bytes choose the line bound and a chunking seed; the rest is the stream.
// Whatever the chunking, the reader must yield exactly what a reference
// splitter yields on the whole stream: the lines (without "\n" and one "\r"
// before it) up to the first line longer than the bound, then kTooLong
// forever. While it waits for more it never holds more than the bound.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "controller/messenger/line_reader.h"

using ofkit::ctl::msg::LineReader;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

struct Outcome {
  std::vector<std::string> lines;
  bool too_long = false;
};

// The specification, on the whole stream at once.
Outcome reference(std::string_view s, size_t max_line) {
  Outcome o;
  size_t off = 0;
  for (;;) {
    const size_t nl = s.find('\n', off);
    if (nl == std::string_view::npos) {
      // A partial line: too long once it holds more than the bound, not
      // counting a '\r' that may yet be followed by its '\n'.
      size_t len = s.size() - off;
      if (len > 0 && s.back() == '\r') --len;
      o.too_long = len > max_line;
      return o;
    }
    size_t len = nl - off;
    if (len > 0 && s[off + len - 1] == '\r') --len;
    if (len > max_line) {
      o.too_long = true;
      return o;
    }
    o.lines.emplace_back(s.substr(off, len));
    off = nl + 1;
  }
}

// Feeds the stream in chunks of the given sizes (cycled), draining after each.
Outcome run(std::string_view s, size_t max_line, const std::vector<size_t>& chunks) {
  LineReader r(max_line);
  Outcome o;
  size_t pos = 0, k = 0;
  std::string line;
  while (pos < s.size()) {
    const size_t n = std::min(chunks[k++ % chunks.size()], s.size() - pos);
    r.feed(s.substr(pos, n));
    pos += n;
    for (;;) {
      const auto st = r.next(&line);
      if (st == LineReader::Status::kLine) {
        check(line.size() <= max_line);
        check(line.find('\n') == std::string::npos);
        o.lines.push_back(line);
        continue;
      }
      if (st == LineReader::Status::kTooLong) {
        o.too_long = true;
        check(r.next(&line) == LineReader::Status::kTooLong);  // sticky
        return o;
      }
      // Waiting: only the partial line is held, and it is within the bound
      // (plus a '\r' that may precede its '\n').
      check(r.buffered() <= max_line + 1);
      break;
    }
  }
  return o;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t max_line = data[0] % 64;
  uint32_t seed = data[1];
  const std::string_view s(reinterpret_cast<const char*>(data + 2), size - 2);
  const Outcome want = reference(s, max_line);

  const Outcome whole = run(s, max_line, {s.size() + 1});
  check(whole.lines == want.lines && whole.too_long == want.too_long);
  const Outcome bytes = run(s, max_line, {1});
  check(bytes.lines == want.lines && bytes.too_long == want.too_long);
  std::vector<size_t> chunks;
  for (int i = 0; i < 8; ++i) {
    seed = seed * 1103515245u + 12345u;
    chunks.push_back(1 + (seed >> 16) % 17);
  }
  const Outcome mixed = run(s, max_line, chunks);
  check(mixed.lines == want.lines && mixed.too_long == want.too_long);
  return 0;
}
