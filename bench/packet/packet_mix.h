#pragma once
// A realistic traffic mix for the packet benchmarks, built with
// PacketBuilder into 2 KiB slots (like a datapath's mbuf pool):
//   40% IPv4/TCP (with timestamps), 20% IPv4/UDP, 15% VLAN-tagged TCP/UDP,
//   10% IPv6/TCP, 5% ARP, 5% ICMP echo, 5% IPv4/UDP DNS queries.
// Addresses and ports vary per packet so keys differ. Frame order is
// shuffled with a fixed seed.

#include <algorithm>
#include <cstdint>
#include <random>
#include <vector>

#include "oflib/packet/builder.h"

namespace ofkit::bench {

struct PacketPool {
  static constexpr size_t kSlot = 2048;
  std::vector<uint8_t> memory;
  std::vector<const uint8_t*> frames;
  std::vector<uint16_t> lens;
  std::vector<uint16_t> ports;
};

inline PacketPool make_mix(size_t n, uint32_t seed = 42) {
  PacketPool pool;
  pool.memory.assign(n * PacketPool::kSlot, 0);
  std::mt19937 rng(seed);
  std::vector<int> kinds;
  for (size_t i = 0; i < n; ++i) {
    const int r = static_cast<int>(i % 20);
    kinds.push_back(r < 8 ? 0 : r < 12 ? 1 : r < 15 ? 2 : r < 17 ? 3 : r < 18 ? 4 : r < 19 ? 5 : 6);
  }
  std::shuffle(kinds.begin(), kinds.end(), rng);
  std::vector<uint8_t> payload(1400);
  for (auto& b : payload) b = static_cast<uint8_t>(rng());
  for (size_t i = 0; i < n; ++i) {
    uint8_t* slot = pool.memory.data() + i * PacketPool::kSlot;
    PacketBuilder b(MutableBytes(slot, PacketPool::kSlot));
    const MacAddr src = MacAddr::from_u64(0x020000000000ULL | (rng() & 0xffff));
    const MacAddr dst = MacAddr::from_u64(0x020000010000ULL | (rng() & 0xffff));
    const Ipv4Addr s4{static_cast<uint32_t>(0x0a000000u | (rng() & 0xffffff))};
    const Ipv4Addr d4{static_cast<uint32_t>(0x0a000000u | (rng() & 0xffffff))};
    const uint16_t sp = static_cast<uint16_t>(1024 + rng() % 60000), dp = static_cast<uint16_t>(rng() % 1024);
    const size_t plen = rng() % 4 == 0 ? 1400 : rng() % 200;
    TcpOptions ts;
    ts.ts_val = static_cast<uint32_t>(rng());
    switch (kinds[i]) {
      case 0:
        b.ethernet(dst, src)
            .ipv4({.id = static_cast<uint16_t>(i), .src = s4, .dst = d4})
            .tcp({.src_port = sp, .dst_port = dp, .flags = tcp_flag::kAck, .options = ts});
        break;
      case 1:
        b.ethernet(dst, src).ipv4({.src = s4, .dst = d4}).udp({.src_port = sp, .dst_port = dp});
        break;
      case 2:
        b.ethernet(dst, src)
            .vlan({.vid = static_cast<uint16_t>(rng() % 4094 + 1), .pcp = 2})
            .ipv4({.src = s4, .dst = d4});
        if (rng() & 1)
          b.tcp({.src_port = sp, .dst_port = dp, .flags = tcp_flag::kAck});
        else
          b.udp({.src_port = sp, .dst_port = dp});
        break;
      case 3: {
        Ipv6Addr a6, b6;
        a6.bytes[0] = 0x20;
        b6.bytes[0] = 0x20;
        a6.bytes[15] = static_cast<uint8_t>(rng());
        b6.bytes[15] = static_cast<uint8_t>(rng());
        b.ethernet(dst, src).ipv6({.src = a6, .dst = b6}).tcp({.src_port = sp, .dst_port = dp});
        break;
      }
      case 4:
        b.ethernet(MacAddr::broadcast(), src).arp({.op = 1, .sha = src, .spa = s4, .tpa = d4}).zeros(18);
        break;
      case 5:
        b.ethernet(dst, src).ipv4({.src = s4, .dst = d4}).icmp({.type = 8, .rest = static_cast<uint32_t>(i)});
        break;
      default: {
        DnsMessage q;
        q.id = static_cast<uint16_t>(i);
        q.flags = 0x0100;
        q.questions = {{"www.example.com", 1, 1}};
        b.ethernet(dst, src).ipv4({.src = s4, .dst = d4}).udp({.src_port = sp, .dst_port = 53}).dns(q);
        break;
      }
    }
    if (kinds[i] <= 3 || kinds[i] == 5) b.payload(Bytes(payload.data(), plen));
    const size_t len = b.finish();
    pool.frames.push_back(slot);
    pool.lens.push_back(static_cast<uint16_t>(len));
    pool.ports.push_back(static_cast<uint16_t>(1 + i % 4));
  }
  return pool;
}

}  // namespace ofkit::bench
