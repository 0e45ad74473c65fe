#pragma once
// struct ofp_match (40 bytes on the wire) as a value: the wildcard bits plus
// the field values, held as a FlowKey so the switch and the controller share
// one representation of "which packets".
//
// A normalized Match has every wildcarded field zeroed, nw_src/nw_dst masked
// to their prefix, and the fields that do not apply to its dl_type/nw_proto
// wildcarded (what an OF1.0 switch does to a flow_mod's match).

#include <cstdint>

#include "oflib/packet/flow_key.h"
#include "oflib/wire/constants.h"

namespace ofkit::of {

inline constexpr size_t kMatchLen = 40;  // sizeof(struct ofp_match)

struct Match {
  uint32_t wildcards = wildcards::kAll;
  FlowKey key;  // field values in host order; wildcarded fields are zero

  // Number of wildcarded low bits of nw_src/nw_dst, 0..32 (values above 32
  // on the wire mean 32, i.e. fully wildcarded).
  int nw_src_wild_bits() const {
    const int b = static_cast<int>((wildcards & wildcards::kNwSrcMask) >> wildcards::kNwSrcShift);
    return b > 32 ? 32 : b;
  }
  int nw_dst_wild_bits() const {
    const int b = static_cast<int>((wildcards & wildcards::kNwDstMask) >> wildcards::kNwDstShift);
    return b > 32 ? 32 : b;
  }
  int nw_src_prefix_len() const { return 32 - nw_src_wild_bits(); }
  int nw_dst_prefix_len() const { return 32 - nw_dst_wild_bits(); }

  friend bool operator==(const Match& a, const Match& b) {
    return a.wildcards == b.wildcards && a.key == b.key;
  }
};

// Writes the 40-byte struct ofp_match exactly as held (no normalization):
// wildcards, in_port, dl_src, dl_dst, dl_vlan, dl_vlan_pcp, pad, dl_type,
// nw_tos, nw_proto, pad[2], nw_src, nw_dst, tp_src, tp_dst. Pads are zero.
void encode_match(const Match& m, uint8_t* out);

// Reads 40 bytes verbatim (wildcarded fields keep whatever the sender put
// there; pads are ignored). Never fails: every bit pattern is a match.
Match decode_match(const uint8_t* in);

// What an OF1.0 switch does to a flow_mod's match before using it:
//  - wildcard bits above OFPFW_ALL are dropped; nw_src/nw_dst wildcard counts
//    above 32 become exactly 32;
//  - nw_src/nw_dst are masked to their prefix; wildcarded fields are zeroed;
//  - fields that do not apply are wildcarded (and zeroed): with dl_type
//    wildcarded or neither IPv4 (0x0800) nor ARP (0x0806), every nw_* and tp_*
//    field; for ARP, nw_tos and tp_*; for IPv4, tp_* unless nw_proto is exact
//    and one of TCP, UDP, ICMP; dl_vlan_pcp when dl_vlan is exactly
//    OFP_VLAN_NONE (untagged frames have no priority).
Match normalize_match(const Match& m);

// An exact match (wildcards == 0) on every field of key, with in_port set.
// Fields the key leaves zero because they do not apply stay exact zero, as
// POX's ofp_match.from_packet and ovs-ofctl do for an exact flow.
Match match_from_key(const FlowKey& key, uint16_t in_port);

// The bits of a FlowKey that m compares: all ones for exact fields, the
// prefix mask for nw_src/nw_dst, zero for wildcarded fields and pads.
FlowKey match_mask(const Match& m);

// True when a packet with flow key k matches m (OF1.0 semantics; the
// in_port is k.in_port).
bool match_covers(const Match& m, const FlowKey& k);

// True when every packet matched by narrow is also matched by wide (used by
// non-strict modify/delete).
bool match_subsumes(const Match& wide, const Match& narrow);

// A match that wildcards everything (OFPFW_ALL, all fields zero).
inline Match match_all() { return Match{}; }

}  // namespace ofkit::of
