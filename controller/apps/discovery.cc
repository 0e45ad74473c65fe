#include "controller/apps/discovery.h"

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>

#include <fmt/format.h>

#include "controller/apps/builtin.h"
#include "controller/connection.h"
#include "controller/global_events.h"
#include "controller/runtime.h"
#include "controller/shard.h"
#include "oflib/packet/builder.h"
#include "oflib/wire/flow_mod.h"

namespace ofkit::ctl {
namespace {

constexpr std::string_view kChassisPrefix = "dpid:";
constexpr uint16_t kLldpTtl = 120;

Duration seconds(double s) { return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s)); }

}  // namespace

std::vector<uint8_t> build_discovery_lldp(uint64_t dpid, uint16_t port, const MacAddr& src) {
  const std::string chassis = fmt::format("dpid:{:016x}", dpid);
  const std::string port_id = std::to_string(port);
  Lldpdu d;
  d.chassis_id_subtype = lldp_subtype::kChassisLocal;
  d.chassis_id = Bytes(reinterpret_cast<const uint8_t*>(chassis.data()), chassis.size());
  d.port_id_subtype = lldp_subtype::kPortLocal;
  d.port_id = Bytes(reinterpret_cast<const uint8_t*>(port_id.data()), port_id.size());
  d.ttl = kLldpTtl;
  std::vector<uint8_t> buf(128);
  PacketBuilder b(buf);
  b.ethernet(MacAddr::from_bytes(kLldpMulticast), src).lldp(d);
  buf.resize(b.finish(60));
  return buf;
}

std::optional<PortRef> parse_discovery_lldp(std::span<const uint8_t> frame) {
  if (frame.size() < 14 || load_be16(frame.data() + 12) != eth_type::kLldp) return std::nullopt;
  auto d = Lldpdu::parse(frame.subspan(14));
  if (!d) return std::nullopt;
  if (d->chassis_id_subtype != lldp_subtype::kChassisLocal || d->port_id_subtype != lldp_subtype::kPortLocal)
    return std::nullopt;
  const std::string_view chassis = d->chassis_id_text();
  if (chassis.size() != kChassisPrefix.size() + 16 ||
      chassis.substr(0, kChassisPrefix.size()) != kChassisPrefix)
    return std::nullopt;
  PortRef r;
  const char* hex = chassis.data() + kChassisPrefix.size();
  auto [p1, e1] = std::from_chars(hex, hex + 16, r.dpid, 16);
  if (e1 != std::errc() || p1 != hex + 16) return std::nullopt;
  const std::string_view port = d->port_id_text();
  unsigned value = 0;
  auto [p2, e2] = std::from_chars(port.data(), port.data() + port.size(), value, 10);
  if (e2 != std::errc() || p2 != port.data() + port.size() || value == 0 || value > of::port::kMax)
    return std::nullopt;
  r.port = static_cast<uint16_t>(value);
  return r;
}

void Discovery::apply(const OptionValues& o) {
  interval_ = std::max(0.05, o.get_double("interval"));
  timeout_ = std::max(interval_, o.get_double("link_timeout"));
  if (db_) db_->set_timeout(seconds(timeout_));
}

bool Discovery::reload(const OptionValues& options) {
  apply(options);
  restart_timers();
  return true;
}

void Discovery::restart_timers() {
  if (send_timer_) ctx_->cancel_timer(send_timer_);
  send_timer_ = ctx_->call_every(seconds(interval_), [this] {
    for (Connection* c : ctx_->shard().switches())
      if (c->up()) send_lldp(*c);
  });
  if (db_) {
    if (expire_timer_) ctx_->cancel_timer(expire_timer_);
    expire_timer_ = ctx_->call_every(seconds(timeout_ / 4), [this] { expire_links(); });
  }
}

void Discovery::start(AppContext& ctx) {
  ctx_ = &ctx;
  if (ctx.shard_index() == 0) db_ = std::make_unique<LinkDatabase>(seconds(10));
  apply(ctx.options());
  ctx.core().register_component("discovery", this);

  ctx.listen<ConnectionUp>([this](ConnectionUp& ev) {
    install_lldp_flow(ev.conn);
    send_lldp(ev.conn);
  });
  ctx.listen<PacketIn>(
      [this](PacketIn& ev) {
        bool halt = false;
        handle_packet_in(ev, &halt);
        return halt ? EventAction::kHalt : EventAction::kContinue;
      },
      kDiscoveryListenPriority);
  // A port that appears or comes up is probed at once, not a round later.
  ctx.listen<PortStatus>([](PortStatus& ev) {
    const of::PhyPort& p = ev.msg.desc;
    if (ev.msg.reason == of::PortReason::kDelete || p.port_no == 0 || p.port_no > of::port::kMax) return;
    if ((p.state & of::port_state::kLinkDown) || (p.config & of::port_config::kPortDown)) return;
    ev.conn.send_packet_out_port(of::kNoBuffer, of::port::kNone, p.port_no,
                                 build_discovery_lldp(ev.dpid, p.port_no, p.hw_addr));
  });
  // The replica is updated before anyone else hears of the change.
  ctx.listen<LinkUp>([this](LinkUp& ev) { view_.add(ev.link); }, kDiscoveryListenPriority);
  ctx.listen<LinkDown>([this](LinkDown& ev) { view_.remove(ev.link); }, kDiscoveryListenPriority);

  if (db_) {
    ctx.listen<SwitchLeft>(
        [this](SwitchLeft& ev) { links_down(db_->remove_switch(ev.dpid), "switch left"); });
    ctx.listen<PortChanged>([this](PortChanged& ev) {
      const auto& p = ev.msg.desc;
      if (ev.msg.reason == of::PortReason::kDelete)
        links_down(db_->remove_port(ev.dpid, p.port_no), "port deleted");
      else if ((p.state & of::port_state::kLinkDown) || (p.config & of::port_config::kPortDown))
        links_down(db_->remove_port(ev.dpid, p.port_no), "port down");
    });
    Runtime* rt = ctx.shard().runtime();
    if (rt) {
      rt->services().add("discovery.links", "the links LLDP discovery knows: {} -> {\"links\": [...]}",
                         [rt](const nlohmann::json&, ServiceDirectory::Reply reply) {
                           rt->post_to_shard(0, [reply](Shard& s) {
                             auto* d = s.core().get<Discovery>("discovery");
                             nlohmann::json links = nlohmann::json::array();
                             if (d && d->database())
                               for (const Link& l : d->database()->links()) links.push_back(l.to_json());
                             reply({{"links", links}});
                           });
                         });
    }
  }
  restart_timers();
}

