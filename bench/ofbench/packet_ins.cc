#include "bench/ofbench/packet_ins.h"

#include <algorithm>

#include "oflib/packet/checksum.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/packet_in.h"

namespace ofkit::bench {

MacAddr host_mac(uint32_t switch_index, uint32_t host) {
  return MacAddr::from_u64((uint64_t{0x02} << 40) | (uint64_t{(switch_index >> 16) & 0xff} << 32) |
                           (uint64_t{switch_index & 0xffff} << 16) | (host & 0xffff));
}

uint16_t host_port(uint32_t host, uint16_t ports) {
  return static_cast<uint16_t>(1 + host % std::max<uint16_t>(ports, 1));
}

namespace {

// Destination host for template t from host src: cycles through the other
// hosts, preferring one on another port.
uint32_t pick_dst(uint32_t src, size_t t, uint32_t macs, uint16_t ports) {
  if (macs < 2) return src;
  const uint32_t round = static_cast<uint32_t>(t / macs);
  uint32_t dst = static_cast<uint32_t>((src + 1 + (uint64_t{round} * 7919) % (macs - 1)) % macs);
  for (uint32_t tries = 0;
       tries < macs && (dst == src || (ports > 1 && host_port(dst, ports) == host_port(src, ports))); ++tries)
    dst = (dst + 1) % macs;
  if (dst == src) dst = (src + 1) % macs;
  return dst;
}

void build_frame(uint8_t* f, uint32_t sw, uint32_t src, uint32_t dst) {
  std::fill(f, f + kFrameLen, 0);
  const MacAddr d = host_mac(sw, dst), s = host_mac(sw, src);
  std::copy(d.bytes.begin(), d.bytes.end(), f);
  std::copy(s.bytes.begin(), s.bytes.end(), f + 6);
  store_be16(f + 12, 0x0800);  // IPv4
  uint8_t* ip = f + 14;
  ip[0] = 0x45;
  store_be16(ip + 2, kFrameLen - 14);
  ip[8] = 64;  // TTL
  ip[9] = 17;  // UDP
  // 10.S.H.H / 10.S.H.H with S from the switch, H from the host (unique enough for humans reading dumps).
  store_be32(ip + 12, 0x0a000000u | ((sw & 0xff) << 16) | (src & 0xffff));
  store_be32(ip + 16, 0x0a000000u | ((sw & 0xff) << 16) | (dst & 0xffff));
  store_be16(ip + 10, ipv4_header_checksum(ip, 20));
  uint8_t* udp = ip + 20;
  store_be16(udp, 1024);
  store_be16(udp + 2, 2048);
  store_be16(udp + 4, kFrameLen - 34);
  // UDP checksum 0: none (the tag changes with every send).
  store_be32(f + kFrameTagOffset, kFrameTagMagic);
}

}  // namespace

PacketInTemplates build_packet_ins(uint32_t switch_index, uint32_t macs, uint16_t ports, size_t count) {
  macs = std::max<uint32_t>(macs, 1);
  count = std::max<size_t>(count, macs);
  PacketInTemplates t;
  uint8_t frame[kFrameLen];
  t.msg_len = kPacketInDataOffset + kFrameLen;
  t.count = count;
  t.bytes.resize(t.msg_len * count);
  for (size_t i = 0; i < count; ++i) {
    const uint32_t src = static_cast<uint32_t>(i % macs);
    build_frame(frame, switch_index, src, pick_dst(src, i, macs, ports));
    of::encode_packet_in(std::span<uint8_t>(t.bytes.data() + i * t.msg_len, t.msg_len), 0, 0, kFrameLen,
                         host_port(src, ports), of::PacketInReason::kNoMatch, frame);
  }
  return t;
}

}  // namespace ofkit::bench
