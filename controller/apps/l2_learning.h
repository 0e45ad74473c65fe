#pragma once
// l2_learning: an Ethernet learning switch, behaving as POX's
// forwarding.l2_learning does. For each PacketIn:
//   1. learn: source MAC -> input port (per switch);
//   2. unless --transparent, LLDP frames and bridge-filtered destinations
//      (01:80:c2:00:00:0x) are dropped (the buffer is released with an
//      empty PACKET_OUT, no flow);
//   3. multicast/broadcast destination -> flood (PACKET_OUT to OFPP_FLOOD);
//   4. unknown destination -> flood;
//   5. destination learned on the input port (a loop or a moved host) ->
//      drop, installing a drop flow for 10 s (idle and hard);
//   6. otherwise install an exact-match flow (the frame's 12-tuple with
//      in_port) -> output to the learned port with --idle-timeout and
//      --hard-timeout, carrying the PacketIn's buffer_id so the switch
//      forwards the buffered frame: one FLOW_MOD answers one PacketIn. Only
//      when the frame is not buffered (buffer_id == OFP_NO_BUFFER) does a
//      PACKET_OUT with the frame follow the FLOW_MOD.
// The MAC table is per switch and forgotten when the switch disconnects.

#include <cstdint>
#include <unordered_map>

#include "controller/app.h"
#include "controller/events.h"

namespace ofkit::ctl {

class L2Learning : public App {
 public:
  void start(AppContext& ctx) override;
  bool reload(const OptionValues& options) override;
  void handle(PacketIn& ev);

  struct Table {
    std::unordered_map<uint64_t, uint16_t> mac_to_port;
  };
  // For tests: the learned port of mac on dpid, or 0.
  uint16_t learned_port(uint64_t dpid, const MacAddr& mac) const;

 private:
  void apply(const OptionValues& options);
  Table& table(uint64_t dpid);

  AppContext* ctx_ = nullptr;
  uint16_t idle_timeout_ = 10;
  uint16_t hard_timeout_ = 30;
  bool transparent_ = false;
  std::unordered_map<uint64_t, Table> tables_;
  uint64_t last_dpid_ = 0;
  Table* last_table_ = nullptr;
};

}  // namespace ofkit::ctl
