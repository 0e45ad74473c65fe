#pragma once
// ActionExecutor: runs compiled OF1.0 actions on packet bytes, for one thread
// (a worker, or the control thread for packet_out and buffered packets).
//
// Contract: execute() takes ownership of the packet. The packet itself goes
// to the last output; earlier outputs (and every port of FLOOD/ALL but the
// last) get copies taken from this thread's pool, so later set-field actions
// never change what an earlier output sent. Outputs are queued per port and
// sent in bursts by flush() (once per RX burst), which visits only the ports
// that got packets.
//
// Port rules (OF1.0): a packet is never sent back out its input port unless
// the action is OFPP_IN_PORT; FLOOD skips NO_FLOOD ports, ALL does not;
// PORT_DOWN and NO_FWD ports send nothing; OFPP_CONTROLLER hands the packet
// (reason ACTION, max_len) to the PacketInSink; OFPP_NORMAL is a MAC-learning
// switch per thread; OFPP_TABLE (packet_out only) calls the table hook.
// Set-field actions fix the IPv4 and TCP/UDP checksums incrementally
// (oflib/packet/checksum.h). SET_VLAN_* push an 802.1Q tag on untagged frames.

#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "datapath/actions.h"
#include "datapath/counters.h"
#include "datapath/port.h"
#include "oflib/wire/constants.h"

namespace ofkit::dp {

class PacketInSink {
 public:
  virtual ~PacketInSink() = default;
  // The packet stays the caller's. max_len: bytes for reason ACTION.
  virtual void packet_in(const Packet& pkt, of::PacketInReason reason, uint16_t max_len) = 0;
};

// Byte-level helpers (exposed for tests).
bool packet_set_vlan_vid(Packet& p, uint16_t vid);
bool packet_set_vlan_pcp(Packet& p, uint8_t pcp);
void packet_strip_vlan(Packet& p);
// Offset of the IPv4 header, or 0 when the frame is not IPv4.
size_t packet_ipv4_offset(const Packet& p);
void apply_set_field(Packet& p, const ActionOp& op);

class ActionExecutor {
 public:
  // ports[i] is port number i+1. port_counters has ports.size()+2 entries
  // (index = port number; the last one counts OFPP_LOCAL). tx_queue is this
  // thread's TX queue on every port. `local` (may be null) is the OFPP_LOCAL
  // port: output:LOCAL goes there (it is not physical, so FLOOD and ALL skip
  // it); without one output:LOCAL is a counted drop.
  ActionExecutor(std::vector<Port*> ports, uint16_t tx_queue, PacketPool* pool, ThreadCounters* counters,
                 PortCounters* port_counters, PacketInSink* sink, Port* local = nullptr);

  // Internal index of OFPP_LOCAL in port_config/port_counters arrays.
  uint16_t local_index() const { return n_phys_ + 1; }

  // port_no: 1..n or of::port::kLocal.
  void set_port_config(uint16_t port_no, uint32_t config) {
    if (port_no == of::port::kLocal) port_no = local_index();
    if (port_no >= 1 && port_no <= port_config_.size()) port_config_[port_no - 1] = config;
  }
  uint32_t port_config(uint16_t port_no) const {
    return (port_no >= 1 && port_no <= port_config_.size()) ? port_config_[port_no - 1] : 0;
  }
  void set_table_hook(std::function<void(Packet*)> hook) { table_hook_ = std::move(hook); }

  void execute(Packet* pkt, const ActionProgram& prog);
  // Sends (copies of) pkt to port_no per the rules above; consumes pkt iff `consume`.
  void output(Packet* pkt, uint16_t port_no, uint16_t max_len, bool consume);
  void flush();
  void drop(Packet* pkt) { free_packet(pkt); }

  uint16_t n_ports() const { return n_phys_; }

 private:
  struct TxQueue {
    Packet* pkts[kBurstSize];
    uint16_t n = 0;
    bool listed = false;  // in dirty_
  };
  struct MacEntry {
    uint64_t mac_vlan = 0;  // mac << 16 | vlan, 0 = empty
    uint16_t port = 0;
  };
  void enqueue(Packet* pkt, uint16_t port_no);
  void flood(Packet* pkt, bool all, bool consume);
  void normal(Packet* pkt, bool consume);
  void flush_port(uint16_t port_no);

  std::vector<Port*> ports_;  // physical ports, then the local port (if any)
  uint16_t n_phys_;
  bool has_local_;
  std::vector<uint32_t> port_config_;
  std::vector<TxQueue> tx_;
  // Ports that got packets since the last flush(): flush() touches only
  // these, so a burst to one port of a 256-port switch flushes one queue.
  std::vector<uint16_t> dirty_;
  uint16_t tx_queue_;
  PacketPool* pool_;
  ThreadCounters* counters_;
  PortCounters* port_counters_;
  PacketInSink* sink_;
  std::function<void(Packet*)> table_hook_;
  std::vector<MacEntry> macs_;  // OFPP_NORMAL learning table, direct mapped
};

}  // namespace ofkit::dp
