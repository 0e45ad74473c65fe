#pragma once
// mac_blocker: keeps a set of blocked Ethernet addresses away from the
// forwarding apps (POX's forwarding.mac_blocker, with drop flows instead of
// clearing every table).
//
// It listens to PacketIn at priority kListenPriority, above every
// forwarding app (they listen at 0), and halts the event when the source or
// the destination is blocked, so l2_learning/l2_pairs/l3_learning never see
// the frame. Halting also answers the switch: a FLOW_MOD with no actions
// (drop) matching dl_src=MAC (blocked source) or dl_dst=MAC (blocked
// destination), --priority, --idle-timeout/--hard-timeout, carrying the
// PacketIn's buffer so the buffered frame is dropped with it.
//
// The list: --block=MAC,... at start, then changed at runtime through the
// services mac_blocker.block / mac_blocker.unblock / mac_blocker.list
// ({"macs": ["00:00:00:00:00:01", ...]} or {"mac": "..."}), registered by
// the shard-0 instance and fanned out to the instance on every shard. On
// every switch of the shard, blocking a MAC deletes the flows that match it
// as source or destination (non-strict OFPFC_DELETE, so forwarding flows
// learned before go) and installs the two drop flows at once; unblocking
// deletes them again (and any forwarding flow of that MAC: it is relearned).
// A switch that connects gets the drop flows of every blocked MAC.
// SIGHUP: entries added to --block since the last load are blocked, entries
// removed are unblocked; runtime changes to other MACs stay.
// Multicast addresses cannot be blocked (as in POX).

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "controller/app.h"
#include "controller/events.h"

namespace ofkit::ctl {

class MacBlocker : public App {
 public:
  static constexpr int kListenPriority = 100;

  void start(AppContext& ctx) override;
  void stop() override;
  bool reload(const OptionValues& options) override;

  // This shard: adds/removes MACs and updates the flows of this shard's
  // switches. Return the MACs that actually changed.
  std::vector<MacAddr> block(const std::vector<MacAddr>& macs);
  std::vector<MacAddr> unblock(const std::vector<MacAddr>& macs);
  bool is_blocked(const MacAddr& m) const { return blocked_.count(m.to_u64()) > 0; }
  std::vector<MacAddr> blocked() const;
  nlohmann::json blocked_json() const;

 private:
  EventAction on_packet_in(PacketIn& ev);
  void apply_timeouts(const OptionValues& o);
  void install_drops(Connection& conn, const MacAddr& mac);
  void delete_flows(Connection& conn, const MacAddr& mac);
  void register_services();

  AppContext* ctx_ = nullptr;
  uint16_t idle_timeout_ = 60;
  uint16_t hard_timeout_ = 0;
  uint16_t priority_ = 0xffff;
  std::set<uint64_t> blocked_;
  std::set<uint64_t> from_option_;  // --block as last loaded
  bool services_ = false;
};

AppInfo mac_blocker_app_info();

}  // namespace ofkit::ctl
