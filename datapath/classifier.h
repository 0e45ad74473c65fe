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
//  - Each rule has a flow id (the control table's slot); ids are unique.
//  - generation() changes whenever the set of rules changes (insert/remove),
//    so the exact-match cache in front of the classifier can tell its
//    remembered rule pointers are stale.
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
};

// 5-word hash of a FlowKey (also used by the exact-match cache).
inline uint32_t hash_key(const FlowKey& k) {
  const uint64_t* w = k.words();
  uint64_t h = 0x9E3779B97F4A7C15ull;
  for (size_t i = 0; i < FlowKey::kWords; ++i) {
    h ^= w[i] * 0xbf58476d1ce4e5b9ull;
    h = (h << 27 | h >> 37) * 0x94d049bb133111ebull;
  }
  h ^= h >> 31;
  return static_cast<uint32_t>(h ^ (h >> 32));
}

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
    const uint64_t* k = key.words();
    const uint64_t* mk = mask_.words();
    uint64_t* o = m.words();
    for (size_t i = 0; i < FlowKey::kWords; ++i) o[i] = k[i] & mk[i];
    const uint32_t h = hash_key(m);
    for (size_t i = h & cap_mask_;; i = (i + 1) & cap_mask_) {
      const Slot& s = slots_[i];
      if (s.head == nullptr) return nullptr;
      if (s.hash == h && key_equal(s.head->key, m)) return s.head;
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

  // Takes a copy of the rule fields; flow_id must be new.
  void insert(const FlowKey& masked_key, const FlowKey& mask, uint32_t priority, uint32_t flow_id,
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

  size_t size() const { return rules_.size(); }
  size_t subtable_count() const { return order_.size(); }
  uint64_t generation() const { return generation_; }
  void clear();

 private:
  void resort();

  std::vector<std::unique_ptr<Subtable>> subtables_;
  std::vector<const Subtable*> order_;  // by max_priority, descending
  std::unordered_map<uint32_t, std::unique_ptr<Rule>> rules_;
  uint64_t generation_ = 1;
};

}  // namespace ofkit::dp
