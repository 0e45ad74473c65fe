#include "controller/apps/l3_learning.h"

#include <algorithm>

#include "controller/apps/app_util.h"
#include "controller/connection.h"
#include "oflib/packet/builder.h"
#include "oflib/packet/packet.h"
#include "oflib/wire/flow_mod.h"
#include "oflib/wire/packet_out.h"

namespace ofkit::ctl {
namespace {

Duration seconds(double s) {
  return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s < 0 ? 0 : s));
}

// "auto" -> fallback; true/false words; nullopt if none of those.
std::optional<bool> tristate(const std::string& s, bool fallback) {
  if (s == "auto" || s.empty()) return fallback;
  if (s == "true" || s == "yes" || s == "on" || s == "1") return true;
  if (s == "false" || s == "no" || s == "off" || s == "0") return false;
  return std::nullopt;
}

}  // namespace

bool L3Learning::apply(const OptionValues& o) {
  std::vector<Ipv4Addr> fakeways;
  std::string err;
  if (!apps::parse_ipv4_list(o.get_string("fakeways"), &fakeways, &err)) {
    ctx_->log().error("--fakeways: {}", err);
    return false;
  }
  auto arp = tristate(o.get_string("arp_for_unknowns"), !fakeways.empty());
  if (!arp) {
    ctx_->log().error("--arp-for-unknowns: expected auto, true or false, not '{}'",
                      o.get_string("arp_for_unknowns"));
    return false;
  }
  fakeways_ = std::move(fakeways);
  arp_for_unknowns_ = *arp;
  wide_ = o.get_bool("wide");
  rewrite_src_ = o.get_bool("rewrite_src");
  idle_timeout_ = apps::u16_option(o, "idle_timeout");
  hard_timeout_ = apps::u16_option(o, "hard_timeout");
  arp_timeout_ = seconds(o.get_double("arp_timeout"));
  max_buffered_ = static_cast<size_t>(std::max<int64_t>(1, o.get_int("max_buffered_per_ip")));
  max_buffer_time_ = seconds(o.get_double("max_buffer_time"));
  return true;
}

void L3Learning::start(AppContext& ctx) {
  ctx_ = &ctx;
  if (!apply(ctx.options())) ctx.log().error("bad options; running with the defaults where they failed");
  ctx.core().register_component("l3_learning", this);
  ctx.listen<PacketIn>([this](PacketIn& ev) { handle(ev); });
  ctx.listen<ConnectionDown>([this](ConnectionDown& ev) { switches_.erase(ev.dpid); });
  // POX checks every 5 s; a shorter --max-buffer-time is checked more often.
  const Duration period =
      std::clamp<Duration>(max_buffer_time_ / 2, std::chrono::milliseconds(50), std::chrono::seconds(5));
  expire_timer_ = ctx.call_every(period, [this] { expire(); });
}

bool L3Learning::reload(const OptionValues& options) {
  if (!apply(options)) return false;
  // Fakeway entries follow the new list on every known switch.
  for (auto& [dpid, sw] : switches_) {
    std::erase_if(sw.hosts, [](const auto& kv) { return kv.second.fake; });
    for (Ipv4Addr ip : fakeways_)
      sw.hosts[ip.value] = Entry{of::port::kNone, apps::dpid_to_mac(dpid), {}, true};
  }
  return true;
}

const L3Learning::Entry* L3Learning::entry(uint64_t dpid, Ipv4Addr ip) const {
  auto s = switches_.find(dpid);
  if (s == switches_.end()) return nullptr;
  auto it = s->second.hosts.find(ip.value);
  return it == s->second.hosts.end() ? nullptr : &it->second;
}

L3Learning::Switch& L3Learning::table(uint64_t dpid) {
  auto [it, fresh] = switches_.try_emplace(dpid);
  if (fresh)
    for (Ipv4Addr ip : fakeways_)
      it->second.hosts[ip.value] = Entry{of::port::kNone, apps::dpid_to_mac(dpid), {}, true};
  return it->second;
}

of::ActionList L3Learning::rewrite_actions(uint64_t dpid, const MacAddr& dst, uint16_t port) const {
  of::ActionList a;
  a.push_back(of::ActionSetDlDst{dst});
  if (rewrite_src_) a.push_back(of::ActionSetDlSrc{apps::dpid_to_mac(dpid)});
  a.push_back(of::ActionOutput{port, 0});
  return a;
}

void L3Learning::learn(Switch& sw, Connection& conn, uint32_t ip, uint16_t port, const MacAddr& mac) {
  auto it = sw.hosts.find(ip);
  if (it != sw.hosts.end() && (it->second.port != port || it->second.mac != mac)) {
    ctx_->log().info("{} {} re-learned {}", apps::dpid_string(conn.dpid()), port, Ipv4Addr{ip}.to_string());
    if (wide_) {  // flows towards the old place must go
      of::FlowMod fm;
      fm.command = of::FlowModCommand::kDelete;
      fm.match.wildcards = apps::pox_wildcards_except(of::wildcards::kDlType) & ~of::wildcards::kNwDstMask;
      fm.match.key.dl_type = eth_type::kIpv4;
      fm.match.key.nw_dst = ip;
      conn.send_flow_mod(fm);
    }
  } else if (it == sw.hosts.end()) {
    ctx_->log().debug("{} {} learned {}", apps::dpid_string(conn.dpid()), port, Ipv4Addr{ip}.to_string());
  }
  sw.hosts[ip] = Entry{port, mac, Clock::now() + arp_timeout_, false};
}

