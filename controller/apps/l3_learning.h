#pragma once
// l3_learning: an IPv4 host-learning switch, as POX's forwarding.l3_learning.
//
// Per switch it keeps IP -> (port, MAC) learned from the sender of every
// ARP packet (sender IP != 0) and the source of every IPv4 packet, plus one
// entry per --fakeways address answered with the switch's own MAC (the low
// 48 bits of its datapath id, POX's dpid_to_mac) and never expiring.
//   - ARP request for an IP with an entry younger than --arp-timeout: the
//     controller answers itself: an ARP reply (Ethernet src = the switch's
//     MAC, dst = the asker; sender = the entry's MAC and the asked IP,
//     target = the asker) in a PACKET_OUT to OFPP_IN_PORT; every other ARP
//     is flooded.
//   - IPv4 to a known IP on another port: a FLOW_MOD (the frame's exact
//     12-tuple with in_port; with --wide only dl_type=IPv4,nw_dst) with
//     actions set_dl_dst(entry MAC) [+ set_dl_src(switch MAC) with
//     --rewrite-src], output(entry port), --idle-timeout/--hard-timeout,
//     carrying the PacketIn's buffer (an unbuffered frame follows in a
//     PACKET_OUT with the same actions). Known on the input port: nothing
//     is sent (POX logs it). To a fakeway (no port): nothing is sent.
//   - IPv4 to an unknown IP with --arp-for-unknowns (default: on when
//     --fakeways is given, as in POX): the packet waits (at most
//     --max-buffered-per-ip per (switch, IP), for --max-buffer-time
//     seconds; buffered frames by id, unbuffered ones copied) and the
//     controller ARPs for the IP on behalf of the sender (flooded, at most
//     once per 4 s per IP). When the IP is learned the waiting packets go
//     out rewritten to it; when they time out their buffers are released
//     with an empty PACKET_OUT. Without --arp-for-unknowns the packet is
//     flooded (POX drops it silently; flooding keeps hosts reachable).
//   - A host re-learned elsewhere with --wide: its nw_dst flows are deleted.
//   - LLDP is ignored; other EtherTypes are flooded (POX ignores them).
// Tables are per switch and forgotten when it disconnects.

#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/app.h"
#include "controller/events.h"

namespace ofkit::ctl {

class L3Learning : public App {
 public:
  static constexpr auto kArpRequestHoldoff = std::chrono::seconds(4);
  static constexpr size_t kMaxWaitingIps = 4096;  // per switch: (switch, IP) bins with waiting packets

  void start(AppContext& ctx) override;
  bool reload(const OptionValues& options) override;
  void handle(PacketIn& ev);

  struct Entry {
    uint16_t port = 0;  // OFPP_NONE for a fakeway
    MacAddr mac;
    Clock::time_point expires;
    bool fake = false;
  };
  // For tests: the entry of ip on dpid, or nullptr.
  const Entry* entry(uint64_t dpid, Ipv4Addr ip) const;

 private:
  struct Waiting {
    Clock::time_point expires;
    uint32_t buffer_id;
    uint16_t in_port;
    std::vector<uint8_t> data;  // unbuffered frames only
  };
  struct Switch {
    std::unordered_map<uint32_t, Entry> hosts;
    std::unordered_map<uint32_t, std::deque<Waiting>> waiting;
    std::unordered_map<uint32_t, Clock::time_point> outstanding_arps;
  };

  bool apply(const OptionValues& options);
  Switch& table(uint64_t dpid);
  void learn(Switch& sw, Connection& conn, uint32_t ip, uint16_t port, const MacAddr& mac);
  void send_waiting(Switch& sw, Connection& conn, uint32_t ip, const MacAddr& mac, uint16_t port);
  void handle_ipv4(Switch& sw, PacketIn& ev);
  void handle_arp(Switch& sw, PacketIn& ev);
  void flood(PacketIn& ev);
  void expire();
  of::ActionList rewrite_actions(uint64_t dpid, const MacAddr& dst, uint16_t port) const;

  AppContext* ctx_ = nullptr;
  std::vector<Ipv4Addr> fakeways_;
  bool arp_for_unknowns_ = false;
  bool wide_ = false;
  bool rewrite_src_ = false;
  uint16_t idle_timeout_ = 10;
  uint16_t hard_timeout_ = 0;
  Duration arp_timeout_ = std::chrono::seconds(120);
  size_t max_buffered_ = 5;
  Duration max_buffer_time_ = std::chrono::seconds(5);
  TimerId expire_timer_ = 0;
  std::unordered_map<uint64_t, Switch> switches_;
};

AppInfo l3_learning_app_info();

}  // namespace ofkit::ctl
