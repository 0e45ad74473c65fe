#pragma once
// The OpenFlow 1.0 flow key: the 12-tuple a switch extracts from every frame
// and an ofp_match compares against.
//
// Layout is fixed at 40 bytes (five 64-bit words) with explicit zeroed
// padding, so the datapath can hash, compare and mask keys word by word.
// Every field is in host byte order. Extraction rules (OF1.0 spec, 3.4 and
// A.2.3): untagged frames have dl_vlan = 0xffff (OFP_VLAN_NONE); 802.3 frames
// have dl_type 0x05ff; ARP puts its opcode in nw_proto and SPA/TPA in
// nw_src/nw_dst; ICMP puts type/code in tp_src/tp_dst; nw_tos holds the DSCP
// bits (the low two ECN bits are zero); non-first IP fragments carry no L4.

#include <cstdint>
#include <cstring>
#include <functional>

#include "oflib/packet/addr.h"

namespace ofkit {

struct alignas(8) FlowKey {
  uint16_t in_port = 0;
  uint16_t dl_vlan = 0;  // VLAN id, or 0xffff when untagged
  MacAddr dl_src;
  MacAddr dl_dst;
  uint16_t dl_type = 0;
  uint8_t dl_vlan_pcp = 0;
  uint8_t nw_tos = 0;
  uint8_t nw_proto = 0;
  uint8_t pad0[3] = {0, 0, 0};
  uint32_t nw_src = 0;
  uint32_t nw_dst = 0;
  uint16_t tp_src = 0;
  uint16_t tp_dst = 0;
  uint32_t pad1 = 0;

  static constexpr size_t kWords = 5;
  const uint64_t* words() const { return reinterpret_cast<const uint64_t*>(this); }
  uint64_t* words() { return reinterpret_cast<uint64_t*>(this); }

  friend bool operator==(const FlowKey& a, const FlowKey& b) {
    return std::memcmp(&a, &b, sizeof(FlowKey)) == 0;
  }
};
static_assert(sizeof(FlowKey) == 40);
static_assert(offsetof(FlowKey, dl_type) == 16 && offsetof(FlowKey, nw_src) == 24 &&
              offsetof(FlowKey, tp_src) == 32);

}  // namespace ofkit
