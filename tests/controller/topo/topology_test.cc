// Unit tests for the topology apps' pure parts: the link database under a
// fake clock, spanning trees of rings and meshes against hand-worked port
// sets, shortest paths and l2_multi's hops, and discovery's LLDP frame
// against bytes written from IEEE 802.1AB.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "controller/apps/discovery.h"
#include "controller/apps/l2_multi.h"
#include "controller/apps/topology.h"

namespace ofkit::ctl {
namespace {

using namespace std::chrono_literals;

// Both directions of a cable a.pa <-> b.pb.
void cable(std::set<Link>* links, uint64_t a, uint16_t pa, uint64_t b, uint16_t pb) {
  links->insert({a, pa, b, pb});
  links->insert({b, pb, a, pa});
}

TEST(LinkDatabase, UpRefreshTimeout) {
  LinkDatabase db(10s);
  const Clock::time_point t0{};
  const Link ab{1, 2, 2, 3};
  EXPECT_TRUE(db.seen(ab, t0));              // new: LinkUp
  EXPECT_FALSE(db.seen(ab, t0 + 6s));        // refresh: nothing to raise
  EXPECT_TRUE(db.expire(t0 + 15s).empty());  // 9 s since the refresh
  EXPECT_TRUE(db.seen(ab.reversed(), t0 + 15s));
  // 16 s: ab last seen at 6 s (10 s ago: not over), reverse fresh.
  EXPECT_TRUE(db.expire(t0 + 16s).empty());
  const auto gone = db.expire(t0 + 16s + 1ms);  // ab over the timeout: LinkDown
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0], ab);
  EXPECT_FALSE(db.has(ab));
  EXPECT_TRUE(db.has(ab.reversed()));
  EXPECT_TRUE(db.seen(ab, t0 + 17s));  // comes back: up again
  EXPECT_EQ(db.size(), 2u);
}

TEST(LinkDatabase, RemoveSwitchAndPort) {
  LinkDatabase db(10s);
  const Clock::time_point t0{};
  db.seen({1, 1, 2, 1}, t0);
  db.seen({2, 1, 1, 1}, t0);
  db.seen({2, 2, 3, 1}, t0);
  db.seen({3, 1, 2, 2}, t0);
  auto p = db.remove_port(3, 1);
  EXPECT_EQ(p, (std::vector<Link>{{2, 2, 3, 1}, {3, 1, 2, 2}}));
  auto s = db.remove_switch(1);
  EXPECT_EQ(s, (std::vector<Link>{{1, 1, 2, 1}, {2, 1, 1, 1}}));
  EXPECT_EQ(db.size(), 0u);
}

TEST(TopologyView, SwitchPortsCountBothDirections) {
  TopologyView v;
  v.add({1, 2, 2, 3});
  v.add({2, 3, 1, 2});
  EXPECT_TRUE(v.is_switch_port(1, 2));
  EXPECT_TRUE(v.is_switch_port(2, 3));
  EXPECT_FALSE(v.is_switch_port(1, 1));
  v.remove({1, 2, 2, 3});
  EXPECT_TRUE(v.is_switch_port(1, 2));  // the reverse direction still proves it
  v.remove({2, 3, 1, 2});
  EXPECT_FALSE(v.is_switch_port(1, 2));
  v.remove({2, 3, 1, 2});  // unknown: no effect
  EXPECT_TRUE(v.links().empty());
}

// Ring 1-2-3: port 2 faces the next switch, port 3 the previous one.
std::set<Link> ring3() {
  std::set<Link> l;
  cable(&l, 1, 2, 2, 3);
  cable(&l, 2, 2, 3, 3);
  cable(&l, 3, 2, 1, 3);
  return l;
}

TEST(SpanningTree, RingOfThree) {
  const auto links = ring3();
  // BFS from 1: edges 1-2 (1.2/2.3) and 1-3 (1.3/3.2); 2-3 is redundant.
  EXPECT_EQ(spanning_tree_ports(links), (std::set<PortRef>{{1, 2}, {1, 3}, {2, 3}, {3, 2}}));
  const auto all = link_ports(links);
  std::set<PortRef> blocked;
  for (auto p : all)
    if (!spanning_tree_ports(links).count(p)) blocked.insert(p);
  EXPECT_EQ(blocked, (std::set<PortRef>{{2, 2}, {3, 3}}));
}

