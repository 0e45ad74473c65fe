#include "oflib/packet/flow_extract.h"

#include <cstring>

#include "oflib/common/byte_order.h"
#include "oflib/packet/protocols.h"

namespace ofkit {
namespace {

// One function, straight-line for the common untagged IPv4 TCP/UDP case;
// rare shapes (tags, 802.3, ARP) take short side branches.
[[gnu::always_inline]] inline KeyStatus extract_one(const uint8_t* p, size_t len, uint16_t in_port,
                                                    FlowKey* k) {
  uint64_t* w = k->words();
  w[0] = w[1] = w[2] = w[3] = w[4] = 0;
  k->in_port = in_port;
  k->dl_vlan = 0xffff;
  if (__builtin_expect(len < 14, 0)) return KeyStatus::kMalformed;
  std::memcpy(k->dl_dst.bytes.data(), p, 6);
  std::memcpy(k->dl_src.bytes.data(), p + 6, 6);
  uint16_t type = load_be16(p + 12);
  size_t off = 14;

  if (__builtin_expect(eth_type::is_vlan_tpid(type), 0)) {
    if (len < off + 4) {
      k->dl_type = type;
      return KeyStatus::kTruncated;
    }
    const uint16_t tci = load_be16(p + off);
    k->dl_vlan = tci & 0x0fff;
    k->dl_vlan_pcp = static_cast<uint8_t>(tci >> 13);
    type = load_be16(p + off + 2);
    off += 4;
    // QinQ: skip inner tags (bounded: at most 3 more).
    for (int i = 0; i < 3 && eth_type::is_vlan_tpid(type); ++i) {
      if (len < off + 4) {
        k->dl_type = type;
        return KeyStatus::kTruncated;
      }
      type = load_be16(p + off + 2);
      off += 4;
    }
  }

  if (__builtin_expect(type < eth_type::kMin, 0)) {
    // 802.3 length field: LLC/SNAP with OUI 0 carries a real EtherType.
    const bool snap = len >= off + 3 && p[off] == 0xaa && p[off + 1] == 0xaa && p[off + 2] == 0x03;
    if (snap && len >= off + 8 && p[off + 3] == 0 && p[off + 4] == 0 && p[off + 5] == 0 &&
        load_be16(p + off + 6) >= eth_type::kMin) {
      type = load_be16(p + off + 6);
      off += 8;
    } else {
      k->dl_type = eth_type::kNotEthType;
      // LLC (3 bytes) or SNAP (8) cut short: the type could not be decided.
      return len < off + 3 || (snap && len < off + 8) ? KeyStatus::kTruncated : KeyStatus::kOk;
    }
  }
  k->dl_type = type;
  const uint8_t* l3 = p + off;
  const size_t l3_len = len - off;

  if (__builtin_expect(type == eth_type::kIpv4, 1)) {
    if (l3_len < 20) return KeyStatus::kTruncated;
    const uint8_t ver_ihl = l3[0];
    const size_t ihl = size_t{ver_ihl & 0x0fu} * 4;
    const size_t total = load_be16(l3 + 2);
    if (__builtin_expect((ver_ihl >> 4) != 4 || ihl < 20 || total < ihl, 0)) return KeyStatus::kMalformed;
    k->nw_tos = l3[1] & 0xfc;
    const uint8_t proto = l3[9];
    k->nw_proto = proto;
    k->nw_src = load_be32(l3 + 12);
    k->nw_dst = load_be32(l3 + 16);
    if (load_be16(l3 + 6) & 0x1fff) return KeyStatus::kOk;  // non-first fragment: no L4
    const size_t ip_len = total < l3_len ? total : l3_len;
    if (ip_len < ihl) return KeyStatus::kTruncated;
    const uint8_t* l4 = l3 + ihl;
    const size_t l4_len = ip_len - ihl;
    if (proto == ip_proto::kTcp || proto == ip_proto::kUdp) {
      if (l4_len < (proto == ip_proto::kTcp ? 20u : 8u)) return KeyStatus::kTruncated;
      k->tp_src = load_be16(l4);
      k->tp_dst = load_be16(l4 + 2);
    } else if (proto == ip_proto::kIcmp) {
      if (l4_len < 8) return KeyStatus::kTruncated;
      k->tp_src = l4[0];
      k->tp_dst = l4[1];
    }
    return KeyStatus::kOk;
  }
  if (type == eth_type::kArp) {
    if (l3_len < 28) return KeyStatus::kTruncated;
    // Ethernet hardware (1), IPv4 protocol, hlen 6, plen 4.
    if (load_be16(l3) == 1 && load_be16(l3 + 2) == eth_type::kIpv4 && l3[4] == 6 && l3[5] == 4) {
      k->nw_proto = static_cast<uint8_t>(load_be16(l3 + 6) & 0xff);
      k->nw_src = load_be32(l3 + 14);
      k->nw_dst = load_be32(l3 + 24);
    }
    return KeyStatus::kOk;
  }
  return KeyStatus::kOk;
}

}  // namespace

KeyStatus extract_flow_key(const uint8_t* frame, size_t len, uint16_t in_port, FlowKey* out) {
  return extract_one(frame, len, in_port, out);
}

uint32_t extract_flow_keys(const uint8_t* const frames[], const uint16_t lens[], const uint16_t in_ports[],
                           size_t n, FlowKey out[], KeyStatus status[]) {
  if (n > kFlowKeyBatch) n = kFlowKeyBatch;
  // Touch the first cache line of every frame (MAC + L3 + L4 headers of the
  // common case fit in 64 bytes) so the loads below overlap their misses.
  for (size_t i = 0; i < n; ++i) __builtin_prefetch(frames[i], 0, 3);
  uint32_t malformed = 0;
  for (size_t i = 0; i < n; ++i) {
    if (i + 4 < n) __builtin_prefetch(frames[i + 4] + 64, 0, 3);
    const KeyStatus s = extract_one(frames[i], lens[i], in_ports[i], &out[i]);
    malformed |= uint32_t{s == KeyStatus::kMalformed} << i;
    if (status) status[i] = s;
  }
  return malformed;
}

}  // namespace ofkit
