#include "datapath/action_exec.h"

#include <cstring>

#include "oflib/common/byte_order.h"
#include "oflib/packet/checksum.h"

namespace ofkit::dp {
namespace {

constexpr size_t kMacTableSize = 4096;

bool is_vlan_tpid(uint16_t t) { return t == 0x8100 || t == 0x88a8 || t == 0x9100; }

bool has_vlan(const Packet& p) { return p.len >= 18 && is_vlan_tpid(load_be16(p.data + 12)); }

// Inserts a 4-byte 802.1Q tag after the MAC addresses.
bool push_vlan(Packet& p, uint16_t tci) {
  if (p.len < 14) return false;
  if (p.headroom() >= 4) {
    p.data -= 4;
    std::memmove(p.data, p.data + 4, 12);
  } else if (p.tailroom() >= 4) {
    std::memmove(p.data + 16, p.data + 12, p.len - 12u);
  } else {
    return false;
  }
  store_be16(p.data + 12, 0x8100);
  store_be16(p.data + 14, tci);
  p.len = static_cast<uint16_t>(p.len + 4);
  return true;
}

uint64_t mac_key(const uint8_t* mac, uint16_t vlan) {
  uint64_t m = 0;
  for (int i = 0; i < 6; ++i) m = (m << 8) | mac[i];
  return (m << 16) | vlan | (uint64_t{1} << 63);  // never 0
}

size_t mac_slot(uint64_t key) { return ((key * 0x9E3779B97F4A7C15ull) >> 40) & (kMacTableSize - 1); }

}  // namespace

bool packet_set_vlan_vid(Packet& p, uint16_t vid) {
  if (has_vlan(p)) {
    const uint16_t tci = load_be16(p.data + 14);
    store_be16(p.data + 14, static_cast<uint16_t>((tci & 0xf000) | (vid & 0x0fff)));
    return true;
  }
  return push_vlan(p, vid & 0x0fff);
}

bool packet_set_vlan_pcp(Packet& p, uint8_t pcp) {
  if (has_vlan(p)) {
    const uint16_t tci = load_be16(p.data + 14);
    store_be16(p.data + 14, static_cast<uint16_t>((tci & 0x1fff) | ((pcp & 7) << 13)));
    return true;
  }
  return push_vlan(p, static_cast<uint16_t>((pcp & 7) << 13));
}

void packet_strip_vlan(Packet& p) {
  if (!has_vlan(p)) return;
  std::memmove(p.data + 4, p.data, 12);
  p.data += 4;
  p.len = static_cast<uint16_t>(p.len - 4);
}

size_t packet_ipv4_offset(const Packet& p) {
  size_t off = 12;
  while (off + 4 <= p.len && is_vlan_tpid(load_be16(p.data + off))) off += 4;
  if (off + 2 > p.len || load_be16(p.data + off) != 0x0800) return 0;
  off += 2;
  return off + 20 <= p.len ? off : 0;
}

void apply_set_field(Packet& p, const ActionOp& op) {
  switch (op.type) {
    case of::ActionType::kSetVlanVid:
      packet_set_vlan_vid(p, op.u16);
      return;
    case of::ActionType::kSetVlanPcp:
      packet_set_vlan_pcp(p, op.u8);
      return;
    case of::ActionType::kStripVlan:
      packet_strip_vlan(p);
      return;
    case of::ActionType::kSetDlSrc:
      if (p.len >= 12) std::memcpy(p.data + 6, op.mac.bytes.data(), 6);
      return;
    case of::ActionType::kSetDlDst:
      if (p.len >= 6) std::memcpy(p.data, op.mac.bytes.data(), 6);
      return;
    default:
      break;
  }
  const size_t l3 = packet_ipv4_offset(p);
  if (l3 == 0) return;
  uint8_t* ip = p.data + l3;
  const size_t avail = p.len - l3;
  switch (op.type) {
    case of::ActionType::kSetNwSrc:
      set_ipv4_addr(ip, avail, true, op.u32);
      break;
    case of::ActionType::kSetNwDst:
      set_ipv4_addr(ip, avail, false, op.u32);
      break;
    case of::ActionType::kSetNwTos:
      set_ipv4_tos(ip, avail, op.u8);
      break;
    case of::ActionType::kSetTpSrc:
      set_l4_port(ip, avail, true, op.u16);
      break;
    case of::ActionType::kSetTpDst:
      set_l4_port(ip, avail, false, op.u16);
      break;
    default:
      break;
  }
}

ActionExecutor::ActionExecutor(std::vector<Port*> ports, uint16_t tx_queue, PacketPool* pool,
                               ThreadCounters* counters, PortCounters* port_counters, PacketInSink* sink,
                               Port* local)
    : ports_(std::move(ports)),
      n_phys_(static_cast<uint16_t>(ports_.size())),
      has_local_(local != nullptr),
      port_config_(ports_.size() + 1, 0),
      tx_(ports_.size() + 1),
      tx_queue_(tx_queue),
      pool_(pool),
      counters_(counters),
      port_counters_(port_counters),
      sink_(sink),
      macs_(kMacTableSize) {
  ports_.push_back(local);  // internal number n+1; null without a local port
  dirty_.reserve(ports_.size());
}

void ActionExecutor::execute(Packet* pkt, const ActionProgram& prog) {
  if (prog.last_output < 0) {
    counters_->drops_no_action.inc();
    free_packet(pkt);
    return;
  }
  const ActionOp* ops = prog.ops.data();
  const int n = static_cast<int>(prog.ops.size());
  for (int i = 0; i < n; ++i) {
    const ActionOp& op = ops[i];
    if (op.type == of::ActionType::kOutput || op.type == of::ActionType::kEnqueue) {
      const bool last = i == prog.last_output;
      output(pkt, op.port, op.max_len, last);
      if (last) return;
    } else {
      apply_set_field(*pkt, op);
    }
  }
}

void ActionExecutor::enqueue(Packet* pkt, uint16_t port_no) {
  const uint32_t cfg = port_config_[port_no - 1];
  if (cfg & (of::port_config::kPortDown | of::port_config::kNoFwd)) {
    counters_->drops_port_config.inc();
    free_packet(pkt);
    return;
  }
  TxQueue& q = tx_[port_no - 1];
  if (!q.listed) {
    q.listed = true;
    dirty_.push_back(port_no);
  }
  q.pkts[q.n++] = pkt;
  if (q.n == kBurstSize) flush_port(port_no);
}

void ActionExecutor::output(Packet* pkt, uint16_t port_no, uint16_t max_len, bool consume) {
  const uint16_t in_port = pkt->in_port;
  switch (port_no) {
    case of::port::kInPort:
      port_no = in_port;
      break;
    case of::port::kFlood:
    case of::port::kAll:
      flood(pkt, port_no == of::port::kAll, consume);
      return;
    case of::port::kNormal:
      normal(pkt, consume);
      return;
    case of::port::kController:
      if (sink_) sink_->packet_in(*pkt, of::PacketInReason::kAction, max_len);
      if (consume) free_packet(pkt);
      return;
    case of::port::kTable:
      if (table_hook_) {
        Packet* p = consume ? pkt : pool_->clone(*pkt);
        if (p) table_hook_(p);
        return;
      }
      break;
    default:
      if (port_no == in_port) port_no = 0;  // never back out the input port unless IN_PORT
      break;
  }
  if (port_no == of::port::kLocal && has_local_) port_no = local_index();
  if (port_no < 1 || port_no > n_phys_ + (has_local_ ? 1 : 0)) {  // LOCAL without a local port, NONE, unknown
    counters_->drops_no_action.inc();
    if (consume) free_packet(pkt);
    return;
  }
  Packet* p = consume ? pkt : pool_->clone(*pkt);
  if (!p) {
    counters_->drops_no_buffer.inc();
    return;
  }
  enqueue(p, port_no);
}

void ActionExecutor::flood(Packet* pkt, bool all, bool consume) {
  const uint16_t in_port = pkt->in_port;
  uint16_t last = 0;
  for (uint16_t port = 1; port <= n_phys_; ++port) {
    if (port == in_port) continue;
    const uint32_t cfg = port_config_[port - 1];
    if (cfg & (of::port_config::kPortDown | of::port_config::kNoFwd)) continue;
    if (!all && (cfg & of::port_config::kNoFlood)) continue;
    if (last) {
      if (Packet* c = pool_->clone(*pkt))
        enqueue(c, last);
      else
        counters_->drops_no_buffer.inc();
    }
    last = port;
  }
  if (!last) {
    if (consume) free_packet(pkt);
    return;
  }
  Packet* p = consume ? pkt : pool_->clone(*pkt);
  if (p)
    enqueue(p, last);
  else
    counters_->drops_no_buffer.inc();
}

void ActionExecutor::normal(Packet* pkt, bool consume) {
  if (pkt->len < 14) {
    if (consume) free_packet(pkt);
    return;
  }
  const uint16_t vlan = has_vlan(*pkt) ? (load_be16(pkt->data + 14) & 0x0fff) : 0xffff;
  const uint8_t* dst = pkt->data;
  const uint8_t* src = pkt->data + 6;
  if (!(src[0] & 1)) {
    const uint64_t k = mac_key(src, vlan);
    MacEntry& e = macs_[mac_slot(k)];
    e.mac_vlan = k;
    e.port = pkt->in_port;
  }
  if (!(dst[0] & 1)) {
    const uint64_t k = mac_key(dst, vlan);
    const MacEntry& e = macs_[mac_slot(k)];
    if (e.mac_vlan == k) {
      if (e.port == pkt->in_port) {  // already on the right segment
        if (consume) free_packet(pkt);
        return;
      }
      output(pkt, e.port, 0, consume);
      return;
    }
  }
  flood(pkt, false, consume);
}

void ActionExecutor::flush_port(uint16_t port_no) {
  TxQueue& q = tx_[port_no - 1];
  if (q.n == 0) return;
  uint64_t bytes = 0;
  for (uint16_t i = 0; i < q.n; ++i) bytes += q.pkts[i]->len;
  const uint16_t n = q.n;
  q.n = 0;
  const uint16_t sent = ports_[port_no - 1]->tx_burst(tx_queue_, q.pkts, n);
  PortCounters& pc = port_counters_[port_no];
  pc.tx_packets.add(sent);
  pc.tx_bytes.add(sent == n ? bytes : bytes * sent / n);
  counters_->tx_packets.add(sent);
  if (sent < n) {
    pc.tx_dropped.add(n - sent);
    counters_->drops_tx.add(n - sent);
  }
}

void ActionExecutor::flush() {
  for (const uint16_t port : dirty_) {
    flush_port(port);
    tx_[port - 1].listed = false;
  }
  dirty_.clear();
}

}  // namespace ofkit::dp
