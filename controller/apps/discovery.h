#pragma once
// discovery: LLDP topology discovery (POX's openflow.discovery).
//
// Per shard: every --interval seconds each switch of the shard sends one
// LLDP frame out of every physical port (PACKET_OUT; also at once on
// ConnectionUp, and out of a port a PORT_STATUS reports added or up). The
// frame says where it left: Chassis ID "dpid:<16 hex>" and Port ID "<port
// number>" (both subtype 7, locally assigned), TTL 120, sent to
// 01:80:c2:00:00:0e from the port's own MAC. All ports at once each round
// (POX spreads the sends over the cycle; with thousands of switches per
// shard a burst per round is the cost of doing it simply). At ConnectionUp the
// switch gets a flow (priority 65000, dl_type=0x88cc,
// dl_dst=01:80:c2:00:00:0e -> CONTROLLER) so LLDP always reaches us. An
// LLDP PacketIn on (dpid2, port2) that decodes as ours is the link
// (dpid1, port1) -> (dpid2, port2); the receiving shard posts it to the one
// LinkDatabase on shard 0 and halts the PacketIn (forwarding apps never see
// LLDP). Foreign LLDP (hosts, other controllers) is halted too.
//
// Shard 0 times links out (--link-timeout, checked four times per timeout),
// drops the links of a switch that leaves or a port that is deleted or goes
// down, and raises LinkUp / LinkDown on every shard
// (Runtime::post_to_all: ordered, never dropped; broadcast_event
// does not compile for a const event in this tree). Every shard's instance
// listens to those first (priority 1000) and keeps a TopologyView replica
// that l2_multi and others read through core().get<Discovery>().
//
// Messenger: command "discovery.links" -> {"links": [...]}; link changes are
// published on channel "discovery" as {"event": "LinkUp"|"LinkDown", ...}.

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "controller/app.h"
#include "controller/apps/topology.h"
#include "controller/events.h"

namespace ofkit::ctl {

inline constexpr uint16_t kLldpFlowPriority = 65000;
inline constexpr int kDiscoveryListenPriority = 1000;  // above forwarding and filters

// The LLDP frame discovery sends out of dpid.port (padded to 60 bytes).
std::vector<uint8_t> build_discovery_lldp(uint64_t dpid, uint16_t port, const MacAddr& src);
// (dpid, port) from a frame built by build_discovery_lldp; nullopt for
// anything else (not LLDP, foreign chassis/port encoding, malformed).
std::optional<PortRef> parse_discovery_lldp(std::span<const uint8_t> frame);

class Discovery : public App {
 public:
  void start(AppContext& ctx) override;
  void stop() override;
  bool reload(const OptionValues& options) override;

  // This shard's replica of the link set.
  const TopologyView& view() const { return view_; }
  double interval_seconds() const { return interval_; }
  // Shard 0 only: the authoritative database (nullptr elsewhere).
  const LinkDatabase* database() const { return db_.get(); }
  // Shard 0: an LLDP frame proved `l` (called through post_to_shard).
  void link_seen(const Link& l);
  // Shard 0: expire links now (tests drive this with the loop clock).
  void expire_links();

 private:
  void apply(const OptionValues& o);
  void restart_timers();
  void send_lldp(Connection& conn);
  void install_lldp_flow(Connection& conn);
  void handle_packet_in(PacketIn& ev, bool* halt);
  void links_down(const std::vector<Link>& links, const std::string& reason);

  AppContext* ctx_ = nullptr;
  double interval_ = 5.0;
  double timeout_ = 10.0;
  TimerId send_timer_ = 0;
  TimerId expire_timer_ = 0;
  TopologyView view_;
  std::unique_ptr<LinkDatabase> db_;  // shard 0 only
  uint64_t foreign_lldp_ = 0;
};

AppInfo discovery_app_info();

}  // namespace ofkit::ctl
