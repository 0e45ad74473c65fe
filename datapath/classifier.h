#pragma once
// Classifier: a tuple-space search over OpenFlow 1.0 rules.
//
// Why tuple space: an OF1.0 match is a wildcard mask plus values, and real
// tables use few distinct masks (a learning switch one, an ACL a dozen). All
// rules with the same mask live in one Subtable, a hash table keyed by the
// masked FlowKey; a lookup masks the packet's key once per subtable and does
// one hash probe. Subtables are kept sorted by the highest priority they hold,
// so the search stops as soon as the best hit so far outranks every remaining
// subtable (the early exit that makes a 10k-rule table with a few masks cost a
// handful of probes).
//
// Invariants:
//  - Within a subtable, rules with the same masked key are chained in
//    descending priority; the chain head is what a lookup returns.
//  - Priorities are "effective": 0..0xffff for wildcard rules and
//    kExactPriority (0x10000) for OF1.0 exact-match entries, so exact entries
//    beat every wildcard rule without special cases in the lookup.
//  - Each rule has a flow id (the control table's slot); ids are unique:
//    insert() refuses an id that is present.
//  - Rule objects are type-stable: a removed rule goes to a free list, never
//    back to the allocator, and its `seq` becomes 0; a reused one gets a new
//    seq. So a pointer the exact-match cache remembers stays safe to read
//    forever, and (rule, seq) says whether it still is the rule it was —
//    the cache validates each hit instead of being emptied on every change.
//  - generation() still changes whenever the set of rules changes.
//
// Batched lookups (the miss path): lookup_batch() walks the subtables once
// for a whole burst's misses, and in each subtable first hashes every
// pending key and prefetches its bucket, then probes; keys whose best hit
// already outranks the subtable drop out (the same early exit as lookup()).
//
// Threads: one Classifier per worker (a replica) plus the control thread's;
// none is shared. lookup() does no allocation and takes no lock; insert and
// remove allocate (they run between bursts, never per packet).

#include <cstdint>
#include <map>
#include <memory>
#include <unordered_map>
#include <vector>

#include "datapath/actions.h"
#include "oflib/packet/flow_key.h"

namespace ofkit::dp {

struct Rule {
  FlowKey key;  // masked match values
  FlowKey mask;
  uint32_t priority = 0;  // effective priority
  uint32_t flow_id = 0;
  ActionProgramPtr actions;
  Rule* next = nullptr;  // lower-priority rule with the same masked key
  uint64_t seq = 0;      // unique per insert; 0 while the object is free
};

// Hash of a FlowKey's 5 words (also used by the exact-match cache). The five
// multiplies are independent (no serial chain), the final mix folds the
// high bits down so the low bits that index the tables depend on every word.
inline uint32_t hash_words(const uint64_t* w) {
  uint64_t h = (w[0] * 0x9E3779B97F4A7C15ull) + (w[1] * 0xbf58476d1ce4e5b9ull) +
               (w[2] * 0x94d049bb133111ebull) + (w[3] * 0xd6e8feb86659fd93ull) +
               (w[4] * 0xa0761d6478bd642full);
  h ^= h >> 32;
  h *= 0xe7037ed1a0b428dbull;
  h ^= h >> 29;
  return static_cast<uint32_t>(h);
}
inline uint32_t hash_key(const FlowKey& k) { return hash_words(k.words()); }

inline bool key_equal(const FlowKey& a, const FlowKey& b) {
  const uint64_t* x = a.words();
  const uint64_t* y = b.words();
  return ((x[0] ^ y[0]) | (x[1] ^ y[1]) | (x[2] ^ y[2]) | (x[3] ^ y[3]) | (x[4] ^ y[4])) == 0;
}

class Subtable {
 public:
  explicit Subtable(const FlowKey& mask);
  const FlowKey& mask() const { return mask_; }
  uint32_t max_priority() const { return max_priority_; }
  size_t size() const { return n_rules_; }

