#pragma once
// Sample and random valid messages of every OpenFlow 1.0 type, shared by
// the round-trip, truncation, tshark and benchmark code.

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "oflib/wire/message.h"

namespace ofkit::of::test {

class Gen {
 public:
  explicit Gen(uint32_t seed) : rng_(seed) {}
  uint64_t u64() { return (uint64_t{rng_()} << 32) | rng_(); }
  uint32_t u32() { return rng_(); }
  uint16_t u16() { return static_cast<uint16_t>(rng_()); }
  uint8_t u8() { return static_cast<uint8_t>(rng_()); }
  size_t below(size_t n) { return n ? rng_() % n : 0; }
  bool coin() { return rng_() & 1; }
  std::vector<uint8_t> bytes(size_t max) {
    std::vector<uint8_t> b(below(max + 1));
    for (auto& x : b) x = u8();
    return b;
  }
  std::string name(size_t max) {
    std::string s(below(max + 1), 'a');
    for (auto& c : s) c = static_cast<char>('a' + below(26));
    return s;
  }
  MacAddr mac() { return MacAddr::from_u64(u64() & 0xffffffffffffULL); }
  uint16_t phys_port() { return static_cast<uint16_t>(1 + below(port::kMax)); }
  uint16_t out_port() {
    static constexpr uint16_t kReserved[] = {port::kInPort, port::kTable,      port::kNormal, port::kFlood,
                                             port::kAll,    port::kController, port::kLocal};
    return coin() ? phys_port() : kReserved[below(std::size(kReserved))];
  }

  Match match() {
    Match m;
    m.wildcards = u32() & wildcards::kAll;
    FlowKey& k = m.key;
    k.in_port = u16();
    k.dl_vlan = u16();
    k.dl_src = mac();
    k.dl_dst = mac();
    k.dl_type = u16();
    k.dl_vlan_pcp = u8();
    k.nw_tos = u8();
    k.nw_proto = u8();
    k.nw_src = u32();
    k.nw_dst = u32();
    k.tp_src = u16();
    k.tp_dst = u16();
    return m;
  }

  Action action(bool vendor_ok) {
    switch (below(vendor_ok ? 13 : 12)) {
      case 0:
        return ActionOutput{out_port(), u16()};
      case 1:
        return ActionSetVlanVid{static_cast<uint16_t>(u16() & 0xfff)};
      case 2:
        return ActionSetVlanPcp{static_cast<uint8_t>(u8() & 7)};
      case 3:
        return ActionStripVlan{};
      case 4:
        return ActionSetDlSrc{mac()};
      case 5:
        return ActionSetDlDst{mac()};
      case 6:
        return ActionSetNwSrc{u32()};
      case 7:
        return ActionSetNwDst{u32()};
      case 8:
        return ActionSetNwTos{static_cast<uint8_t>(u8() & 0xfc)};
      case 9:
        return ActionSetTpSrc{u16()};
      case 10:
        return ActionSetTpDst{u16()};
      case 11:
        return ActionEnqueue{coin() ? phys_port() : port::kInPort, u32() % 0xfffffff0u};
      default: {
        ActionVendor v{u32(), std::vector<uint8_t>(8 * below(3))};
        for (auto& b : v.body) b = u8();
        return v;
      }
    }
  }
  ActionList actions(size_t max, bool vendor_ok) {
    ActionList l(below(max + 1));
    for (auto& a : l) a = action(vendor_ok);
    return l;
  }

  PhyPort phy_port() {
    PhyPort p;
    p.port_no = u16();
    p.hw_addr = mac();
    p.name = name(15);
    p.config = u32();
    p.state = u32();
    p.curr = u32();
    p.advertised = u32();
    p.supported = u32();
    p.peer = u32();
    return p;
  }

  FlowStats flow_stats() {
    FlowStats f;
    f.table_id = u8();
    f.match = match();
    f.duration_sec = u32();
    f.duration_nsec = u32();
    f.priority = u16();
    f.idle_timeout = u16();
    f.hard_timeout = u16();
    f.cookie = u64();
    f.packet_count = u64();
    f.byte_count = u64();
    f.actions = actions(4, true);
    return f;
  }

  StatsRequestBody stats_request_body() {
    switch (below(7)) {
      case 0:
        return DescStatsRequest{};
      case 1:
        return FlowStatsRequest{match(), u8(), u16()};
      case 2:
        return AggregateStatsRequest{match(), u8(), u16()};
      case 3:
        return TableStatsRequest{};
      case 4:
        return PortStatsRequest{u16()};
      case 5:
        return QueueStatsRequest{u16(), u32()};
      default:
        return VendorStats{u32(), bytes(32)};
    }
  }

