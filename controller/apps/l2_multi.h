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
//      hop's in_port) -> output to the next hop, through
//      Runtime::with_switch (the path's switches may live on other shards),
//      each followed by a barrier; the first switch gets its flow, with the
//      PacketIn's buffer_id (which releases the frame), only when all those
//      barriers have come back (POX's WaitingPath), so the frame does not
//      overtake its flows. A barrier that times out releases it as well.
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
  // One switch of waiting path `id` confirmed its flow (barrier reply).
  void hop_ready(uint64_t id);

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
  // A path waiting for its barriers before the first switch gets its flow.
  struct Waiting {
    uint64_t dpid = 0;
    of::Match match;
    uint16_t out_port = 0;
    uint32_t buffer_id = 0;
    std::vector<uint8_t> data;  // the frame, when the switch did not buffer it
    size_t remaining = 0;
  };
  void release(const Waiting& w, Connection* conn);
  void link_down(const Link& l);
  void forget_hosts_at(PortRef p);

  AppContext* ctx_ = nullptr;
  Discovery* discovery_ = nullptr;
  uint16_t idle_timeout_ = 10;
  uint16_t hard_timeout_ = 30;
  std::unordered_map<uint64_t, PortRef> hosts_;
  std::vector<Installed> paths_;
  std::unordered_map<uint64_t, Waiting> waiting_;
  uint64_t next_wait_ = 0;
};

AppInfo l2_multi_app_info();

}  // namespace ofkit::ctl
