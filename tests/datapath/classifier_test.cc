// The tuple-space classifier against a brute-force linear reference
// (of::match_covers over every rule) on random rules and packets, and the
// exact-match cache's invalidation when the table changes.

#include "datapath/classifier.h"

#include <gtest/gtest.h>

#include <random>

#include "datapath/emc.h"
#include "datapath/flow_match.h"
#include "tests/datapath/dp_frames.h"

namespace ofkit::dp {
namespace {

using namespace ofkit::dp::testing;
namespace wc = of::wildcards;

struct RefRule {
  of::Match match;
  uint32_t priority;
  uint32_t id;
};

// Values drawn from small domains so random packets hit random rules.
FlowKey random_key(std::mt19937& rng) {
  auto pick = [&](uint32_t n) { return static_cast<uint32_t>(rng() % n); };
  FlowKey k;
  k.in_port = static_cast<uint16_t>(1 + pick(4));
  k.dl_vlan = pick(3) == 0 ? uint16_t{10} : of::kVlanNone;
  k.dl_src = mac(0x10 + pick(4));
  k.dl_dst = mac(0x20 + pick(4));
  k.dl_type = pick(5) == 0 ? uint16_t{0x0806} : uint16_t{0x0800};
  k.nw_proto = static_cast<uint8_t>(pick(2) ? 6 : 17);
  k.nw_tos = static_cast<uint8_t>(pick(2) << 2);
  k.nw_src = 0x0a000000u | (pick(4) << 16) | (pick(4) << 8) | pick(4);
  k.nw_dst = 0x0b000000u | (pick(4) << 16) | (pick(4) << 8) | pick(4);
  k.tp_src = static_cast<uint16_t>(1000 + pick(4));
  k.tp_dst = static_cast<uint16_t>(80 + pick(4));
  return k;
}

// Ten wildcard shapes (masks), as an ACL-like table would use.
of::Match random_match(std::mt19937& rng) {
  static const uint32_t kShapes[] = {
      wc::kAll & ~wc::kInPort,
      wc::kAll & ~(wc::kDlDst),
      wc::kAll & ~(wc::kDlSrc | wc::kDlDst),
      wc::kAll & ~(wc::kInPort | wc::kDlType | wc::kNwProto | wc::kTpDst),
      (wc::kAll & ~(wc::kDlType | wc::kNwSrcMask)) | (8u << wc::kNwSrcShift),
      (wc::kAll & ~(wc::kDlType | wc::kNwDstMask)) | (16u << wc::kNwDstShift),
      wc::kAll & ~(wc::kDlType | wc::kNwSrcMask | wc::kNwDstMask | wc::kNwProto | wc::kTpSrc | wc::kTpDst),
      wc::kAll & ~(wc::kDlType | wc::kNwTos),
      wc::kAll & ~(wc::kDlVlan | wc::kDlDst),
      wc::kAll,
  };
  of::Match m;
  m.wildcards = kShapes[rng() % std::size(kShapes)];
  m.key = random_key(rng);
  return of::normalize_match(m);
}

const RefRule* reference_lookup(const std::vector<RefRule>& rules, const FlowKey& k) {
  const RefRule* best = nullptr;
  for (const RefRule& r : rules) {
    if (of::match_covers(r.match, k) && (!best || r.priority > best->priority)) best = &r;
  }
  return best;
}

void insert(Classifier& c, const RefRule& r) {
  const FlowKey mask = of::match_mask(r.match);
  c.insert(mask_key(r.match.key, mask), mask, r.priority, r.id, nullptr);
}

TEST(Classifier, AgreesWithLinearReferenceOnRandomRules) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 5; ++trial) {
    Classifier cls;
    std::vector<RefRule> rules;
    std::vector<uint32_t> priorities(2000);
    for (uint32_t i = 0; i < priorities.size(); ++i) priorities[i] = i * 3 + 1;
    std::shuffle(priorities.begin(), priorities.end(), rng);
    for (uint32_t i = 0; i < 300; ++i) {
      RefRule r{random_match(rng), priorities[i], i};
      rules.push_back(r);
      insert(cls, r);
    }
    EXPECT_GE(cls.subtable_count(), 8u);
    auto check = [&](int n) {
      for (int i = 0; i < n; ++i) {
        const FlowKey k = random_key(rng);
        const RefRule* want = reference_lookup(rules, k);
        const Rule* got = cls.lookup(k);
        ASSERT_EQ(want == nullptr, got == nullptr);
        if (want) {
          EXPECT_EQ(got->priority, want->priority);
          EXPECT_EQ(got->flow_id, want->id);
        }
      }
    };
    check(3000);
    // Remove half, at random, and check again.
    std::shuffle(rules.begin(), rules.end(), rng);
    for (size_t i = 0; i < 150; ++i) ASSERT_TRUE(cls.remove(rules[i].id));
    rules.erase(rules.begin(), rules.begin() + 150);
    EXPECT_EQ(cls.size(), rules.size());
    check(3000);
    for (const RefRule& r : rules) ASSERT_TRUE(cls.remove(r.id));
    EXPECT_EQ(cls.subtable_count(), 0u);
    EXPECT_EQ(cls.lookup(random_key(rng)), nullptr);
  }
}

