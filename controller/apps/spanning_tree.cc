#include "controller/apps/spanning_tree.h"

#include <chrono>

#include <fmt/format.h>

#include "controller/apps/builtin.h"
#include "controller/apps/discovery.h"
#include "controller/connection.h"
#include "controller/global_events.h"
#include "controller/runtime.h"
#include "controller/shard.h"
#include "oflib/wire/port.h"

namespace ofkit::ctl {
namespace {

Duration seconds(double s) { return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s)); }

bool physical(uint16_t port_no) { return port_no != 0 && port_no <= of::port::kMax; }

std::string ports_text(const std::set<PortRef>& ports) {
  std::string s;
  for (const PortRef& p : ports) s += fmt::format("{}{:016x}.{}", s.empty() ? "" : " ", p.dpid, p.port);
  return s.empty() ? "none" : s;
}

}  // namespace

void SpanningTree::apply(const OptionValues& o) { hold_down_ = o.get_double("hold_down"); }

bool SpanningTree::reload(const OptionValues& options) {
  apply(options);
  return true;
}

double SpanningTree::hold_down_seconds() {
  if (hold_down_ >= 0) return hold_down_;
  if (auto* d = ctx_->core().get<Discovery>("discovery")) return 2 * d->interval_seconds();
  return 10.0;
}

void SpanningTree::start(AppContext& ctx) {
  ctx_ = &ctx;
  apply(ctx.options());
  ctx.core().register_component("spanning_tree", this);

  ctx.listen<SwitchJoined>([this](SwitchJoined& ev) {
    SwitchState& st = switches_[ev.dpid];
    st = SwitchState{};
    st.join = ++joins_;
    for (const of::PhyPort& p : ev.features.ports) {
      if (!physical(p.port_no)) continue;
      st.ports[p.port_no] = p;
      applied_[{ev.dpid, p.port_no}] = (p.config & of::port_config::kNoFlood) != 0;
    }
    // Storm guard: no flooding through this switch until its links are known.
    for (const auto& [no, p] : st.ports) {
      send_no_flood(ev.dpid, p, true);
      applied_[{ev.dpid, no}] = true;
    }
    if (!ctx_->core().has("discovery"))
      ctx_->log().warn("spanning_tree without discovery: no links are known, every port will flood");
    const double hold = hold_down_seconds();
    ctx_->log().info("switch {:016x}: flooding held down for {:.2f} s until its links are discovered",
                     ev.dpid, hold);
    ctx_->call_later(seconds(hold), [this, dpid = ev.dpid, join = st.join] {
      auto it = switches_.find(dpid);
      if (it == switches_.end() || it->second.join != join) return;
      it->second.held = false;
      recompute();
    });
  });
  ctx.listen<SwitchLeft>([this](SwitchLeft& ev) {
    switches_.erase(ev.dpid);
    for (auto it = applied_.begin(); it != applied_.end();)
      it = it->first.dpid == ev.dpid ? applied_.erase(it) : std::next(it);
    recompute();
  });
  ctx.listen<PortChanged>([this](PortChanged& ev) {
    auto it = switches_.find(ev.dpid);
    const of::PhyPort& p = ev.msg.desc;
    if (it == switches_.end() || !physical(p.port_no)) return;
    const PortRef r{ev.dpid, p.port_no};
    if (ev.msg.reason == of::PortReason::kDelete) {
      it->second.ports.erase(p.port_no);
      applied_.erase(r);
    } else {
      it->second.ports[p.port_no] = p;
      applied_[r] = (p.config & of::port_config::kNoFlood) != 0;
    }
    recompute();
  });
  ctx.listen<LinkUp>([this](LinkUp& ev) {
    links_.insert(ev.link);
    recompute();
  });
  ctx.listen<LinkDown>([this](LinkDown& ev) {
    links_.erase(ev.link);
    recompute();
  });
}

void SpanningTree::send_no_flood(uint64_t dpid, const of::PhyPort& port, bool no_flood) {
  of::PortMod pm;
  pm.port_no = port.port_no;
  pm.hw_addr = port.hw_addr;
  pm.config = no_flood ? of::port_config::kNoFlood : 0;
  pm.mask = of::port_config::kNoFlood;
  if (Runtime* rt = ctx_->shard().runtime()) {
    rt->with_switch(dpid, [pm](Connection* c) {
      if (c) c->send_port_mod(pm);
    });
  }
}

