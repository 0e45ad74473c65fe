#include "e2e/trace_diff.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>

#include "oflib/packet/flow_extract.h"
#include "oflib/text/flow_syntax.h"
#include "oflib/wire/match.h"
#include "pcap/trace_file.h"

namespace ofkit::e2e {

bool read_frames(const std::string& path, std::vector<Frame>* frames, std::string* error) {
  frames->clear();
  auto reader = pcap::TraceReader::open(path, error);
  if (!reader) return false;
  pcap::TraceFrame f;
  pcap::ReadStatus st;
  while ((st = reader->next(&f)) == pcap::ReadStatus::kFrame)
    frames->push_back(Frame{f.timestamp_ns, std::vector<uint8_t>(f.data.begin(), f.data.end())});
  if (st == pcap::ReadStatus::kError) {
    *error = reader->error();
    return false;
  }
  return true;
}

bool write_frames(const std::string& path, const std::vector<Frame>& frames, std::string* error) {
  auto writer = pcap::TraceWriter::create(path, error);
  if (!writer) return false;
  for (const Frame& f : frames) writer->write(f.data, f.timestamp_ns);
  writer->flush();
  return true;
}

std::string summarize(std::span<const uint8_t> data) {
  FlowKey key;
  extract_flow_key(data.data(), data.size(), 0, &key);
  of::Match m;
  m.wildcards = of::wildcards::kInPort;
  m.key = key;
  // Normalized, the fields that do not apply to the frame (nw_* of a
  // non-IP frame, ...) are left out.
  return "len=" + std::to_string(data.size()) + " " + text::format_match(of::normalize_match(m));
}

namespace {

enum class Op { kSame, kMissing, kExtra };

// The edit script turning EXPECTED into GOT, by a longest common
// subsequence of whole frames. Traces here hold at most a few hundred
// frames; beyond kMaxCells the alignment is index by index.
std::vector<Op> align(const std::vector<Frame>& a, const std::vector<Frame>& b) {
  constexpr size_t kMaxCells = 16u << 20;
  const size_t n = a.size(), m = b.size();
  std::vector<Op> ops;
  if ((n + 1) * (m + 1) > kMaxCells) {
    for (size_t i = 0; i < std::max(n, m); ++i) {
      if (i < n && i < m && a[i].data == b[i].data) {
        ops.push_back(Op::kSame);
      } else {
        if (i < n) ops.push_back(Op::kMissing);
        if (i < m) ops.push_back(Op::kExtra);
      }
    }
    return ops;
  }
  // lcs[i][j]: LCS length of a[i..] and b[j..].
  std::vector<uint32_t> lcs((n + 1) * (m + 1), 0);
  auto at = [&](size_t i, size_t j) -> uint32_t& { return lcs[i * (m + 1) + j]; };
  for (size_t i = n; i-- > 0;)
    for (size_t j = m; j-- > 0;)
      at(i, j) = a[i].data == b[j].data ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
  size_t i = 0, j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i].data == b[j].data) {
      ops.push_back(Op::kSame);
      ++i;
      ++j;
    } else if (j == m || (i < n && at(i + 1, j) >= at(i, j + 1))) {
      ops.push_back(Op::kMissing);
      ++i;
    } else {
      ops.push_back(Op::kExtra);
      ++j;
    }
  }
  return ops;
}

std::string rel_time(const std::vector<Frame>& t, size_t i) {
  char buf[32];
  const uint64_t d = t[i].timestamp_ns - std::min(t[i].timestamp_ns, t.front().timestamp_ns);
  std::snprintf(buf, sizeof buf, "+%" PRIu64 ".%06" PRIu64 "s", d / 1'000'000'000, d % 1'000'000'000 / 1000);
  return buf;
}

std::string first_difference(const std::vector<uint8_t>& x, const std::vector<uint8_t>& y) {
  const size_t common = std::min(x.size(), y.size());
  for (size_t k = 0; k < common; ++k) {
    if (x[k] != y[k]) {
      char buf[96];
      std::snprintf(buf, sizeof buf, "first difference at byte %zu (expected 0x%02x, got 0x%02x)", k, x[k],
                    y[k]);
      return buf;
    }
  }
  return "same first " + std::to_string(common) + " bytes, lengths " + std::to_string(x.size()) + " vs " +
         std::to_string(y.size());
}

}  // namespace

TraceDiff diff_frames(const std::vector<Frame>& expected, const std::vector<Frame>& got, size_t max_lines) {
  TraceDiff d;
  const std::vector<Op> ops = align(expected, got);
  std::vector<std::string> lines;
  size_t i = 0, j = 0, k = 0;
  while (k < ops.size()) {
    if (ops[k] == Op::kSame) {
      ++d.matching;
      ++i;
      ++j;
      ++k;
      continue;
    }
    // A run of differences: its missing frames and extra frames, paired up.
    std::vector<size_t> miss, extra;
    for (; k < ops.size() && ops[k] != Op::kSame; ++k) {
      if (ops[k] == Op::kMissing)
        miss.push_back(i++);
      else
        extra.push_back(j++);
    }
    const size_t pairs = std::min(miss.size(), extra.size());
    for (size_t p = 0; p < pairs; ++p) {
      const Frame& e = expected[miss[p]];
      const Frame& g = got[extra[p]];
      ++d.changed;
      lines.push_back("  changed  expected #" + std::to_string(miss[p]) + " " + rel_time(expected, miss[p]) +
                      " / got #" + std::to_string(extra[p]) + " " + rel_time(got, extra[p]) + ": " +
                      first_difference(e.data, g.data) + "\n      expected " + summarize(e.data) +
                      "\n      got      " + summarize(g.data));
    }
    for (size_t p = pairs; p < miss.size(); ++p) {
      ++d.missing;
      lines.push_back("  missing  expected #" + std::to_string(miss[p]) + " " + rel_time(expected, miss[p]) +
                      " (not in got, which has " + std::to_string(j) +
                      " frames before this point)\n      expected " + summarize(expected[miss[p]].data));
    }
    for (size_t p = pairs; p < extra.size(); ++p) {
      ++d.extra;
      lines.push_back("  extra    got #" + std::to_string(extra[p]) + " " + rel_time(got, extra[p]) +
                      " (not expected)\n      got      " + summarize(got[extra[p]].data));
    }
  }
  d.same = d.changed == 0 && d.missing == 0 && d.extra == 0;
  if (d.same) return d;
  d.report = "expected " + std::to_string(expected.size()) + " frames, got " + std::to_string(got.size()) +
             ": " + std::to_string(d.matching) + " same, " + std::to_string(d.changed) + " changed, " +
             std::to_string(d.missing) + " missing, " + std::to_string(d.extra) + " extra\n";
  for (size_t l = 0; l < lines.size() && l < max_lines; ++l) d.report += lines[l] + "\n";
  if (lines.size() > max_lines)
    d.report += "  ... and " + std::to_string(lines.size() - max_lines) + " more\n";
  return d;
}

}  // namespace ofkit::e2e
