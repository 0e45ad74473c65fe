#pragma once
// Exact-match cache: per worker, in front of the classifier. Keyed by the
// full FlowKey, it remembers which rule the classifier returned for it. Two
// candidate slots per key (from two halves of the hash), newest wins.
//
// Invalidation: each entry records the classifier generation it was filled
// at; any insert or remove in the replica bumps the generation and so every
// entry goes stale at once (a modify that only swaps actions does not, since
// the rule object stays and lookups read its current action pointer). This
// is what keeps a rule pointer in the cache from ever dangling: the worker
// applies a removal and then only trusts entries of the new generation.

#include <cstdint>
#include <vector>

#include "datapath/classifier.h"

namespace ofkit::dp {

class ExactMatchCache {
 public:
  explicit ExactMatchCache(size_t entries = 8192);  // rounded up to a power of two

  const Rule* lookup(const FlowKey& key, uint32_t hash, uint64_t generation) const {
    const Entry& a = entries_[hash & mask_];
    if (a.generation == generation && a.hash == hash && key_equal(a.key, key)) return a.rule;
    const Entry& b = entries_[(hash >> 16 ^ hash) & mask_];
    if (b.generation == generation && b.hash == hash && key_equal(b.key, key)) return b.rule;
    return nullptr;
  }

  void insert(const FlowKey& key, uint32_t hash, uint64_t generation, const Rule* rule) {
    Entry& a = entries_[hash & mask_];
    Entry& b = entries_[(hash >> 16 ^ hash) & mask_];
    // Prefer a stale slot; otherwise alternate so neither candidate starves.
    Entry& e = (a.generation != generation) ? a : (b.generation != generation) ? b : (flip_ ^= 1) ? a : b;
    e.key = key;
    e.hash = hash;
    e.generation = generation;
    e.rule = rule;
  }

  void prefetch(uint32_t hash) const { __builtin_prefetch(&entries_[hash & mask_]); }
  void clear();
  size_t capacity() const { return entries_.size(); }

 private:
  struct alignas(64) Entry {
    FlowKey key;
    const Rule* rule = nullptr;
    uint64_t generation = 0;  // 0: never filled (classifier generations start at 1)
    uint32_t hash = 0;
  };
  std::vector<Entry> entries_;
  size_t mask_;
  unsigned flip_ = 0;
};

}  // namespace ofkit::dp
