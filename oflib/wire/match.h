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

}  // namespace ofkit::of