  StatsReplyBody stats_reply_body() {
    switch (below(7)) {
      case 0:
        return DescStatsReply{DescStats{name(255), name(255), name(255), name(31), name(255)}};
      case 1: {
        FlowStatsReply r;
        r.flows.resize(below(4));
        for (auto& f : r.flows) f = flow_stats();
        return r;
      }
      case 2:
        return AggregateStatsReply{u64(), u64(), u32()};
      case 3: {
        TableStatsReply r;
        r.tables.resize(below(4));
        for (auto& t : r.tables) t = TableStats{u8(), name(31), u32(), u32(), u32(), u64(), u64()};
        return r;
      }
      case 4: {
        PortStatsReply r;
        r.ports.resize(below(4));
        for (auto& p : r.ports)
          p = PortStats{u16(), u64(), u64(), u64(), u64(), u64(), u64(),
                        u64(), u64(), u64(), u64(), u64(), u64()};
        return r;
      }
      case 5: {
        QueueStatsReply r;
        r.queues.resize(below(4));
        for (auto& q : r.queues) q = QueueStats{u16(), u32(), u64(), u64(), u64()};
        return r;
      }
      default:
        return VendorStats{u32(), bytes(32)};
    }
  }

  // A random valid message of type t (decodes back to itself with
  // ActionDecodeOptions{.accept_vendor = true}).
  Message message(MsgType t) {
    switch (t) {
      case MsgType::kHello:
        return Hello{bytes(16)};
      case MsgType::kError:
        return ErrorMsg{u16(), u16(), bytes(80)};
      case MsgType::kEchoRequest:
        return EchoRequest{bytes(64)};
      case MsgType::kEchoReply:
        return EchoReply{bytes(64)};
      case MsgType::kVendor:
        return Vendor{u32(), bytes(64)};
      case MsgType::kFeaturesRequest:
        return FeaturesRequest{};
      case MsgType::kFeaturesReply: {
        FeaturesReply r{u64(), u32(), u8(), u32(), u32(), {}};
        r.ports.resize(below(5));
        for (auto& p : r.ports) p = phy_port();
        return r;
      }
      case MsgType::kGetConfigRequest:
        return GetConfigRequest{};
      case MsgType::kGetConfigReply:
        return GetConfigReply{u16(), u16()};
      case MsgType::kSetConfig:
        return SetConfig{u16(), u16()};
      case MsgType::kPacketIn:
        return PacketIn{u32(), u16(), u16(), static_cast<PacketInReason>(below(2)), bytes(200)};
      case MsgType::kFlowRemoved:
        return FlowRemoved{match(), u64(), u16(), static_cast<FlowRemovedReason>(below(3)), u32(), u32(),
                           u16(),   u64(), u64()};
      case MsgType::kPortStatus:
        return PortStatus{static_cast<PortReason>(below(3)), phy_port()};
      case MsgType::kPacketOut:
        return PacketOut{u32(), u16(), actions(5, true), bytes(100)};
      case MsgType::kFlowMod: {
        FlowMod f;
        f.match = match();
        f.cookie = u64();
        f.command = static_cast<FlowModCommand>(below(5));
        f.idle_timeout = u16();
        f.hard_timeout = u16();
        f.priority = u16();
        f.buffer_id = u32();
        f.out_port = u16();
        f.flags = u16();
        f.actions = actions(6, true);
        return f;
      }
      case MsgType::kPortMod:
        return PortMod{phys_port(), mac(), u32(), u32(), u32()};
      case MsgType::kStatsRequest:
        return StatsRequest{u16(), stats_request_body()};
      case MsgType::kStatsReply:
        return StatsReply{u16(), stats_reply_body()};
      case MsgType::kBarrierRequest:
        return BarrierRequest{};
      case MsgType::kBarrierReply:
        return BarrierReply{};
      case MsgType::kQueueGetConfigRequest:
        return QueueGetConfigRequest{phys_port()};
      case MsgType::kQueueGetConfigReply: {
        QueueGetConfigReply r{u16(), {}};
        r.queues.resize(below(4));
        for (auto& q : r.queues) {
          q.queue_id = u32();
          q.properties.resize(below(3));
          for (auto& p : q.properties)
            p = coin() ? QueueProp{QueuePropNone{}} : QueueProp{QueuePropMinRate{u16()}};
        }
        return r;
      }
    }
    return Hello{};
  }

