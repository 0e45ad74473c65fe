// libFuzzer target: capture files of any shape through both readers. Every
// input must end in kEnd or kError (never a crash, hang or out-of-bounds
// read), the frames must lie inside the input for the mapped reader, a
// rewind must replay the same frames, and when both readers accept a classic
// pcap completely they must agree on the frame count.
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>

#include "pcap/trace_file.h"

using namespace ofkit::pcap;

namespace {

struct Pass {
  ReadStatus status;
  uint64_t frames = 0;
  uint64_t sum = 0;
};

Pass read_all(TraceReader& r, std::span<const uint8_t> input) {
  Pass p;
  TraceFrame f;
  while ((p.status = r.next(&f)) == ReadStatus::kFrame) {
    ++p.frames;
    if (r.stable_views() && !f.data.empty() &&
        (f.data.data() < input.data() || f.data.data() + f.data.size() > input.data() + input.size())) {
      std::abort();
    }
    for (uint8_t b : f.data) p.sum += b;
    p.sum += f.timestamp_ns + f.orig_len;
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::span<const uint8_t> input(data, size);
  Pass results[2];
  bool opened[2] = {false, false};
  for (int b = 0; b < 2; ++b) {
    OpenOptions o;
    o.backend = b == 0 ? OpenOptions::Backend::kAuto : OpenOptions::Backend::kLibpcap;
    std::string err;
    auto r = TraceReader::open_memory(input, "fuzz", &err, o);
    if (!r) {
      if (err.empty()) std::abort();  // a refusal always says why
      continue;
    }
    opened[b] = true;
    results[b] = read_all(*r, input);
    if (results[b].status == ReadStatus::kError && r->error().empty()) std::abort();
    if (!r->rewind()) continue;
    const Pass again = read_all(*r, input);
    if (again.frames != results[b].frames || again.sum != results[b].sum ||
        again.status != results[b].status) {
      std::abort();
    }
  }
  return 0;
}
