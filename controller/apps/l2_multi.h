#pragma once
// l2_multi: Ethernet forwarding across a multi-switch topology along
// shortest paths (POX's forwarding.l2_multi). Needs discovery.
//
// Per shard, lock-free: each instance reads its shard's TopologyView
// (discovery's replica) and keeps a replica of the host table.
//   1. A host is located where it attaches: the source MAC of a PacketIn
//      whose in_port is not an inter-switch port (no LLDP link) is at
//      (dpid, in_port). A new or moved location is sent to every shard
//      (HostSeen, Runtime::post_to_all) so all replicas agree; a location
//      that later turns out to be an inter-switch port is forgotten.
//   2. Broadcast/multicast or unknown destination: flood (OFPP_FLOOD, so
//      spanning_tree's NO_FLOOD keeps it loop-free).
//   3. Known destination: the fewest-hop path from this switch to the
//      destination's switch (TopologyView::shortest_path); on each switch
//      of the path an exact-match flow (the frame's 12-tuple with that
//      hop's in_port) -> output to the next hop, last hop first, through
//      Runtime::with_switch (the path's switches may live on other shards);
//      the first switch gets its flow directly with the PacketIn's
//      buffer_id. A frame that overtakes the flows simply misses again on
//      the next switch, which installs the rest of the path from there.
//   4. No path (partitioned) or destination on the input port: drop.
// Each shard remembers the paths it installed until their hard timeout;
// on LinkDown the paths that cross the link are deleted (DELETE_STRICT on
// every hop), so traffic misses and is re-routed.

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

#include "controller/app.h"
#include "controller/apps/topology.h"
#include "controller/events.h"
#include "oflib/wire/match.h"

namespace ofkit::ctl {

class Discovery;

// One switch of a path: in at in_port, out at out_port.
struct PathHop {
  uint64_t dpid = 0;
  uint16_t in_port = 0;
  uint16_t out_port = 0;
  friend bool operator==(const PathHop&, const PathHop&) = default;
};

// The hops from (src_dpid, in_port) to the host at (dst_dpid, dst_port);
// nullopt when no path exists or the path would send the frame back out of
// its input port.
std::optional<std::vector<PathHop>> compute_path(const TopologyView& view, uint64_t src_dpid,
                                                 uint16_t in_port, uint64_t dst_dpid, uint16_t dst_port);

// A host location, sent to every shard.
struct HostSeen {
  static constexpr const char* kName = "HostSeen";
  uint64_t mac = 0;
  PortRef where;
};

class L2Multi : public App {
 public:
  void start(AppContext& ctx) override;
  bool reload(const OptionValues& options) override;
  void handle(PacketIn& ev);

  // For tests: where a MAC is known to be.
  std::optional<PortRef> host(const MacAddr& mac) const;
  size_t installed_paths() const { return paths_.size(); }

 private:
  struct Installed {
    of::Match match;  // in_port left out: set per hop
    std::vector<PathHop> hops;
    Clock::time_point expires;
  };
  void apply(const OptionValues& o);
  void learn(const MacAddr& mac, PortRef where);
  void flood(PacketIn& ev);
  void install(PacketIn& ev, const std::vector<PathHop>& hops);
  void link_down(const Link& l);
  void forget_hosts_at(PortRef p);

  AppContext* ctx_ = nullptr;
  Discovery* discovery_ = nullptr;
  uint16_t idle_timeout_ = 10;
  uint16_t hard_timeout_ = 30;
  std::unordered_map<uint64_t, PortRef> hosts_;
  std::vector<Installed> paths_;
};

AppInfo l2_multi_app_info();

}  // namespace ofkit::ctl
