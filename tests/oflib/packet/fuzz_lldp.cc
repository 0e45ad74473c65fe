// libFuzzer: LLDPDUs; whatever parses is written back and parses the same.
#include <cstdlib>
#include <vector>

#include "oflib/packet/lldp.h"

using namespace ofkit;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::vector<uint8_t> in(data, data + size);
  auto l = Lldpdu::parse(in);
  if (!l) return 0;
  std::vector<uint8_t> out(size + 64);
  const size_t n = l->write(out);
  if (n == 0) return 0;  // e.g. End TLV type reused inside "other" or oversize mgmt address
  auto again = Lldpdu::parse(Bytes(out.data(), n));
  if (!again) std::abort();
  if (again->ttl != l->ttl || again->port_id.size() != l->port_id.size() ||
      again->system_name != l->system_name ||
      again->management_addresses.size() != l->management_addresses.size())
    std::abort();
  return 0;
}
