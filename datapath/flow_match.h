#pragma once
// Datapath helpers over oflib's OF1.0 match functions (of::normalize_match,
// of::match_mask, of::match_covers, of::match_subsumes in oflib/wire/match.h):
// masking a key, the CHECK_OVERLAP test and the exact-match rule.

#include <cstdint>

#include "oflib/packet/flow_key.h"
#include "oflib/wire/match.h"

namespace ofkit::dp {

inline FlowKey mask_key(const FlowKey& key, const FlowKey& mask) {
  FlowKey out;
  for (size_t i = 0; i < FlowKey::kWords; ++i) out.words()[i] = key.words()[i] & mask.words()[i];
  return out;
}

// True if some packet could match both (OFPFF_CHECK_OVERLAP). Both normalized.
bool matches_overlap(const of::Match& a, const of::Match& b);

// OF1.0: a flow_mod whose match has no wildcard bits at all is an exact-match
// entry; it takes precedence over every wildcard entry (reported priority
// 0xffff, and internally kExactPriority, above any wildcard priority).
inline bool is_exact_match(const of::Match& raw) { return (raw.wildcards & of::wildcards::kAll) == 0; }
inline constexpr uint32_t kExactPriority = 0x10000;

}  // namespace ofkit::dp
