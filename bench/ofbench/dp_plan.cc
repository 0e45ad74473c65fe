#include "bench/ofbench/dp_plan.h"

#include <algorithm>
#include <cstring>

#include "oflib/common/byte_order.h"
#include "oflib/packet/checksum.h"

namespace ofkit::bench {

uint16_t dp_host_port(uint32_t host, uint16_t ports) {
  return static_cast<uint16_t>(host % std::max<uint16_t>(ports, 1));
}

MacAddr dp_host_mac(uint32_t host) { return MacAddr::from_u64((uint64_t{0x020d} << 32) | (host & 0xffffff)); }

uint64_t dp_pairs_available(uint32_t hosts, uint16_t ports) {
  if (ports < 2) return 0;
  uint64_t total = 0;
  for (uint16_t p = 0; p < ports; ++p) {
    const uint64_t on_p = hosts / ports + (p < hosts % ports ? 1 : 0);
    total += on_p * (hosts - on_p);
  }
  return total;
}

FlowPlan make_flow_plan(uint32_t flows, uint16_t ports) {
  FlowPlan plan;
  plan.ports = std::max<uint16_t>(ports, 2);
  uint32_t hosts = plan.ports;
  while (dp_pairs_available(hosts, plan.ports) < flows) ++hosts;
  plan.hosts = hosts;
  plan.pairs.reserve(flows);
  for (uint32_t d = 1; d < hosts && plan.pairs.size() < flows; ++d) {
    for (uint32_t a = 0; a < hosts && plan.pairs.size() < flows; ++a) {
      const uint32_t b = (a + d) % hosts;
      if (dp_host_port(a, plan.ports) != dp_host_port(b, plan.ports)) plan.pairs.push_back({a, b});
    }
  }
  return plan;
}

void build_dp_frame(uint8_t* f, uint32_t src, uint32_t dst, DpPhase phase) {
  std::memset(f, 0, kDpFrameLen);
  const MacAddr d = dst == UINT32_MAX ? MacAddr::from_u64(0xffffffffffffull) : dp_host_mac(dst);
  const MacAddr s = dp_host_mac(src);
  std::memcpy(f, d.bytes.data(), 6);
  std::memcpy(f + 6, s.bytes.data(), 6);
  store_be16(f + 12, 0x0800);
  uint8_t* ip = f + 14;
  ip[0] = 0x45;
  store_be16(ip + 2, kDpFrameLen - 14);
  ip[8] = 64;
  ip[9] = 17;
  store_be32(ip + 12, 0x0a000000u | (src & 0xffffff));
  store_be32(ip + 16, dst == UINT32_MAX ? 0xffffffffu : 0x0a000000u | (dst & 0xffffff));
  store_be16(ip + 10, ipv4_header_checksum(ip, 20));
  uint8_t* udp = ip + 20;
  store_be16(udp, 4000);
  store_be16(udp + 2, 5000);
  store_be16(udp + 4, kDpFrameLen - 34);  // checksum 0: none (the tag changes per send)
  store_be32(f + kDpTagOffset, kDpTagMagic);
  f[kDpTagOffset + 4] = static_cast<uint8_t>(phase);
}

void stamp_dp_frame(uint8_t* f, uint32_t id, uint64_t sent_ns) {
  store_be32(f + kDpTagOffset + 5, id);
  store_be64(f + kDpTagOffset + 9, sent_ns);
}

std::optional<DpTag> parse_dp_tag(std::span<const uint8_t> f) {
  if (f.size() < kDpTagOffset + 17) return std::nullopt;
  if (load_be32(f.data() + kDpTagOffset) != kDpTagMagic) return std::nullopt;
  const uint8_t phase = f[kDpTagOffset + 4];
  if (phase != static_cast<uint8_t>(DpPhase::kLearn) && phase != static_cast<uint8_t>(DpPhase::kOffer))
    return std::nullopt;
  return DpTag{static_cast<DpPhase>(phase), load_be32(f.data() + kDpTagOffset + 5),
               load_be64(f.data() + kDpTagOffset + 9)};
}

OfdpStats parse_ofdp_stats(const std::string& text) {
  OfdpStats s;
  auto number = [](const std::string& line, const std::string& key) -> uint64_t {
    const size_t at = line.find(key);
    if (at == std::string::npos) return 0;
    return std::strtoull(line.c_str() + at + key.size(), nullptr, 10);
  };
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string line = text.substr(start, end - start);
    start = end + 1;
    if (line.rfind("worker ", 0) == 0) {
      s.worker_rx += number(line, " rx=");
      s.worker_tx += number(line, " tx=");
      s.packet_ins += number(line, " packet_ins=");
      s.rate_limited += number(line, " rate_limited=");
      s.misses += number(line, " misses=");
    } else if (line.rfind("flows=", 0) == 0) {
      s.flows = number(line, "flows=");
      s.flow_mods = number(line, " flow_mods=");
    } else if (line.rfind("agent:", 0) == 0) {
      s.controller_connects = number(line, "controller_connects ");
    }
  }
  return s;
}

}  // namespace ofkit::bench
