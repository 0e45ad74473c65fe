#pragma once
// l2_pairs: the simplest learning switch that installs flows, as POX's
// forwarding.l2_pairs. For each PacketIn:
//   1. learn: (switch, source MAC) -> input port;
//   2. destination unknown (or multicast, never learned) -> flood the frame
//      (PACKET_OUT to OFPP_FLOOD, the buffer if there is one, else the data);
//   3. destination known on port P -> two FLOW_MODs matching only the MAC
//      pair, every other field wildcarded: first dl_src=dst,dl_dst=src ->
//      output:in_port (the reverse direction, no buffer), then
//      dl_src=src,dl_dst=dst -> output:P carrying the PacketIn's buffer so
//      the switch forwards the frame. An unbuffered frame follows in a
//      PACKET_OUT to P (POX sends it to OFPP_TABLE; the result is the same).
// Flows are permanent by default (POX sets no timeouts); --idle-timeout and
// --hard-timeout change that. The table is forgotten when a switch leaves.

#include <cstdint>
#include <unordered_map>

#include "controller/app.h"
#include "controller/events.h"

namespace ofkit::ctl {

class L2Pairs : public App {
 public:
  void start(AppContext& ctx) override;
  bool reload(const OptionValues& options) override;
  void handle(PacketIn& ev);

  // For tests: the learned port of mac on dpid, or 0.
  uint16_t learned_port(uint64_t dpid, const MacAddr& mac) const;

 private:
  void apply(const OptionValues& options);

  AppContext* ctx_ = nullptr;
  uint16_t idle_timeout_ = 0;
  uint16_t hard_timeout_ = 0;
  uint16_t priority_ = 0x8000;
  std::unordered_map<uint64_t, std::unordered_map<uint64_t, uint16_t>> tables_;  // dpid -> mac -> port
};

AppInfo l2_pairs_app_info();

}  // namespace ofkit::ctl
