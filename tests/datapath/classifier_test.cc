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

TEST(ExactMatchCache, EntriesGoStaleWhenTheClassifierChanges) {
  Classifier cls;
  ExactMatchCache emc(64);
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  insert(cls, RefRule{of::normalize_match(m), 10, 1});
  FlowKey k;
  k.in_port = 1;
  const uint32_t h = hash_key(k);
  const Rule* r = cls.lookup(k);
  emc.insert(k, h, cls.generation(), r);
  EXPECT_EQ(emc.lookup(k, h, cls.generation()), r);
  FlowKey other = k;
  other.tp_dst = 1;
  EXPECT_EQ(emc.lookup(other, hash_key(other), cls.generation()), nullptr);
  insert(cls, RefRule{of::normalize_match(of::Match{}), 20, 2});
  EXPECT_EQ(emc.lookup(k, h, cls.generation()), nullptr);  // stale: must ask the classifier again
  EXPECT_EQ(cls.lookup(k)->flow_id, 2u);
}

class EmcInvalidation : public DatapathFixture {};

TEST_F(EmcInvalidation, TableChangesReachCachedFlows) {
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  ASSERT_TRUE(dp->flow_mod(add(m, 10, {out(2)})));
  for (int i = 0; i < 3; ++i) inject(1, udp_frame(0x1, 0x2));
  run();
  EXPECT_EQ(port(2).take_tx().size(), 3u);
  EXPECT_EQ(dp->counters().emc_hits, 2u);  // the first packet filled the cache
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
