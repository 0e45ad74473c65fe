// libFuzzer: IPv6 extension-header walk. The input is an IPv6 packet
// (header included); the walk must stay inside it and agree with itself.
#include <cstdlib>
#include <vector>

#include "oflib/packet/ipv6.h"

using namespace ofkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> in(data, data + size);
  auto ip = Ipv6View::parse(in);
  if (!ip) return 0;
  const Ipv6Walk w = walk_ipv6_extensions(*ip);
  if (w.num_ext > Ipv6Walk::kMaxExt) std::abort();
  const size_t extent = 40 + ip->payload().size();
  for (size_t i = 0; i < w.num_ext; ++i) {
    if (w.ext[i].offset + w.ext[i].length > extent) std::abort();
    auto e = Ipv6ExtView::parse(ip->bytes().subspan(w.ext[i].offset), w.ext[i].type);
    if (!e) std::abort();
    (void)e->body();
  }
  if (w.ok && w.upper_offset > extent) std::abort();
  return 0;
}
