#include "controller/apps/mac_blocker.h"

#include <atomic>
#include <memory>
#include <mutex>

#include "controller/apps/app_util.h"
#include "controller/connection.h"
#include "controller/runtime.h"
#include "controller/shard.h"
#include "oflib/wire/flow_mod.h"

namespace ofkit::ctl {
namespace {

// --block as a set; false with *error on a bad entry or a multicast MAC.
bool parse_block_option(const std::string& s, std::set<uint64_t>* out, std::string* error) {
  std::vector<MacAddr> macs;
  if (!apps::parse_mac_list(s, &macs, error)) return false;
  out->clear();
  for (const MacAddr& m : macs) {
    if (m.is_multicast()) {
      *error = "cannot block multicast address " + m.to_string();
      return false;
    }
    out->insert(m.to_u64());
  }
  return true;
}

// The MACs of a service request: {"macs": [..] or "a,b"} or {"mac": ".."}.
bool macs_from_request(const nlohmann::json& req, std::vector<MacAddr>* out, std::string* error) {
  out->clear();
  std::vector<std::string> items;
  auto take = [&](const nlohmann::json& v) {
    if (v.is_string()) {
      for (auto& s : apps::split_list(v.get<std::string>())) items.push_back(s);
      return true;
    }
    if (!v.is_array()) return false;
    for (const auto& e : v) {
      if (!e.is_string()) return false;
      items.push_back(e.get<std::string>());
    }
    return true;
  };
  bool ok = req.is_object() && (req.contains("macs") || req.contains("mac"));
  if (ok && req.contains("macs")) ok = take(req["macs"]);
  if (ok && req.contains("mac")) ok = take(req["mac"]);
  if (!ok) {
    *error = "expected {\"macs\": [\"xx:xx:xx:xx:xx:xx\", ...]} or {\"mac\": \"xx:xx:xx:xx:xx:xx\"}";
    return false;
  }
  for (const auto& s : items) {
    auto m = MacAddr::parse(s);
    if (!m) {
      *error = "bad MAC address '" + s + "'";
      return false;
    }
    if (m->is_multicast()) {
      *error = "cannot block multicast address " + m->to_string();
      return false;
    }
    out->push_back(*m);
  }
  if (out->empty()) {
    *error = "no MAC address given";
    return false;
  }
  return true;
}

nlohmann::json mac_array(const std::vector<MacAddr>& macs) {
  nlohmann::json a = nlohmann::json::array();
  for (const auto& m : macs) a.push_back(m.to_string());
  return a;
}

}  // namespace

void MacBlocker::apply_timeouts(const OptionValues& o) {
  idle_timeout_ = apps::u16_option(o, "idle_timeout");
  hard_timeout_ = apps::u16_option(o, "hard_timeout");
  priority_ = apps::u16_option(o, "priority");
}

void MacBlocker::start(AppContext& ctx) {
  ctx_ = &ctx;
  apply_timeouts(ctx.options());
  std::string err;
  if (!parse_block_option(ctx.options().get_string("block"), &from_option_, &err)) {
    ctx.log().error("--block: {}; starting with an empty block list", err);
    from_option_.clear();
  }
  blocked_ = from_option_;
  ctx.core().register_component("mac_blocker", this);
  ctx.listen<PacketIn>([this](PacketIn& ev) { return on_packet_in(ev); }, kListenPriority);
  ctx.listen<ConnectionUp>([this](ConnectionUp& ev) {
    for (uint64_t m : blocked_) install_drops(ev.conn, MacAddr::from_u64(m));
  });
  if (ctx.shard_index() == 0) register_services();
}

void MacBlocker::stop() {
  if (!services_) return;
  auto& services = ctx_->runtime().services();
  services.remove("mac_blocker.block");
  services.remove("mac_blocker.unblock");
  services.remove("mac_blocker.list");
  services_ = false;
}

bool MacBlocker::reload(const OptionValues& options) {
  std::set<uint64_t> fresh;
  std::string err;
  if (!parse_block_option(options.get_string("block"), &fresh, &err)) {
    ctx_->log().error("SIGHUP: --block: {}; keeping the current options", err);
    return false;
  }
  apply_timeouts(options);
  std::vector<MacAddr> added, removed;
  for (uint64_t m : fresh)
    if (!from_option_.count(m)) added.push_back(MacAddr::from_u64(m));
  for (uint64_t m : from_option_)
    if (!fresh.count(m)) removed.push_back(MacAddr::from_u64(m));
  from_option_ = std::move(fresh);
  block(added);
  unblock(removed);
  return true;
}

EventAction MacBlocker::on_packet_in(PacketIn& ev) {
  if (blocked_.empty() || ev.data.size() < 12) return EventAction::kContinue;
  const MacAddr src = ev.eth_src();
  const MacAddr dst = ev.eth_dst();
  const bool src_blocked = is_blocked(src);
  if (!src_blocked && !is_blocked(dst)) return EventAction::kContinue;
  const of::Match m = src_blocked ? apps::mac_match(&src, nullptr) : apps::mac_match(nullptr, &dst);
  ev.conn.send_flow_add(m, of::port::kNone, idle_timeout_, hard_timeout_, ev.buffer_id, priority_);
  ctx_->log().debug("{}: blocked {} -> {} on port {}", apps::dpid_string(ev.dpid), src.to_string(),
                    dst.to_string(), ev.in_port);
  return EventAction::kHalt;
}

void MacBlocker::install_drops(Connection& conn, const MacAddr& mac) {
  conn.send_flow_add(apps::mac_match(&mac, nullptr), of::port::kNone, idle_timeout_, hard_timeout_,
                     of::kNoBuffer, priority_);
  conn.send_flow_add(apps::mac_match(nullptr, &mac), of::port::kNone, idle_timeout_, hard_timeout_,
                     of::kNoBuffer, priority_);
}

void MacBlocker::delete_flows(Connection& conn, const MacAddr& mac) {
  of::FlowMod fm;
  fm.command = of::FlowModCommand::kDelete;
  fm.match = apps::mac_match(&mac, nullptr);
  conn.send_flow_mod(fm);
  fm.match = apps::mac_match(nullptr, &mac);
  conn.send_flow_mod(fm);
}

std::vector<MacAddr> MacBlocker::block(const std::vector<MacAddr>& macs) {
  std::vector<MacAddr> changed;
  for (const MacAddr& m : macs) {
    if (m.is_multicast() || !blocked_.insert(m.to_u64()).second) continue;
    changed.push_back(m);
    for (Connection* c : ctx_->shard().switches()) {
      delete_flows(*c, m);
      install_drops(*c, m);
    }
  }
  if (!changed.empty() && ctx_->shard_index() == 0) ctx_->log().info("blocked {}", mac_array(changed).dump());
  return changed;
}

std::vector<MacAddr> MacBlocker::unblock(const std::vector<MacAddr>& macs) {
  std::vector<MacAddr> changed;
  for (const MacAddr& m : macs) {
    if (blocked_.erase(m.to_u64()) == 0) continue;
    changed.push_back(m);
    for (Connection* c : ctx_->shard().switches()) delete_flows(*c, m);
  }
  if (!changed.empty() && ctx_->shard_index() == 0)
    ctx_->log().info("unblocked {}", mac_array(changed).dump());
  return changed;
}

std::vector<MacAddr> MacBlocker::blocked() const {
  std::vector<MacAddr> v;
  for (uint64_t m : blocked_) v.push_back(MacAddr::from_u64(m));
  return v;
}

nlohmann::json MacBlocker::blocked_json() const { return mac_array(blocked()); }

void MacBlocker::register_services() {
  Runtime* rt = &ctx_->runtime();
  ServiceDirectory& services = rt->services();
  // block/unblock: validated here (any thread), applied on every shard; the
  // reply comes from the last shard to finish, with the list after the change.
  auto change = [rt](bool add) {
    return [rt, add](const nlohmann::json& req, ServiceDirectory::Reply reply) {
      std::vector<MacAddr> macs;
      std::string err;
      if (!macs_from_request(req, &macs, &err)) {
        reply({{"error", err}});
        return;
      }
      struct Pending {
        std::atomic<size_t> left;
        ServiceDirectory::Reply reply;
        std::mutex mu;
        std::vector<MacAddr> changed;  // from shard 0
        nlohmann::json list;
      };
      auto p = std::make_shared<Pending>();
      p->left = rt->shard_count();
      p->reply = std::move(reply);
      rt->post_to_all([p, macs, add](Shard& s) {
        MacBlocker* mb = s.core().get<MacBlocker>("mac_blocker");
        if (mb) {
          auto changed = add ? mb->block(macs) : mb->unblock(macs);
          std::lock_guard lock(p->mu);
          if (s.index() == 0) {
            p->changed = std::move(changed);
            p->list = mb->blocked_json();
          }
        }
        if (p->left.fetch_sub(1) == 1) {
          std::lock_guard lock(p->mu);
          p->reply({{add ? "blocked" : "unblocked", mac_array(p->changed)}, {"list", p->list}});
        }
      });
    };
  };
  bool ok =
      services.add("mac_blocker.block",
                   "block MACs on every switch: {\"macs\": [\"00:00:00:00:00:01\", ...]}", change(true));
  ok = services.add("mac_blocker.unblock", "unblock MACs: {\"macs\": [...]}", change(false)) && ok;
  ok = services.add("mac_blocker.list", "the blocked MACs: {\"list\": [...]}",
                    [rt](const nlohmann::json&, ServiceDirectory::Reply reply) {
                      rt->post_to_shard(0, [reply = std::move(reply)](Shard& s) {
                        MacBlocker* mb = s.core().get<MacBlocker>("mac_blocker");
                        reply({{"list", mb ? mb->blocked_json() : nlohmann::json::array()}});
                      });
                    }) &&
       ok;
  services_ = true;
  if (!ok) ctx_->log().warn("a mac_blocker service name was already taken");
}

AppInfo mac_blocker_app_info() {
  AppInfo info;
  info.name = "mac_blocker";
  info.aliases = {"forwarding.mac_blocker"};
  info.help =
      "halts PacketIns from/to blocked MACs before the forwarding apps and installs drop flows; "
      "the list changes at runtime (services mac_blocker.block/unblock/list) and on SIGHUP";
  info.precedence = 10;
  info.declare_options = [](OptionSet& o) {
    o.add_string("block", "", "MACs to block, comma-separated (00:00:00:00:00:01,...)");
    o.add_int("idle_timeout", 60, "idle timeout of the drop flows, seconds (0: none)");
    o.add_int("hard_timeout", 0, "hard timeout of the drop flows, seconds (0: none)");
    o.add_int("priority", 0xffff, "priority of the drop flows");
  };
  info.validate = [](const OptionValues& o, std::string* error) {
    std::set<uint64_t> macs;
    if (parse_block_option(o.get_string("block"), &macs, error)) return true;
    *error = "--block: " + *error;
    return false;
  };
  info.create = [] { return std::make_unique<MacBlocker>(); };
  return info;
}

}  // namespace ofkit::ctl
