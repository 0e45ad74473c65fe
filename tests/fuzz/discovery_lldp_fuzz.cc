// libFuzzer target: the discovery app's LLDP wrapper (parse_discovery_lldp),
// which reads every LLDP frame a switch sends up. Any frame gives a port or
// nullopt, never a crash or out-of-bounds read. Invariants: a parsed port is
// in 1..of::port::kMax; the frame discovery would build for that (dpid,
// port) parses back to it; and the first bytes, read as a (dpid, port, MAC),
// round-trip through build_discovery_lldp whenever the port is valid.
#include <array>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <span>
#include <vector>

#include "controller/apps/discovery.h"
#include "oflib/wire/constants.h"

using namespace ofkit;
using namespace ofkit::ctl;

namespace {

void check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Copy so ASan sees reads past the frame's end.
  const std::vector<uint8_t> frame(data, data + size);
  const auto got = parse_discovery_lldp(std::span<const uint8_t>(frame.data(), frame.size()));
  if (got) {
    check(got->port >= 1 && got->port <= of::port::kMax);
    const auto built = build_discovery_lldp(got->dpid, got->port, MacAddr{});
    const auto back = parse_discovery_lldp(built);
    check(back && *back == *got);
  }
  if (size >= 16) {
    uint64_t dpid;
    uint16_t port;
    std::memcpy(&dpid, data, 8);
    std::memcpy(&port, data + 8, 2);
    std::array<uint8_t, 6> mac;
    std::memcpy(mac.data(), data + 10, 6);
    const auto built = build_discovery_lldp(dpid, port, MacAddr::from_bytes(mac.data()));
    check(built.size() >= 60);
    const auto back = parse_discovery_lldp(built);
    if (port >= 1 && port <= of::port::kMax) {
      check(back.has_value() && back->dpid == dpid && back->port == port);
    } else {
      check(!back.has_value());
    }
  }
  return 0;
}