TEST(Classifier, SameMatchDifferentPrioritiesChainAndUnchain) {
  Classifier cls;
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  m = of::normalize_match(m);
  for (uint32_t id = 0; id < 3; ++id) insert(cls, RefRule{m, 10 + id * 10, id});
  FlowKey k;
  k.in_port = 1;
  EXPECT_EQ(cls.lookup(k)->flow_id, 2u);
  cls.remove(2);
  EXPECT_EQ(cls.lookup(k)->flow_id, 1u);
  cls.remove(0);
  EXPECT_EQ(cls.lookup(k)->flow_id, 1u);
  cls.remove(1);
  EXPECT_EQ(cls.lookup(k), nullptr);
}

TEST(Classifier, ExactPriorityBeatsHighestWildcardPriority) {
  Classifier cls;
  of::Match all;  // wildcards everything
  insert(cls, RefRule{of::normalize_match(all), 0xffff, 1});
  std::mt19937 rng(1);
  FlowKey k = random_key(rng);
  of::Match exact = of::match_from_key(k, k.in_port);
  insert(cls, RefRule{of::normalize_match(exact), kExactPriority, 2});
  EXPECT_EQ(cls.lookup(k)->flow_id, 2u);
}

TEST(Classifier, ManyRulesInOneSubtableSurviveGrowthAndDeletion) {
  Classifier cls;
  std::vector<RefRule> rules;
  for (uint32_t i = 0; i < 5000; ++i) {
    of::Match m;
    m.wildcards = wc::kAll & ~(wc::kDlType | wc::kNwDstMask);
    m.key.dl_type = 0x0800;
    m.key.nw_dst = 0x0a000000 + i;
    rules.push_back({of::normalize_match(m), 100, i});
    insert(cls, rules.back());
  }
  EXPECT_EQ(cls.subtable_count(), 1u);
  for (uint32_t i = 0; i < 5000; i += 2) cls.remove(i);
  for (uint32_t i = 0; i < 5000; ++i) {
    FlowKey k;
    k.dl_type = 0x0800;
    k.nw_dst = 0x0a000000 + i;
    const Rule* r = cls.lookup(k);
    if (i % 2) {
      ASSERT_TRUE(r) << i;
      EXPECT_EQ(r->flow_id, i);
    } else {
      EXPECT_EQ(r, nullptr) << i;
    }
  }
}

TEST(Classifier, InsertRefusesADuplicateId) {
  Classifier cls;
  of::Match a;
  a.wildcards = wc::kAll & ~wc::kInPort;
  a.key.in_port = 1;
  const FlowKey mask = of::match_mask(of::normalize_match(a));
  ASSERT_NE(cls.insert(mask_key(a.key, mask), mask, 10, 7, nullptr), nullptr);
  of::Match b = a;
  b.key.in_port = 2;
  // Same id, another match: refused, and the table is unchanged.
  EXPECT_EQ(cls.insert(mask_key(b.key, mask), mask, 20, 7, nullptr), nullptr);
  EXPECT_EQ(cls.size(), 1u);
  FlowKey k;
  k.in_port = 2;
  EXPECT_EQ(cls.lookup(k), nullptr);
  k.in_port = 1;
  ASSERT_NE(cls.lookup(k), nullptr);
  EXPECT_EQ(cls.lookup(k)->priority, 10u);
  ASSERT_TRUE(cls.remove(7));
  EXPECT_EQ(cls.lookup(k), nullptr);  // one remove takes it all: nothing dangling
  EXPECT_NE(cls.insert(mask_key(b.key, mask), mask, 20, 7, nullptr), nullptr);  // free again
}

