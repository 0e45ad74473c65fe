// libFuzzer: DNS messages. Whatever parses and can be written back (with and
// without compression) must parse again, and writing that again must give
// the same bytes (labels holding '.' are split on the first write, so
// equality is checked from the second round on).
#include <cstdlib>
#include <cstring>
#include <vector>

#include "oflib/packet/dns.h"

using namespace ofkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> in(data, data + size);
  auto m = DnsMessage::parse(in);
  if (!m) return 0;
  std::vector<uint8_t> out(65536), out2(65536);
  for (bool compress : {false, true}) {
    const size_t n = m->write(out, compress);
    if (n == 0) continue;  // empty labels ("a..b") cannot be written
    auto again = DnsMessage::parse(Bytes(out.data(), n));
    if (!again) std::abort();
    const size_t n2 = again->write(out2, compress);
    if (n2 != n || std::memcmp(out.data(), out2.data(), n) != 0) std::abort();
  }
  return 0;
}
