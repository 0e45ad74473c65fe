#pragma once
// spanning_tree: keeps flooding loop-free on a looped topology (POX's
// openflow.spanning_tree). A global app (one instance, shard 0).
//
// From discovery's links it computes a spanning tree (topology.h:
// spanning_tree_ports, BFS from the lowest dpid, deterministic) and sets
// OFPPC_NO_FLOOD with PORT_MOD on every inter-switch port that is not in the
// tree, and clears it on tree ports and host ports (ports without a link).
// OFPP_FLOOD (what l2_learning and l2_multi flood with) skips NO_FLOOD
// ports, so a broadcast follows the tree and reaches every host once.
// Recomputed on every LinkUp/LinkDown and port change; only differences are
// sent (PORT_MOD through Runtime::with_switch on the switch's own shard).
//
// Until the topology settles (the storm guard): a switch that joins gets
// NO_FLOOD on all its ports at once and keeps them for --hold-down seconds
// (default: twice discovery's interval, by when LLDP has crossed every link
// in both directions), and it is left out of the tree until then, so the
// ports of settled switches that face it are closed too. POX does the same
// with its hold_down option. A switch is thus never part of a flood path
// before its links are known. The window between the switch's ConnectionUp
// and this PORT_MOD is one message round (SwitchJoined reaches shard 0
// through a mailbox), in which a forwarding app could flood once.
//
// Changing the tree: ports to close are closed first; ports to open are
// opened only after every switch that closed a port has answered a barrier,
// so a transition never has a moment with both old and new paths open.

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "controller/app.h"
#include "controller/apps/topology.h"
#include "oflib/wire/features.h"

namespace ofkit::ctl {

class SpanningTree : public App {
 public:
  void start(AppContext& ctx) override;
  bool reload(const OptionValues& options) override;

  // For tests and the log: the ports currently set (or being set) NO_FLOOD.
  std::set<PortRef> blocked_ports() const;
  void recompute();
  // A barrier of transition `generation` came back (or its switch was gone).
  void barrier_done(uint64_t generation);

 private:
  struct SwitchState {
    std::map<uint16_t, of::PhyPort> ports;  // physical ports only
    bool held = true;
    uint64_t join = 0;  // which join this state belongs to (for the hold-down timer)
  };
  void apply(const OptionValues& o);
  double hold_down_seconds();
  void send_no_flood(uint64_t dpid, const of::PhyPort& port, bool no_flood);
  void open_ports(uint64_t generation);

  AppContext* ctx_ = nullptr;
  double hold_down_ = -1;
  std::map<uint64_t, SwitchState> switches_;
  std::set<Link> links_;
  std::map<PortRef, bool> applied_;  // NO_FLOOD as last sent or reported
  std::vector<PortRef> pending_open_;
  uint64_t generation_ = 0;
  size_t barriers_outstanding_ = 0;
  uint64_t joins_ = 0;
  std::set<PortRef> last_logged_;
  bool logged_once_ = false;
};

AppInfo spanning_tree_app_info();

}  // namespace ofkit::ctl
