#include "datapath/emc.h"

#include <bit>

#include "datapath/flow_match.h"

namespace ofkit::dp {
namespace {

// The mask of an OF1.0 exact entry: every bit flow-key extraction can set.
FlowKey full_mask() {
  FlowKey m;
  for (size_t i = 0; i < FlowKey::kWords; ++i) m.words()[i] = ~uint64_t{0};
  m.pad0[0] = m.pad0[1] = m.pad0[2] = 0;
  m.pad1 = 0;
  return m;
}

bool covers_all(const FlowKey& mask) {
  static const FlowKey full = full_mask();
  for (size_t i = 0; i < FlowKey::kWords; ++i) {
    if ((mask.words()[i] & full.words()[i]) != full.words()[i]) return false;
  }
  return true;
}

bool matches(const FlowKey& key, const Rule& r) {
  for (size_t i = 0; i < FlowKey::kWords; ++i) {
    if ((key.words()[i] & r.mask.words()[i]) != r.key.words()[i]) return false;
  }
  return true;
}

}  // namespace

const Rule ExactMatchCache::kNoRule{};

ExactMatchCache::ExactMatchCache(size_t entries)
    : entries_(std::bit_ceil(entries < 2 ? size_t{2} : entries)), mask_(entries_.size() - 1) {}

void ExactMatchCache::shadow(const Rule& rule) {
  auto check = [&](Entry& e) {
    if (e.valid() && e.rule->priority <= rule.priority && matches(e.key, rule)) e.invalidate();
  };
  if (rule.priority == kExactPriority || covers_all(rule.mask)) {
    // Only the key equal to the rule's can match it: its two candidate slots.
    const uint32_t h = hash_key(rule.key);
    check(entries_[h & mask_]);
    check(entries_[(h >> 16 ^ h) & mask_]);
    return;
  }
  for (Entry& e : entries_) check(e);
}

void ExactMatchCache::clear() {
  for (Entry& e : entries_) e = Entry{};
}

size_t ExactMatchCache::live_entries() const {
  size_t n = 0;
  for (const Entry& e : entries_) n += e.valid();
  return n;
}

}  // namespace ofkit::dp