 private:
  std::mt19937 rng_;
};

// One fixed, non-trivial valid message of each type (strictly valid: no
// vendor actions), for the truncation, tshark and fuzz-seed code.
inline Message sample_message(MsgType t) {
  Match m;
  m.wildcards = wildcards::kAll & ~(wildcards::kInPort | wildcards::kDlType | wildcards::kNwProto |
                                    wildcards::kTpDst | wildcards::kNwSrcMask);
  m.wildcards |= 8u << wildcards::kNwSrcShift;  // nw_src 10.0.0.0/24
  m.key.in_port = 1;
  m.key.dl_type = 0x0800;
  m.key.nw_proto = 6;
  m.key.nw_src = 0x0a000000;
  m.key.tp_dst = 80;
  const ActionList acts = {ActionSetVlanVid{5}, ActionOutput{2, 0}, ActionOutput{port::kController, 128}};
  PhyPort p;
  p.port_no = 1;
  p.hw_addr = MacAddr::from_u64(0x0000000000a1);
  p.name = "eth1";
  p.curr = port_features::k1GbFd | port_features::kCopper;
  switch (t) {
    case MsgType::kHello:
      return Hello{};
    case MsgType::kError: {
      std::vector<uint8_t> off = {1, 14, 0, 72, 0, 0, 0, 9};
      return make_error(Ofperr::kBadActionBadOutPort, off);
    }
    case MsgType::kEchoRequest:
      return EchoRequest{{1, 2, 3, 4}};
    case MsgType::kEchoReply:
      return EchoReply{{1, 2, 3, 4}};
    case MsgType::kVendor:
      return Vendor{0x00002320, {0, 0, 0, 12, 0, 0, 0, 2}};
    case MsgType::kFeaturesRequest:
      return FeaturesRequest{};
    case MsgType::kFeaturesReply:
      return FeaturesReply{0x0000000000000001,
                           256,
                           1,
                           capability::kFlowStats | capability::kTableStats | capability::kPortStats,
                           0xfff,
                           {p}};
    case MsgType::kGetConfigRequest:
      return GetConfigRequest{};
    case MsgType::kGetConfigReply:
      return GetConfigReply{0, 128};
    case MsgType::kSetConfig:
      return SetConfig{0, 0xffff};
    case MsgType::kPacketIn: {
      std::vector<uint8_t> frame(60, 0);
      for (size_t i = 0; i < 6; ++i) frame[i] = 0xff;
      frame[11] = 1;
      frame[12] = 0x08;
      frame[13] = 0x06;
      return PacketIn{0x100, 60, 1, PacketInReason::kNoMatch, frame};
    }
    case MsgType::kFlowRemoved:
      return FlowRemoved{m, 5, 100, FlowRemovedReason::kIdleTimeout, 10, 500, 60, 3, 180};
    case MsgType::kPortStatus:
      return PortStatus{PortReason::kModify, p};
    case MsgType::kPacketOut:
      return PacketOut{kNoBuffer, 1, {ActionOutput{port::kFlood, 0}}, std::vector<uint8_t>(60, 0xab)};
    case MsgType::kFlowMod: {
      FlowMod f;
      f.match = m;
      f.cookie = 5;
      f.idle_timeout = 10;
      f.priority = 100;
      f.flags = flow_mod_flags::kSendFlowRem;
      f.actions = acts;
      return f;
    }
    case MsgType::kPortMod:
      return PortMod{1, p.hw_addr, port_config::kNoFlood, port_config::kNoFlood, 0};
    case MsgType::kStatsRequest:
      return StatsRequest{0, FlowStatsRequest{Match{}, 0xff, port::kNone}};
    case MsgType::kStatsReply: {
      FlowStats fs;
      fs.match = m;
      fs.priority = 100;
      fs.packet_count = 3;
      fs.byte_count = 180;
      fs.actions = acts;
      return StatsReply{0, FlowStatsReply{{fs}}};
    }
    case MsgType::kBarrierRequest:
      return BarrierRequest{};
    case MsgType::kBarrierReply:
      return BarrierReply{};
    case MsgType::kQueueGetConfigRequest:
      return QueueGetConfigRequest{1};
    case MsgType::kQueueGetConfigReply:
      return QueueGetConfigReply{1, {PacketQueue{1, {QueuePropMinRate{500}}}, PacketQueue{2, {}}}};
  }
  return Hello{};
}

}  // namespace ofkit::of::test