TEST(SpanningTree, OneDirectionIsEnoughForAnEdge) {
  std::set<Link> l{{1, 2, 2, 3}, {3, 3, 2, 2}, {1, 3, 3, 2}};  // each cable seen one way only
  EXPECT_EQ(spanning_tree_ports(l), (std::set<PortRef>{{1, 2}, {1, 3}, {2, 3}, {3, 2}}));
}

TEST(SpanningTree, RingOfFiveAndUnorderedDpids) {
  // Ring 50-10-40-20-30-50 (port 1 to the next, port 2 to the previous).
  const std::vector<uint64_t> ring{50, 10, 40, 20, 30};
  std::set<Link> l;
  for (size_t i = 0; i < ring.size(); ++i) cable(&l, ring[i], 1, ring[(i + 1) % ring.size()], 2);
  // BFS from 10: neighbours 40 (10.1/40.2), 50 (10.2/50.1); from 40: 20
  // (40.1/20.2); from 50: 30 (50.2/30.1); 20-30 (20.1/30.2) is redundant.
  EXPECT_EQ(spanning_tree_ports(l),
            (std::set<PortRef>{{10, 1}, {40, 2}, {10, 2}, {50, 1}, {40, 1}, {20, 2}, {50, 2}, {30, 1}}));
}

TEST(SpanningTree, FullMeshOfFourAndParallelLinks) {
  std::set<Link> l;
  // Switch i uses port j to reach switch j.
  for (uint64_t a = 1; a <= 4; ++a)
    for (uint64_t b = a + 1; b <= 4; ++b) cable(&l, a, static_cast<uint16_t>(b), b, static_cast<uint16_t>(a));
  cable(&l, 1, 9, 2, 9);  // a second cable 1-2: the lower ports (1.2/2.1) win
  // Star from 1: 1.2/2.1, 1.3/3.1, 1.4/4.1.
  EXPECT_EQ(spanning_tree_ports(l), (std::set<PortRef>{{1, 2}, {2, 1}, {1, 3}, {3, 1}, {1, 4}, {4, 1}}));
}

TEST(SpanningTree, ComponentsSelfLoopsAndOnly) {
  std::set<Link> l = ring3();
  cable(&l, 7, 1, 8, 1);  // a second island
  cable(&l, 7, 5, 7, 6);  // switch 7 looped to itself: never a tree edge
  const auto tree = spanning_tree_ports(l);
  EXPECT_TRUE(tree.count({7, 1}) && tree.count({8, 1}));
  EXPECT_FALSE(tree.count({7, 5}) || tree.count({7, 6}));
  // Switch 1 still held down: the tree spans 2 and 3 only.
  const std::set<uint64_t> only{2, 3, 7, 8};
  EXPECT_EQ(spanning_tree_ports(l, &only), (std::set<PortRef>{{2, 2}, {3, 3}, {7, 1}, {8, 1}}));
}

TEST(ShortestPath, PicksFewestHopsWithLowestDpidTies) {
  TopologyView v;
  std::set<Link> l;
  // Square 1-2-4-3-1 plus a tail 4-5: 1 -> 4 has two 2-hop paths; via 2 wins.
  cable(&l, 1, 2, 2, 1);
  cable(&l, 2, 4, 4, 2);
  cable(&l, 1, 3, 3, 1);
  cable(&l, 3, 4, 4, 3);
  cable(&l, 4, 5, 5, 4);
  for (const auto& x : l) v.add(x);
  auto p = v.shortest_path(1, 5);
  ASSERT_TRUE(p);
  EXPECT_EQ(*p, (std::vector<Link>{{1, 2, 2, 1}, {2, 4, 4, 2}, {4, 5, 5, 4}}));
  EXPECT_EQ(v.shortest_path(3, 3)->size(), 0u);
  EXPECT_FALSE(v.shortest_path(1, 99));

  auto hops = compute_path(v, 1, 7, 5, 9);  // host in at 1.7, destination at 5.9
  ASSERT_TRUE(hops);
  EXPECT_EQ(*hops, (std::vector<PathHop>{{1, 7, 2}, {2, 1, 4}, {4, 2, 5}, {5, 4, 9}}));
  EXPECT_EQ(*compute_path(v, 3, 7, 3, 8), (std::vector<PathHop>{{3, 7, 8}}));
  EXPECT_FALSE(compute_path(v, 3, 7, 3, 7));   // back out of its own port
  EXPECT_FALSE(compute_path(v, 1, 7, 99, 1));  // unreachable

  // The 2-4 cable fails: 1 -> 5 goes around through 3.
  v.remove({2, 4, 4, 2});
  v.remove({4, 2, 2, 4});
  EXPECT_EQ(*compute_path(v, 1, 7, 5, 9), (std::vector<PathHop>{{1, 7, 3}, {3, 1, 4}, {4, 3, 5}, {5, 4, 9}}));
}

