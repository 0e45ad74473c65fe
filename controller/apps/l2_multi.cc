#include "controller/apps/l2_multi.h"

#include <algorithm>
#include <chrono>

#include "controller/apps/builtin.h"
#include "controller/apps/discovery.h"
#include "controller/connection.h"
#include "controller/runtime.h"
#include "controller/shard.h"
#include "oflib/wire/flow_mod.h"

namespace ofkit::ctl {

std::optional<std::vector<PathHop>> compute_path(const TopologyView& view, uint64_t src_dpid,
                                                 uint16_t in_port, uint64_t dst_dpid, uint16_t dst_port) {
  auto links = view.shortest_path(src_dpid, dst_dpid);
  if (!links) return std::nullopt;
  std::vector<PathHop> hops;
  uint64_t at = src_dpid;
  uint16_t in = in_port;
  for (const Link& l : *links) {
    hops.push_back({at, in, l.port1});
    at = l.dpid2;
    in = l.port2;
  }
  hops.push_back({at, in, dst_port});
  for (const PathHop& h : hops)
    if (h.in_port == h.out_port) return std::nullopt;
  return hops;
}

void L2Multi::apply(const OptionValues& o) {
  idle_timeout_ = static_cast<uint16_t>(std::clamp<int64_t>(o.get_int("idle_timeout"), 0, 65535));
  hard_timeout_ = static_cast<uint16_t>(std::clamp<int64_t>(o.get_int("hard_timeout"), 0, 65535));
}

bool L2Multi::reload(const OptionValues& options) {
  apply(options);
  return true;
}

std::optional<PortRef> L2Multi::host(const MacAddr& mac) const {
  auto it = hosts_.find(mac.to_u64());
  if (it == hosts_.end()) return std::nullopt;
  return it->second;
}

void L2Multi::start(AppContext& ctx) {
  ctx_ = &ctx;
  apply(ctx.options());
  ctx.core().register_component("l2_multi", this);
  ctx.core().when_ready(
      {"discovery"}, [this] { discovery_ = ctx_->core().get<Discovery>("discovery"); }, "l2_multi");
  ctx.listen<PacketIn>([this](PacketIn& ev) { handle(ev); });
  ctx.listen<HostSeen>([this](HostSeen& ev) { hosts_[ev.mac] = ev.where; });
  ctx.listen<LinkUp>([this](LinkUp& ev) {
    forget_hosts_at({ev.link.dpid1, ev.link.port1});
    forget_hosts_at({ev.link.dpid2, ev.link.port2});
  });
  ctx.listen<LinkDown>([this](LinkDown& ev) { link_down(ev.link); });
  // Paths past their hard timeout are gone from the switches: forget them.
  ctx.call_every(std::chrono::seconds(5), [this] {
    const auto now = ctx_->loop().now();
    std::erase_if(paths_, [&](const Installed& p) { return p.expires <= now; });
  });
}

void L2Multi::forget_hosts_at(PortRef p) {
  std::erase_if(hosts_, [&](const auto& kv) { return kv.second == p; });
}

void L2Multi::learn(const MacAddr& mac, PortRef where) {
  auto it = hosts_.find(mac.to_u64());
  if (it != hosts_.end() && it->second == where) return;
  hosts_[mac.to_u64()] = where;
  Runtime* rt = ctx_->shard().runtime();
  if (!rt || rt->shard_count() < 2) return;
  const size_t self = ctx_->shard_index();
  for (size_t i = 0; i < rt->shard_count(); ++i) {
    if (i == self) continue;
    rt->post_to_shard(i, [mac = mac.to_u64(), where](Shard& s) {
      HostSeen ev{mac, where};
      s.bus().raise(ev);
    });
  }
}

void L2Multi::flood(PacketIn& ev) {
  ev.conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kFlood, ev.data);
}

void L2Multi::handle(PacketIn& ev) {
  if (ev.data.size() < 14) return;
  static const TopologyView kEmpty;
  const TopologyView& view = discovery_ ? discovery_->view() : kEmpty;
  const MacAddr src = ev.eth_src();
  const MacAddr dst = ev.eth_dst();
  if (!src.is_multicast() && !view.is_switch_port(ev.dpid, ev.in_port)) learn(src, {ev.dpid, ev.in_port});

  if (dst.is_multicast()) return flood(ev);
  auto it = hosts_.find(dst.to_u64());
  if (it == hosts_.end()) return flood(ev);
  auto hops = compute_path(view, ev.dpid, ev.in_port, it->second.dpid, it->second.port);
  if (!hops) {
    ctx_->log().debug("no path {:016x}.{} -> {} at {:016x}.{}; drop", ev.dpid, ev.in_port, dst.to_string(),
                      it->second.dpid, it->second.port);
    if (ev.buffer_id != of::kNoBuffer)
      ev.conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kNone, {});
    return;
  }
  install(ev, *hops);
}

