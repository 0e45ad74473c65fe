#include "controller/apps/l2_pairs.h"

#include "controller/apps/app_util.h"
#include "controller/connection.h"
#include "oflib/wire/match.h"

namespace ofkit::ctl {

void L2Pairs::apply(const OptionValues& o) {
  idle_timeout_ = apps::u16_option(o, "idle_timeout");
  hard_timeout_ = apps::u16_option(o, "hard_timeout");
  priority_ = apps::u16_option(o, "priority");
}

bool L2Pairs::reload(const OptionValues& options) {
  apply(options);
  return true;
}

uint16_t L2Pairs::learned_port(uint64_t dpid, const MacAddr& mac) const {
  auto t = tables_.find(dpid);
  if (t == tables_.end()) return 0;
  auto it = t->second.find(mac.to_u64());
  return it == t->second.end() ? 0 : it->second;
}

void L2Pairs::start(AppContext& ctx) {
  ctx_ = &ctx;
  apply(ctx.options());
  ctx.core().register_component("l2_pairs", this);
  ctx.listen<PacketIn>([this](PacketIn& ev) { handle(ev); });
  ctx.listen<ConnectionDown>([this](ConnectionDown& ev) { tables_.erase(ev.dpid); });
}

void L2Pairs::handle(PacketIn& ev) {
  if (ev.data.size() < 14) return;
  const MacAddr src = ev.eth_src();
  const MacAddr dst = ev.eth_dst();
  auto& table = tables_[ev.dpid];
  table[src.to_u64()] = ev.in_port;
  Connection& conn = ev.conn;
  auto it = table.find(dst.to_u64());
  if (it == table.end()) {
    conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kFlood, ev.data);
    return;
  }
  const uint16_t dst_port = it->second;
  // The reverse direction first, then the one that carries the buffered frame.
  conn.send_flow_add(apps::mac_match(&dst, &src), ev.in_port, idle_timeout_, hard_timeout_, of::kNoBuffer,
                     priority_);
  conn.send_flow_add(apps::mac_match(&src, &dst), dst_port, idle_timeout_, hard_timeout_, ev.buffer_id,
                     priority_);
  if (ev.buffer_id == of::kNoBuffer) conn.send_packet_out_port(of::kNoBuffer, ev.in_port, dst_port, ev.data);
  ctx_->log().debug("{}: installing {} <-> {}", apps::dpid_string(ev.dpid), src.to_string(), dst.to_string());
}

AppInfo l2_pairs_app_info() {
  AppInfo info;
  info.name = "l2_pairs";
  info.aliases = {"forwarding.l2_pairs"};
  info.help =
      "learning switch installing flows per MAC pair (dl_src, dl_dst) in both directions "
      "(POX forwarding.l2_pairs)";
  info.declare_options = [](OptionSet& o) {
    o.add_int("idle_timeout", 0, "idle timeout of installed flows, seconds (0: none, as POX)");
    o.add_int("hard_timeout", 0, "hard timeout of installed flows, seconds (0: none, as POX)");
    o.add_int("priority", 0x8000, "priority of installed flows");
  };
  info.create = [] { return std::make_unique<L2Pairs>(); };
  return info;
}

}  // namespace ofkit::ctl