TEST(Classifier, BatchLookupAgreesWithSingleLookups) {
  std::mt19937 rng(11);
  Classifier cls;
  std::vector<RefRule> rules;
  for (uint32_t i = 0; i < 400; ++i) {
    rules.push_back({random_match(rng), static_cast<uint32_t>(rng() % 50000), i});
    insert(cls, rules.back());
  }
  for (int round = 0; round < 500; ++round) {
    FlowKey keys[32];
    const Rule* out[32];
    uint8_t idx[32];
    unsigned n = 0;
    for (unsigned i = 0; i < 32; ++i) {
      keys[i] = random_key(rng);
      out[i] = reinterpret_cast<const Rule*>(0x1);  // untouched unless selected
      if (rng() % 3) idx[n++] = static_cast<uint8_t>(i);
    }
    cls.lookup_batch(keys, idx, n, out);
    unsigned j = 0;
    for (unsigned i = 0; i < 32; ++i) {
      if (j < n && idx[j] == i) {
        const RefRule* want = reference_lookup(rules, keys[i]);
        ASSERT_EQ(want == nullptr, out[i] == nullptr) << round << " " << i;
        if (want) {
          EXPECT_EQ(out[i]->priority, want->priority);
        }
        ++j;
      } else {
        EXPECT_EQ(out[i], reinterpret_cast<const Rule*>(0x1));
      }
    }
  }
}

// A classifier + cache pair driven like a worker: insert() then shadow().
struct CachedClassifier {
  Classifier cls;
  ExactMatchCache emc{8192};
  const Rule* add(const of::Match& raw, uint32_t priority, uint32_t id) {
    const of::Match m = of::normalize_match(raw);
    const FlowKey mask = of::match_mask(m);
    const Rule* r =
        cls.insert(mask_key(m.key, mask), mask, is_exact_match(raw) ? kExactPriority : priority, id, nullptr);
    if (r) emc.shadow(*r);
    return r;
  }
  // lookup through the cache, filling it on a classifier hit
  const Rule* get(const FlowKey& k, bool* hit = nullptr) {
    const uint32_t h = hash_key(k);
    const Rule* r = emc.lookup(k, h);
    if (hit) *hit = r != nullptr;
    if (!r && (r = cls.lookup(k))) emc.insert(k, h, r);
    return r;
  }
};

FlowKey udp_key(uint32_t dst) {
  FlowKey k;
  k.in_port = 1;
  k.dl_vlan = of::kVlanNone;
  k.dl_src = mac(1);
  k.dl_dst = mac(2);
  k.dl_type = 0x0800;
  k.nw_proto = 17;
  k.nw_src = 0x0a000001;
  k.nw_dst = dst;
  k.tp_src = 1000;
  k.tp_dst = 80;
  return k;
}

of::Match exact(const FlowKey& k) {
  of::Match m;
  m.wildcards = 0;
  m.key = k;
  return m;
}

TEST(ExactMatchCache, OtherFlowsStayCachedWhenRulesComeAndGo) {
  CachedClassifier c;
  for (uint32_t i = 0; i < 100; ++i) ASSERT_TRUE(c.add(exact(udp_key(0x0b000000 + i)), 0, i));
  bool hit = false;
  for (uint32_t i = 0; i < 100; ++i) c.get(udp_key(0x0b000000 + i));
  // l2_learning churn: flows for other hosts are added and removed.
  for (uint32_t i = 100; i < 200; ++i) ASSERT_TRUE(c.add(exact(udp_key(0x0c000000 + i)), 0, i));
  for (uint32_t i = 100; i < 150; ++i) ASSERT_TRUE(c.cls.remove(i));
  unsigned hits = 0;
  for (uint32_t i = 0; i < 100; ++i) {
    const Rule* r = c.get(udp_key(0x0b000000 + i), &hit);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->flow_id, i);
    hits += hit;
  }
  EXPECT_EQ(hits, 100u);  // no entry was thrown away by unrelated changes
}