void L3Learning::send_waiting(Switch& sw, Connection& conn, uint32_t ip, const MacAddr& mac, uint16_t port) {
  auto it = sw.waiting.find(ip);
  if (it == sw.waiting.end()) return;
  ctx_->log().debug("sending {} buffered packets to {} from {}", it->second.size(), Ipv4Addr{ip}.to_string(),
                    apps::dpid_string(conn.dpid()));
  for (Waiting& w : it->second) {
    of::PacketOut po;
    po.buffer_id = w.buffer_id;
    po.in_port = w.in_port;
    po.actions = rewrite_actions(conn.dpid(), mac, port);
    po.data = std::move(w.data);
    conn.send_packet_out(po);
  }
  sw.waiting.erase(it);
}

void L3Learning::flood(PacketIn& ev) {
  ev.conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kFlood, ev.data);
}

void L3Learning::handle(PacketIn& ev) {
  if (!ev.parsed_ok()) {
    ctx_->log().warn("{} {} ignoring unparsed packet", apps::dpid_string(ev.dpid), ev.in_port);
    return;
  }
  Switch& sw = table(ev.dpid);
  const uint16_t type = ev.flow_key().dl_type;
  if (type == eth_type::kLldp) return;
  if (type == eth_type::kIpv4) return handle_ipv4(sw, ev);
  if (type == eth_type::kArp) return handle_arp(sw, ev);
  flood(ev);
}

void L3Learning::handle_ipv4(Switch& sw, PacketIn& ev) {
  const FlowKey& key = ev.flow_key();
  Connection& conn = ev.conn;
  const MacAddr src_mac = ev.eth_src();
  send_waiting(sw, conn, key.nw_src, src_mac, ev.in_port);
  learn(sw, conn, key.nw_src, ev.in_port, src_mac);

  const uint32_t dst = key.nw_dst;
  auto it = sw.hosts.find(dst);
  if (it != sw.hosts.end()) {
    const Entry& e = it->second;
    if (e.fake) return;  // addressed to the gateway itself: nobody to forward to
    if (e.port == ev.in_port) {
      ctx_->log().warn("{} {} not sending packet for {} back out of the input port",
                       apps::dpid_string(ev.dpid), ev.in_port, Ipv4Addr{dst}.to_string());
      return;
    }
    of::FlowMod fm;
    if (wide_) {
      fm.match.wildcards = apps::pox_wildcards_except(of::wildcards::kDlType) & ~of::wildcards::kNwDstMask;
      fm.match.key.dl_type = eth_type::kIpv4;
      fm.match.key.nw_dst = dst;
    } else {
      fm.match = of::match_from_key(key, ev.in_port);
    }
    fm.idle_timeout = idle_timeout_;
    fm.hard_timeout = hard_timeout_;
    fm.buffer_id = ev.buffer_id;
    fm.actions = rewrite_actions(ev.dpid, e.mac, e.port);
    conn.send_flow_mod(fm);
    if (ev.buffer_id == of::kNoBuffer) {
      of::PacketOut po;
      po.in_port = ev.in_port;
      po.actions = std::move(fm.actions);
      po.data.assign(ev.data.begin(), ev.data.end());
      conn.send_packet_out(po);
    }
    return;
  }
  if (!arp_for_unknowns_) {
    flood(ev);
    return;
  }
  // Keep the packet until dst answers (bounded per IP and per switch).
  auto w = sw.waiting.find(dst);
  if (w == sw.waiting.end()) {
    if (sw.waiting.size() >= kMaxWaitingIps) {
      if (ev.buffer_id != of::kNoBuffer)
        conn.send_packet_out_port(ev.buffer_id, ev.in_port, of::port::kNone, {});
      return;
    }
    w = sw.waiting.emplace(dst, std::deque<Waiting>{}).first;
  }
  Waiting entry{Clock::now() + max_buffer_time_, ev.buffer_id, ev.in_port, {}};
  if (ev.buffer_id == of::kNoBuffer) entry.data.assign(ev.data.begin(), ev.data.end());
  w->second.push_back(std::move(entry));
  while (w->second.size() > max_buffered_) {
    // POX forgets the oldest; its buffer is released here instead of waiting for the switch to expire it.
    const Waiting& old = w->second.front();
    if (old.buffer_id != of::kNoBuffer)
      conn.send_packet_out_port(old.buffer_id, old.in_port, of::port::kNone, {});
    w->second.pop_front();
  }

  const auto now = Clock::now();
  std::erase_if(sw.outstanding_arps, [now](const auto& kv) { return kv.second <= now; });
  if (sw.outstanding_arps.count(dst)) return;  // asked recently
  sw.outstanding_arps[dst] = now + kArpRequestHoldoff;

  uint8_t buf[64];
  PacketBuilder b(buf);
  b.ethernet(MacAddr::broadcast(), src_mac)
      .arp(ArpFields{arp_op::kRequest, src_mac, Ipv4Addr{key.nw_src}, MacAddr::broadcast(), Ipv4Addr{dst}});
  const size_t n = b.finish(60);
  ctx_->log().debug("{} {} ARPing for {} on behalf of {}", apps::dpid_string(ev.dpid), ev.in_port,
                    Ipv4Addr{dst}.to_string(), Ipv4Addr{key.nw_src}.to_string());
  conn.send_packet_out_port(of::kNoBuffer, ev.in_port, of::port::kFlood, {buf, n});
}

