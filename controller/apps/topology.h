#pragma once
// The topology model shared by discovery, spanning_tree and l2_multi.
//
// A Link is one direction of an inter-switch cable as LLDP saw it: an LLDP
// frame sent out of (dpid1, port1) arrived at (dpid2, port2). The one
// LinkDatabase lives in discovery's shard-0 instance; it decides when a link
// is new or timed out and raises LinkUp/LinkDown on every shard
// (Runtime::post_to_all, control mailbox: in order, never dropped), so
// each shard keeps its own TopologyView replica, updated in the same order
// everywhere, and reads it without locks.
//
// The graph algorithms are pure functions of a link set, deterministic
// (ascending dpid, then port) so their results can be checked against
// golden port sets.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/event_loop.h"

namespace ofkit::ctl {

struct Link {
  uint64_t dpid1 = 0;
  uint16_t port1 = 0;
  uint64_t dpid2 = 0;
  uint16_t port2 = 0;
  auto operator<=>(const Link&) const = default;
  Link reversed() const { return {dpid2, port2, dpid1, port1}; }
  // "00000000000000a1.2 -> 00000000000000a2.3"
  std::string to_string() const;
  nlohmann::json to_json() const;
};

// A switch port.
struct PortRef {
  uint64_t dpid = 0;
  uint16_t port = 0;
  auto operator<=>(const PortRef&) const = default;
};

// Raised on every shard when the link database learns a link.
struct LinkUp {
  static constexpr const char* kName = "LinkUp";
  Link link;
};

// Raised on every shard when a link times out, or one of its ends (switch
// or port) goes away.
struct LinkDown {
  static constexpr const char* kName = "LinkDown";
  Link link;
  std::string reason;
};

// The authoritative link table. Time is passed in (tests use a fake clock).
class LinkDatabase {
 public:
  explicit LinkDatabase(Duration timeout) : timeout_(timeout) {}
  void set_timeout(Duration t) { timeout_ = t; }
  Duration timeout() const { return timeout_; }

  // An LLDP frame proved the link at `now`. True if the link is new.
  bool seen(const Link& l, Clock::time_point now);
  // Links not seen for longer than the timeout, removed and returned.
  std::vector<Link> expire(Clock::time_point now);
  // Links with an end on dpid (or on dpid.port), removed and returned.
  std::vector<Link> remove_switch(uint64_t dpid);
  std::vector<Link> remove_port(uint64_t dpid, uint16_t port);

  std::vector<Link> links() const;
  size_t size() const { return links_.size(); }
  bool has(const Link& l) const { return links_.count(l) > 0; }

 private:
  template <typename P>
  std::vector<Link> remove_if(P pred);

  Duration timeout_;
  std::map<Link, Clock::time_point> links_;
};

// One shard's replica of the link set, with the derived graph.
class TopologyView {
 public:
  void add(const Link& l);
  void remove(const Link& l);
  void clear();

  const std::set<Link>& links() const { return links_; }
  // True if an LLDP link (either direction) ends at dpid.port: not a host port.
  bool is_switch_port(uint64_t dpid, uint16_t port) const;
  // Fewest-hop path from switch src to switch dst: the links in travel
  // order (dpid1 -> dpid2 each), empty when src == dst, nullopt when dst is
  // unreachable. Ties: BFS visiting neighbours by ascending dpid, one link
  // per switch pair (the lowest ports).
  std::optional<std::vector<Link>> shortest_path(uint64_t src, uint64_t dst) const;

 private:
  std::set<Link> links_;
  std::map<PortRef, int> switch_ports_;  // reference counts (both directions)
};

// The undirected graph of a link set: for each pair of distinct switches
// that share at least one link, the link with the lowest (port1, port2),
// oriented from the lower dpid. Self-links (a switch looped to itself) are
// left out.
std::map<std::pair<uint64_t, uint64_t>, Link> undirected_edges(const std::set<Link>& links);

// The ports that belong to the spanning tree of `links`: BFS from the lowest
// dpid of each connected component, neighbours by ascending dpid; both ends
// of every tree edge. With `only`, switches outside it (and their links) are
// left out of the graph. Every other port that appears in `links` is a
// redundant inter-switch port and must not flood.
std::set<PortRef> spanning_tree_ports(const std::set<Link>& links, const std::set<uint64_t>* only = nullptr);

// Every port that appears in `links` (either end).
std::set<PortRef> link_ports(const std::set<Link>& links);

}  // namespace ofkit::ctl