TEST(ExactMatchCache, RemovedRuleNoLongerHitsEvenWhenItsObjectIsReused) {
  CachedClassifier c;
  of::Match any;
  any.wildcards = wc::kAll;
  ASSERT_TRUE(c.add(any, 1, 1));
  of::Match port1;
  port1.wildcards = wc::kAll & ~wc::kInPort;
  port1.key.in_port = 1;
  const Rule* r = c.add(port1, 10, 2);
  const FlowKey k = udp_key(0x0b000001);
  EXPECT_EQ(c.get(k), r);
  bool hit = false;
  EXPECT_EQ(c.get(k, &hit), r);
  EXPECT_TRUE(hit);
  ASSERT_TRUE(c.cls.remove(2));
  EXPECT_EQ(c.get(k, &hit)->flow_id, 1u);  // the match-all rule, from the classifier
  EXPECT_FALSE(hit);
  // A new rule that does not match k reuses the freed object: k's entry (now
  // for rule 1) must not be confused with it, and rule 1 is still returned.
  of::Match port2 = port1;
  port2.key.in_port = 2;
  const Rule* r3 = c.add(port2, 10, 3);
  EXPECT_EQ(r3, r);  // type-stable storage: the same object, another seq
  EXPECT_EQ(c.get(k, &hit)->flow_id, 1u);
  EXPECT_TRUE(hit);
}

TEST(ExactMatchCache, AHigherPriorityRuleShadowsOnlyTheKeysItMatches) {
  CachedClassifier c;
  of::Match any;
  any.wildcards = wc::kAll;
  ASSERT_TRUE(c.add(any, 1, 1));
  const FlowKey a = udp_key(0x0b000001), b = udp_key(0x0b000002);
  c.get(a);
  c.get(b);
  bool hit = false;
  // Wildcard rule over nw_dst=a: a's entry goes, b's stays.
  of::Match dst;
  dst.wildcards = wc::kAll & ~(wc::kDlType | wc::kNwDstMask);
  dst.key.dl_type = 0x0800;
  dst.key.nw_dst = a.nw_dst;
  ASSERT_TRUE(c.add(dst, 5, 2));
  EXPECT_EQ(c.get(a, &hit)->flow_id, 2u);
  EXPECT_FALSE(hit);
  EXPECT_EQ(c.get(b, &hit)->flow_id, 1u);
  EXPECT_TRUE(hit);
  // A lower-priority rule that matches both changes nothing.
  of::Match proto;
  proto.wildcards = wc::kAll & ~(wc::kDlType | wc::kNwProto);
  proto.key.dl_type = 0x0800;
  proto.key.nw_proto = 17;
  ASSERT_TRUE(c.add(proto, 0, 3));
  EXPECT_EQ(c.get(a, &hit)->flow_id, 2u);
  EXPECT_TRUE(hit);
  // An exact entry (above every wildcard) for b: found by hash, b's entry goes.
  ASSERT_TRUE(c.add(exact(b), 0, 4));
  EXPECT_EQ(c.get(b, &hit)->flow_id, 4u);
  EXPECT_FALSE(hit);
  EXPECT_EQ(c.get(a, &hit)->flow_id, 2u);
  EXPECT_TRUE(hit);
}

class EmcInvalidation : public DatapathFixture {};

TEST_F(EmcInvalidation, TableChangesReachCachedFlows) {
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  ASSERT_TRUE(dp->flow_mod(add(m, 10, {out(2)})));
  inject(1, udp_frame(0x1, 0x2));
  run();  // the first packet fills the cache (a burst's misses are looked up together)
  for (int i = 0; i < 2; ++i) inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).take_tx().size(), 3u);
  EXPECT_EQ(dp->counters().emc_hits, 2u);
  // A higher-priority rule must win at once, cache or not.
  of::Match d;
  d.wildcards = wc::kAll & ~wc::kDlDst;
  d.key.dl_dst = mac(0x2);
  ASSERT_TRUE(dp->flow_mod(add(d, 20, {out(3)})));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(3).take_tx().size(), 1u);
  EXPECT_EQ(port(2).tx_count(), 0u);
  // Modify swaps actions in place: the cached rule follows.
  FlowModRequest mod = add(d, 20, {out(1)});
  mod.command = of::FlowModCommand::kModifyStrict;
  ASSERT_TRUE(dp->flow_mod(mod));
  inject(2, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(1).take_tx().size(), 1u);
  // Delete everything: the next packet is a miss.
  FlowModRequest del;
  del.command = of::FlowModCommand::kDelete;
  ASSERT_TRUE(dp->flow_mod(del));
  inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).tx_count() + port(3).tx_count(), 0u);
  EXPECT_EQ(dp->counters().table_misses, 1u);
}

}  // namespace
}  // namespace ofkit::dp
