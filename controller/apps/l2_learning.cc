#include "controller/apps/l2_learning.h"

#include "controller/apps/builtin.h"
#include "controller/connection.h"
#include "oflib/wire/match.h"

namespace ofkit::ctl {
namespace {

constexpr uint16_t kLldpType = 0x88cc;
constexpr uint16_t kDropSeconds = 10;

// 01:80:c2:00:00:00 .. 01:80:c2:00:00:0f: IEEE 802.1D reserved, never forwarded by bridges.
bool is_bridge_filtered(const MacAddr& m) {
  return m.bytes[0] == 0x01 && m.bytes[1] == 0x80 && m.bytes[2] == 0xc2 && m.bytes[3] == 0 &&
         m.bytes[4] == 0 && (m.bytes[5] & 0xf0) == 0;
}

}  // namespace

void L2Learning::apply(const OptionValues& o) {
  idle_timeout_ = static_cast<uint16_t>(o.get_int("idle_timeout"));
  hard_timeout_ = static_cast<uint16_t>(o.get_int("hard_timeout"));
  transparent_ = o.get_bool("transparent");
}

bool L2Learning::reload(const OptionValues& options) {
  apply(options);
  return true;
}

L2Learning::Table& L2Learning::table(uint64_t dpid) {
  if (last_table_ && last_dpid_ == dpid) return *last_table_;
  last_dpid_ = dpid;
  last_table_ = &tables_[dpid];  // node-based map: the pointer stays valid
  return *last_table_;
}

uint16_t L2Learning::learned_port(uint64_t dpid, const MacAddr& mac) const {
  auto t = tables_.find(dpid);
  if (t == tables_.end()) return 0;
  auto it = t->second.mac_to_port.find(mac.to_u64());
  return it == t->second.mac_to_port.end() ? 0 : it->second;
}

void L2Learning::start(AppContext& ctx) {
  ctx_ = &ctx;
  apply(ctx.options());
  ctx.core().register_component("l2_learning", this);
  ctx.listen<PacketIn>([this](PacketIn& ev) { handle(ev); });
  ctx.listen<ConnectionDown>([this](ConnectionDown& ev) {
    tables_.erase(ev.dpid);
    last_table_ = nullptr;
  });
}

void L2Learning::handle(PacketIn& ev) {
  if (ev.data.size() < 14) return;  // not even an Ethernet header
  const MacAddr src = ev.eth_src();
  const MacAddr dst = ev.eth_dst();
  Connection& conn = ev.conn;
  Table& t = table(ev.dpid);
  t.mac_to_port[src.to_u64()] = ev.in_port;  // 1

  if (!transparent_) {  // 2
    const uint16_t type = load_be16(ev.data.data() + 12);
    if (type == kLldpType || is_bridge_filtered(dst)) {
      if (ev.buffer_id != of::kNoBuffer)
        conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kNone, {});
      return;
    }
  }
  auto flood = [&] { conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kFlood, ev.data); };
  if (dst.is_multicast()) {  // 3
    flood();
    return;
  }
  auto it = t.mac_to_port.find(dst.to_u64());
  if (it == t.mac_to_port.end()) {  // 4
    flood();
    return;
  }
  const uint16_t out_port = it->second;
  if (out_port == ev.in_port) {  // 5
    if (ctx_) {
      ctx_->log().warn("same port for packet from {} -> {} on {:016x}.{}; drop", src.to_string(),
                       dst.to_string(), ev.dpid, out_port);
    }
    of::Match m = of::match_from_key(ev.flow_key(), ev.in_port);
    m.wildcards |= of::wildcards::kInPort;  // POX: ofp_match.from_packet(packet), no in_port
    m.key.in_port = 0;
    conn.send_flow_add(m, of::port::kNone, kDropSeconds, kDropSeconds, ev.buffer_id);
    return;
  }
  // 6
  const of::Match m = of::match_from_key(ev.flow_key(), ev.in_port);
  conn.send_flow_add(m, out_port, idle_timeout_, hard_timeout_, ev.buffer_id);
  if (ev.buffer_id == of::kNoBuffer) conn.send_packet_out_port(of::kNoBuffer, ev.in_port, out_port, ev.data);
}

AppInfo l2_learning_app_info() {
  AppInfo info;
  info.name = "l2_learning";
  info.aliases = {"forwarding.l2_learning"};
  info.help = "Ethernet learning switch with exact-match flows (POX forwarding.l2_learning)";
  info.declare_options = [](OptionSet& o) {
    o.add_int("idle_timeout", 10, "idle timeout of installed flows, seconds");
    o.add_int("hard_timeout", 30, "hard timeout of installed flows, seconds");
    o.add_bool("transparent", false, "forward LLDP and bridge-filtered frames too");
  };
  info.create = [] { return std::make_unique<L2Learning>(); };
  return info;
}

}  // namespace ofkit::ctl
