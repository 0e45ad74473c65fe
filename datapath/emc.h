#pragma once
// Exact-match cache: per worker, in front of the classifier. Keyed by the
// full FlowKey, it remembers which rule the classifier returned for it. Two
// candidate slots per key (from two halves of the hash), newest wins.
//
// Invalidation is per rule, never "empty everything":
//  - removal: an entry stores the rule pointer and the rule's seq at fill
//    time; the classifier's Rule objects are type-stable and a removed (or
//    reused) rule has another seq, so a hit is validated by comparing the
//    two (the rule's cache line is read on a hit anyway). Removing a rule
//    costs the cache nothing; its entries just stop validating.
//  - insertion: a new rule can outrank what some keys cached. shadow(rule)
//    invalidates exactly those entries: for an OF1.0 exact entry (the
//    l2_learning case) that is at most the one key equal to the rule's,
//    found by hashing (a normalized exact match wildcards only fields that
//    flow-key extraction leaves zero for its dl_type/nw_proto, so no other
//    extracted key can match it); for a wildcard rule a scan of the cache
//    for keys it matches with a cached rule not above it.
//  - a modify that only swaps actions needs nothing (lookups read the
//    rule's current action pointer).
// So under l2_learning churn (a flow added for each new host) the entries of
// every other flow stay valid.

#include <cstdint>
#include <vector>

#include "datapath/classifier.h"

namespace ofkit::dp {

class ExactMatchCache {
 public:
  explicit ExactMatchCache(size_t entries = 8192);  // rounded up to a power of two

  const Rule* lookup(const FlowKey& key, uint32_t hash) const {
    const Entry& a = entries_[hash & mask_];
    if (a.hash == hash && key_equal(a.key, key) && a.rule->seq == a.seq) return a.rule;
    const Entry& b = entries_[(hash >> 16 ^ hash) & mask_];
    if (b.hash == hash && key_equal(b.key, key) && b.rule->seq == b.seq) return b.rule;
    return nullptr;
  }

  void insert(const FlowKey& key, uint32_t hash, const Rule* rule) {
    Entry& a = entries_[hash & mask_];
    Entry& b = entries_[(hash >> 16 ^ hash) & mask_];
    // Prefer a stale slot. Evicting a live entry is allowed only for one
    // insert in kEvictEvery: when more flows are active than the cache holds,
    // inserting every miss would evict every entry before its next hit
    // (thrashing); this way the cache keeps a stable subset (OVS's EMC does
    // the same with a random insertion probability).
    if (a.valid() && b.valid() && (++evict_tick_ & (kEvictEvery - 1)) != 0) return;
    Entry& e = !a.valid() ? a : !b.valid() ? b : (flip_ ^= 1) ? a : b;
    e.key = key;
    e.hash = hash;
    e.rule = rule;
    e.seq = rule->seq;
  }

  // Invalidates the entries `rule` (just inserted) would now win.
  void shadow(const Rule& rule);

  void prefetch(uint32_t hash) const {
    __builtin_prefetch(&entries_[hash & mask_]);
    __builtin_prefetch(&entries_[(hash >> 16 ^ hash) & mask_]);
  }
  static constexpr unsigned kEvictEvery = 16;
  void clear();
  size_t capacity() const { return entries_.size(); }
  // Entries that still validate (tests, observability; walks the cache).
  size_t live_entries() const;

 private:
  struct alignas(64) Entry {
    FlowKey key;
    const Rule* rule = &kNoRule;
    uint64_t seq = ~uint64_t{0};  // never equal to kNoRule.seq (0)
    uint32_t hash = 0;
    bool valid() const { return rule->seq == seq; }
    void invalidate() {
      rule = &kNoRule;
      seq = ~uint64_t{0};
    }
  };
  static const Rule kNoRule;  // what empty entries point at: seq 0, never valid
  std::vector<Entry> entries_;
  size_t mask_;
  unsigned flip_ = 0;
  unsigned evict_tick_ = 0;
};

}  // namespace ofkit::dp