void L2Multi::install(PacketIn& ev, const std::vector<PathHop>& hops) {
  const of::Match m = of::match_from_key(ev.flow_key(), ev.in_port);
  Installed rec;
  rec.match = m;
  rec.hops = hops;
  rec.expires = ctx_->loop().now() + std::chrono::seconds(hard_timeout_ ? hard_timeout_ : 3600);
  paths_.push_back(std::move(rec));

  Waiting w;
  w.dpid = ev.dpid;
  w.match = m;
  w.out_port = hops.front().out_port;
  w.buffer_id = ev.buffer_id;
  if (ev.buffer_id == of::kNoBuffer) w.data.assign(ev.data.begin(), ev.data.end());
  Runtime* rt = ctx_->shard().runtime();
  if (hops.size() == 1 || !rt) {
    release(w, &ev.conn);
    return;
  }
  // The rest of the path first, each followed by a barrier; the first
  // switch (and with it the buffered frame) goes when all have answered.
  const uint64_t id = ++next_wait_;
  w.remaining = hops.size() - 1;
  waiting_.emplace(id, std::move(w));
  const size_t self = ctx_->shard_index();
  for (size_t i = hops.size(); i-- > 1;) {
    const PathHop h = hops[i];
    of::Match hm = m;
    hm.key.in_port = h.in_port;
    rt->with_switch(h.dpid, [rt, self, id, hm, h, idle = idle_timeout_, hard = hard_timeout_](Connection* c) {
      auto ready = [rt, self, id] {
        rt->post_to_shard(self, [id](Shard& s) {
          if (auto* app = s.core().get<L2Multi>("l2_multi")) app->hop_ready(id);
        });
      };
      if (!c) return ready();
      c->send_flow_add(hm, h.out_port, idle, hard, of::kNoBuffer);
      c->barrier([ready](bool) { ready(); });  // a timed-out barrier releases the frame too
    });
  }
}

void L2Multi::hop_ready(uint64_t id) {
  auto it = waiting_.find(id);
  if (it == waiting_.end() || --it->second.remaining > 0) return;
  Waiting w = std::move(it->second);
  waiting_.erase(it);
  release(w, ctx_->connection(w.dpid));
}

void L2Multi::release(const Waiting& w, Connection* conn) {
  if (!conn) return;  // the first switch left meanwhile
  conn->send_flow_add(w.match, w.out_port, idle_timeout_, hard_timeout_, w.buffer_id);
  if (w.buffer_id == of::kNoBuffer)
    conn->send_packet_out_port(of::kNoBuffer, w.match.key.in_port, w.out_port, w.data);
}

void L2Multi::link_down(const Link& l) {
  auto crosses = [&](const PathHop& h) {
    return (h.dpid == l.dpid1 && (h.out_port == l.port1 || h.in_port == l.port1)) ||
           (h.dpid == l.dpid2 && (h.out_port == l.port2 || h.in_port == l.port2));
  };
  Runtime* rt = ctx_->shard().runtime();
  std::erase_if(paths_, [&](const Installed& p) {
    if (std::none_of(p.hops.begin(), p.hops.end(), crosses)) return false;
    for (const PathHop& h : p.hops) {
      of::FlowMod fm;
      fm.command = of::FlowModCommand::kDeleteStrict;
      fm.match = p.match;
      fm.match.key.in_port = h.in_port;
      if (rt)
        rt->with_switch(h.dpid, [fm](Connection* c) {
          if (c) c->send_flow_mod(fm);
        });
    }
    return true;
  });
}

AppInfo l2_multi_app_info() {
  AppInfo info;
  info.name = "l2_multi";
  info.aliases = {"forwarding.l2_multi"};
  info.help = "Ethernet forwarding along shortest paths over discovery's topology (POX forwarding.l2_multi)";
  info.declare_options = [](OptionSet& o) {
    o.add_int("idle_timeout", 10, "idle timeout of installed flows, seconds");
    o.add_int("hard_timeout", 30, "hard timeout of installed flows, seconds");
  };
  info.create = [] { return std::make_unique<L2Multi>(); };
  return info;
}

}  // namespace ofkit::ctl