void SpanningTree::recompute() {
  const uint64_t gen = ++generation_;
  std::set<uint64_t> settled;
  for (const auto& [dpid, st] : switches_)
    if (!st.held) settled.insert(dpid);
  const std::set<PortRef> tree = spanning_tree_ports(links_, &settled);
  const std::set<PortRef> inter_switch = link_ports(links_);

  std::set<uint64_t> closed_on;
  pending_open_.clear();
  for (const auto& [dpid, st] : switches_) {
    for (const auto& [no, p] : st.ports) {
      const PortRef r{dpid, no};
      const bool want = st.held || (inter_switch.count(r) && !tree.count(r));
      bool& have = applied_[r];
      if (want && !have) {
        send_no_flood(dpid, p, true);
        have = true;
        closed_on.insert(dpid);
      } else if (!want && have) {
        pending_open_.push_back(r);
      }
    }
  }

  // Log the steady-state decision (held switches are logged when they join).
  std::set<PortRef> blocked;
  for (const auto& [r, nf] : applied_)
    if (nf && switches_.count(r.dpid) && !switches_.at(r.dpid).held) blocked.insert(r);
  for (const PortRef& r : pending_open_) blocked.erase(r);
  if (!logged_once_ || blocked != last_logged_) {
    logged_once_ = true;
    last_logged_ = blocked;
    ctx_->log().info("spanning tree over {} switches, {} links: tree ports [{}], no-flood ports [{}]",
                     settled.size(), undirected_edges(links_).size(), ports_text(tree), ports_text(blocked));
  }

  if (pending_open_.empty()) return;
  Runtime* rt = ctx_->shard().runtime();
  if (closed_on.empty() || !rt) {
    open_ports(gen);
    return;
  }
  // Close before open: wait until every switch that closed a port confirms.
  barriers_outstanding_ = closed_on.size();
  for (uint64_t dpid : closed_on) {
    rt->with_switch(dpid, [rt, gen](Connection* c) {
      auto done = [rt, gen] {
        rt->post_to_shard(0, [gen](Shard& s) {
          if (auto* st = s.core().get<SpanningTree>("spanning_tree")) st->barrier_done(gen);
        });
      };
      if (!c) {
        done();
        return;
      }
      c->barrier([done](bool) { done(); });
    });
  }
}

void SpanningTree::barrier_done(uint64_t generation) {
  if (generation != generation_ || barriers_outstanding_ == 0) return;
  if (--barriers_outstanding_ == 0) open_ports(generation);
}

void SpanningTree::open_ports(uint64_t generation) {
  if (generation != generation_) return;
  for (const PortRef& r : pending_open_) {
    auto sw = switches_.find(r.dpid);
    if (sw == switches_.end()) continue;
    auto p = sw->second.ports.find(r.port);
    if (p == sw->second.ports.end()) continue;
    send_no_flood(r.dpid, p->second, false);
    applied_[r] = false;
  }
  pending_open_.clear();
}

std::set<PortRef> SpanningTree::blocked_ports() const {
  std::set<PortRef> out;
  for (const auto& [r, nf] : applied_)
    if (nf) out.insert(r);
  return out;
}

AppInfo spanning_tree_app_info() {
  AppInfo info;
  info.name = "spanning_tree";
  info.aliases = {"openflow.spanning_tree"};
  info.help =
      "disables flooding (PORT_MOD NO_FLOOD) on inter-switch ports outside a spanning tree of discovery's "
      "links "
      "(POX openflow.spanning_tree)";
  info.global = true;
  info.precedence = 50;
  info.declare_options = [](OptionSet& o) {
    o.add_double("hold_down", -1,
                 "seconds a new switch keeps flooding off until its links are known (-1: twice discovery's "
                 "interval)");
  };
  info.create = [] { return std::make_unique<SpanningTree>(); };
  return info;
}

}  // namespace ofkit::ctl
