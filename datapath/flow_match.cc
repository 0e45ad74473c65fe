#include "datapath/flow_match.h"

namespace ofkit::dp {

bool matches_overlap(const of::Match& a, const of::Match& b) {
  const FlowKey am = of::match_mask(a);
  const FlowKey bm = of::match_mask(b);
  for (size_t i = 0; i < FlowKey::kWords; ++i) {
    const uint64_t both = am.words()[i] & bm.words()[i];
    if ((a.key.words()[i] & both) != (b.key.words()[i] & both)) return false;
  }
  return true;
}

}  // namespace ofkit::dp