  // The highest-priority rule matching `key` (unmasked), or nullptr.
  const Rule* find(const FlowKey& key) const {
    FlowKey m;
    const uint32_t h = mask_and_hash(key, &m);
    return probe(m, h);
  }
  // The two halves of find(), for batches: mask+hash (then prefetch), probe.
  uint32_t mask_and_hash(const FlowKey& key, FlowKey* masked) const {
    const uint64_t* k = key.words();
    const uint64_t* mk = mask_.words();
    uint64_t* o = masked->words();
    for (size_t i = 0; i < FlowKey::kWords; ++i) o[i] = k[i] & mk[i];
    return hash_key(*masked);
  }
  void prefetch(uint32_t h) const { __builtin_prefetch(&slots_[h & cap_mask_]); }
  const Rule* probe(const FlowKey& masked, uint32_t h) const {
    for (size_t i = h & cap_mask_;; i = (i + 1) & cap_mask_) {
      const Slot& s = slots_[i];
      if (s.head == nullptr) return nullptr;
      if (s.hash == h && key_equal(s.head->key, masked)) return s.head;
    }
  }

  void insert(Rule* r);  // r->mask == mask()
  void remove(Rule* r);

 private:
  struct Slot {
    uint32_t hash = 0;
    Rule* head = nullptr;
  };
  size_t find_slot(const FlowKey& masked, uint32_t h) const;
  void grow();
  void erase_slot(size_t i);

  FlowKey mask_;
  std::vector<Slot> slots_;
  size_t cap_mask_ = 0;
  size_t n_keys_ = 0;
  size_t n_rules_ = 0;
  uint32_t max_priority_ = 0;
  std::map<uint32_t, uint32_t> priorities_;  // priority -> rule count
};

class Classifier {
 public:
  Classifier() = default;
  Classifier(const Classifier&) = delete;
  Classifier& operator=(const Classifier&) = delete;

  // Takes a copy of the rule fields. Returns the rule, or nullptr (and
  // changes nothing) when a rule with this flow_id is present.
  const Rule* insert(const FlowKey& masked_key, const FlowKey& mask, uint32_t priority, uint32_t flow_id,
                     ActionProgramPtr actions);
  // Returns false if no rule has this id.
  bool remove(uint32_t flow_id);
  // Replaces a rule's actions (OFPFC_MODIFY); the rule keeps its place.
  bool set_actions(uint32_t flow_id, ActionProgramPtr actions);
  const Rule* rule(uint32_t flow_id) const;

  const Rule* lookup(const FlowKey& key) const {
    const Rule* best = nullptr;
    for (const Subtable* st : order_) {
      if (best && best->priority >= st->max_priority()) break;
      const Rule* r = st->find(key);
      if (r && (!best || r->priority > best->priority)) best = r;
    }
    return best;
  }

  // For i in idx[0..n): out[idx[i]] = lookup(keys[idx[i]]). n <= 32.
  void lookup_batch(const FlowKey* keys, const uint8_t* idx, unsigned n, const Rule** out) const {
    uint8_t live[32];
    const Rule* best[32];
    FlowKey masked[32];
    uint32_t hash[32];
    for (unsigned i = 0; i < n; ++i) {
      live[i] = static_cast<uint8_t>(i);
      best[i] = nullptr;
    }
    unsigned n_live = n;
    for (const Subtable* st : order_) {
      const uint32_t max_pri = st->max_priority();
      unsigned k = 0;
      for (unsigned j = 0; j < n_live; ++j) {
        const unsigned i = live[j];
        if (!best[i] || best[i]->priority < max_pri) live[k++] = static_cast<uint8_t>(i);
      }
      n_live = k;
      if (n_live == 0) break;
      for (unsigned j = 0; j < n_live; ++j) {
        const unsigned i = live[j];
        hash[i] = st->mask_and_hash(keys[idx[i]], &masked[i]);
        st->prefetch(hash[i]);
      }
      for (unsigned j = 0; j < n_live; ++j) {
        const unsigned i = live[j];
        const Rule* r = st->probe(masked[i], hash[i]);
        if (r && (!best[i] || r->priority > best[i]->priority)) best[i] = r;
      }
    }
    for (unsigned i = 0; i < n; ++i) out[idx[i]] = best[i];
  }

  size_t size() const { return rules_.size(); }
  size_t subtable_count() const { return order_.size(); }
  uint64_t generation() const { return generation_; }
  void clear();

 private:
  void resort();
  void release(Rule* r);

  std::vector<std::unique_ptr<Subtable>> subtables_;
  std::vector<const Subtable*> order_;  // by max_priority, descending
  std::unordered_map<uint32_t, Rule*> rules_;
  std::vector<std::unique_ptr<Rule>> storage_;  // every Rule object ever made (type-stable)
  std::vector<Rule*> free_rules_;
  uint64_t generation_ = 1;
  uint64_t next_seq_ = 1;
};

}  // namespace ofkit::dp