// IEEE 802.1AB-2009 9.4 / 8.5: TLV header = 7-bit type, 9-bit length.
TEST(DiscoveryLldp, GoldenFrame) {
  const auto f = build_discovery_lldp(0xa1, 2, MacAddr::from_u64(0x02000000a102));
  std::vector<uint8_t> want = {
      0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e,  // nearest-bridge group address
      0x02, 0x00, 0x00, 0x00, 0xa1, 0x02,  // the port's MAC
      0x88, 0xcc,                          // LLDP
      0x02, 0x16, 0x07,                    // Chassis ID: type 1, length 22, subtype 7 (local)
  };
  for (char c : std::string("dpid:00000000000000a1")) want.push_back(static_cast<uint8_t>(c));
  const std::vector<uint8_t> rest = {
      0x04, 0x02, 0x07, '2',   // Port ID: type 2, length 2, subtype 7 (local), "2"
      0x06, 0x02, 0x00, 0x78,  // TTL: type 3, length 2, 120 s
      0x00, 0x00,              // End
  };
  want.insert(want.end(), rest.begin(), rest.end());
  want.resize(60, 0);  // minimum Ethernet frame
  EXPECT_EQ(f, want);
  auto r = parse_discovery_lldp(f);
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, (PortRef{0xa1, 2}));
}

TEST(DiscoveryLldp, RoundTripAndForeignFrames) {
  const auto f = build_discovery_lldp(0xfedcba9876543210ULL, 0xff00, MacAddr::from_u64(1));
  EXPECT_EQ(*parse_discovery_lldp(f), (PortRef{0xfedcba9876543210ULL, 0xff00}));
  // Every truncation is refused, never read past.
  for (size_t n = 0; n < 14 + 24 + 4 + 4; ++n)
    EXPECT_FALSE(parse_discovery_lldp(std::span(f.data(), n))) << n;
  auto bad = f;
  bad[12] = 0x08, bad[13] = 0x00;  // not LLDP
  EXPECT_FALSE(parse_discovery_lldp(bad));
  bad = f;
  bad[16] = 4;  // chassis subtype MAC: someone else's LLDP
  EXPECT_FALSE(parse_discovery_lldp(bad));
  bad = f;
  bad[17] = 'x';  // not "dpid:"
  EXPECT_FALSE(parse_discovery_lldp(bad));
  bad = f;
  bad[20] = 'g';  // not hex
  EXPECT_FALSE(parse_discovery_lldp(bad));
  for (auto port : {"0", "65281", "1a", ""}) {
    // Rebuild with a hand-made Port ID.
    std::vector<uint8_t> g(f.begin(), f.begin() + 14 + 24);
    const std::string id(port);
    g.push_back(0x04);
    g.push_back(static_cast<uint8_t>(1 + id.size()));
    g.push_back(0x07);
    g.insert(g.end(), id.begin(), id.end());
    const std::vector<uint8_t> tail = {0x06, 0x02, 0x00, 0x78, 0x00, 0x00};
    g.insert(g.end(), tail.begin(), tail.end());
    EXPECT_FALSE(parse_discovery_lldp(g)) << port;
  }
}

}  // namespace
}  // namespace ofkit::ctl