void Discovery::stop() {
  if (db_ && ctx_->shard().runtime()) ctx_->shard().runtime()->services().remove("discovery.links");
}

void Discovery::install_lldp_flow(Connection& conn) {
  of::FlowMod fm;
  fm.match.wildcards = of::wildcards::kAll & ~(of::wildcards::kDlType | of::wildcards::kDlDst);
  fm.match.key.dl_type = eth_type::kLldp;
  fm.match.key.dl_dst = MacAddr::from_bytes(kLldpMulticast);
  fm.priority = kLldpFlowPriority;
  fm.actions.push_back(of::ActionOutput{of::port::kController, 0xffff});
  conn.send_flow_mod(fm);
}

void Discovery::send_lldp(Connection& conn) {
  for (const of::PhyPort& p : conn.features().ports) {
    if (p.port_no == 0 || p.port_no > of::port::kMax) continue;  // LOCAL and other reserved ports
    const auto frame = build_discovery_lldp(conn.dpid(), p.port_no, p.hw_addr);
    conn.send_packet_out_port(of::kNoBuffer, of::port::kNone, p.port_no, frame);
  }
}

void Discovery::handle_packet_in(PacketIn& ev, bool* halt) {
  if (ev.data.size() < 14 || load_be16(ev.data.data() + 12) != eth_type::kLldp) return;
  *halt = true;  // LLDP is ours either way; forwarding apps must not flood it
  auto from = parse_discovery_lldp(ev.data);
  if (!from) {
    if (foreign_lldp_++ == 0)
      ctx_->log().info("ignoring LLDP not sent by discovery on {:016x}.{}", ev.dpid, ev.in_port);
    return;
  }
  const Link l{from->dpid, from->port, ev.dpid, ev.in_port};
  if (Runtime* rt = ctx_->shard().runtime()) {
    rt->post_to_shard(0, [l](Shard& s) {
      if (auto* d = s.core().get<Discovery>("discovery")) d->link_seen(l);
    });
  } else {
    link_seen(l);  // a runtime-less shard (tests)
  }
}

void Discovery::link_seen(const Link& l) {
  if (!db_) return;
  if (!db_->seen(l, ctx_->loop().now())) return;
  ctx_->log().info("link up {}", l.to_string());
  if (Runtime* rt = ctx_->shard().runtime()) {
    rt->post_to_all([l](Shard& s) {
      LinkUp ev{l};
      s.bus().raise(ev);
    });
    nlohmann::json msg = l.to_json();
    msg["event"] = "LinkUp";
    rt->services().publish("discovery", msg);
  } else {
    LinkUp ev{l};
    ctx_->events().raise(ev);
  }
}

void Discovery::expire_links() {
  if (!db_) return;
  links_down(db_->expire(ctx_->loop().now()), "timed out");
}

void Discovery::links_down(const std::vector<Link>& links, const std::string& reason) {
  for (const Link& l : links) {
    ctx_->log().info("link down {} ({})", l.to_string(), reason);
    if (Runtime* rt = ctx_->shard().runtime()) {
      rt->post_to_all([l, reason](Shard& s) {
        LinkDown ev{l, reason};
        s.bus().raise(ev);
      });
      nlohmann::json msg = l.to_json();
      msg["event"] = "LinkDown";
      msg["reason"] = reason;
      rt->services().publish("discovery", msg);
    } else {
      LinkDown ev{l, reason};
      ctx_->events().raise(ev);
    }
  }
}

AppInfo discovery_app_info() {
  AppInfo info;
  info.name = "discovery";
  info.aliases = {"openflow.discovery"};
  info.help =
      "LLDP topology discovery: finds inter-switch links, raises LinkUp/LinkDown (POX openflow.discovery)";
  info.precedence = 100;  // created (and listening) before the apps that use its links
  info.declare_options = [](OptionSet& o) {
    o.add_double("interval", 5.0, "seconds between LLDP rounds out of every port (POX send_cycle_time)");
    o.add_double("link_timeout", 10.0, "seconds without LLDP after which a link is down");
  };
  info.create = [] { return std::make_unique<Discovery>(); };
  return info;
}

}  // namespace ofkit::ctl