void L3Learning::handle_arp(Switch& sw, PacketIn& ev) {
  const ParsedPacket pkt = ParsedPacket::parse(ev.data);
  auto a = pkt.find<ArpView>();
  if (a && a->is_ethernet_ipv4() && a->sender_ip().value != 0) {
    Connection& conn = ev.conn;
    const uint32_t spa = a->sender_ip().value;
    learn(sw, conn, spa, ev.in_port, ev.eth_src());
    send_waiting(sw, conn, spa, ev.eth_src(), ev.in_port);
    if (a->op() == arp_op::kRequest) {
      auto it = sw.hosts.find(a->target_ip().value);
      if (it != sw.hosts.end() && (it->second.fake || Clock::now() <= it->second.expires)) {
        uint8_t buf[64];
        PacketBuilder b(buf);
        b.ethernet(a->sender_mac(), apps::dpid_to_mac(ev.dpid), eth_type::kArp)
            .arp(ArpFields{arp_op::kReply, it->second.mac, a->target_ip(), a->sender_mac(), a->sender_ip()});
        const size_t n = b.finish(60);
        ctx_->log().debug("{} {} answering ARP for {}", apps::dpid_string(ev.dpid), ev.in_port,
                          a->target_ip().to_string());
        conn.send_packet_out_port(of::kNoBuffer, ev.in_port, of::port::kInPort, {buf, n});
        return;
      }
    }
  }
  flood(ev);
}

void L3Learning::expire() {
  const auto now = Clock::now();
  for (auto& [dpid, sw] : switches_) {
    Connection* conn = ctx_->connection(dpid);
    for (auto it = sw.waiting.begin(); it != sw.waiting.end();) {
      auto& q = it->second;
      while (!q.empty() && q.front().expires <= now) {
        // Too old: tell the switch to drop it (frees the buffer).
        if (conn && q.front().buffer_id != of::kNoBuffer)
          conn->send_packet_out_port(q.front().buffer_id, q.front().in_port, of::port::kNone, {});
        q.pop_front();
      }
      it = q.empty() ? sw.waiting.erase(it) : std::next(it);
    }
    std::erase_if(sw.outstanding_arps, [now](const auto& kv) { return kv.second <= now; });
  }
}

AppInfo l3_learning_app_info() {
  AppInfo info;
  info.name = "l3_learning";
  info.aliases = {"forwarding.l3_learning"};
  info.help =
      "learns IPv4 hosts from ARP and IP, answers ARP for known hosts and --fakeways, installs flows "
      "rewriting dl_dst towards learned hosts (POX forwarding.l3_learning)";
  info.declare_options = [](OptionSet& o) {
    o.add_string("fakeways", "", "gateway IPs answered with the switch's MAC, comma-separated");
    o.add_string(
        "arp_for_unknowns", "auto",
        "ARP for unknown destinations while holding their packets: auto (on with --fakeways), true, false");
    o.add_bool("wide", false, "flows match only dl_type=IPv4,nw_dst instead of the exact 12-tuple");
    o.add_bool("rewrite_src", false, "flows also set dl_src to the switch's MAC (router-like)");
    o.add_int("idle_timeout", 10, "idle timeout of installed flows, seconds");
    o.add_int("hard_timeout", 0, "hard timeout of installed flows, seconds (0: none)");
    o.add_double("arp_timeout", 120, "seconds a learned host is used to answer ARP requests");
    o.add_int("max_buffered_per_ip", 5, "packets held per unknown destination IP while ARPing");
    o.add_double("max_buffer_time", 5, "seconds a held packet waits before it is dropped");
  };
  info.validate = [](const OptionValues& o, std::string* error) {
    std::vector<Ipv4Addr> fakeways;
    if (!apps::parse_ipv4_list(o.get_string("fakeways"), &fakeways, error)) {
      *error = "--fakeways: " + *error;
      return false;
    }
    if (!tristate(o.get_string("arp_for_unknowns"), false)) {
      *error =
          "--arp-for-unknowns: expected auto, true or false, not '" + o.get_string("arp_for_unknowns") + "'";
      return false;
    }
    return true;
  };
  info.create = [] { return std::make_unique<L3Learning>(); };
  return info;
}

}  // namespace ofkit::ctl
