#include "controller/messenger/of_service.h"

#include <algorithm>
#include <atomic>
#include <mutex>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "controller/connection.h"
#include "controller/events.h"
#include "controller/runtime.h"
#include "oflib/text/json.h"
#include "oflib/text/printer.h"

namespace ofkit::ctl::msg {
namespace {

using nlohmann::json;
using Reply = ServiceDirectory::Reply;

json plain(const text::Json& j) { return json::parse(j.dump()); }

json err(const std::string& message) { return json{{"error", message}}; }

bool hex_digits(std::string_view s) {
  return !s.empty() && s.find_first_not_of("0123456789abcdefABCDEF") == std::string_view::npos;
}

// Request keys that are never flow fields.
const std::set<std::string> kReservedKeys = {"cmd", "id",   "dpid", "strict", "flow",
                                             "arg", "type", "port", "queue"};

template <typename T>
bool get_uint(const json& j, const char* key, uint64_t max, T* out, std::string* error) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return true;
  std::optional<uint64_t> v;
  if (it->is_number_unsigned())
    v = it->get<uint64_t>();
  else if (it->is_number_integer() && it->get<int64_t>() >= 0)
    v = static_cast<uint64_t>(it->get<int64_t>());
  else if (it->is_string())
    v = text::parse_number(it->get<std::string>(), max);
  if (!v || *v > max) {
    *error = fmt::format("{}: expected a number 0..{}", key, max);
    return false;
  }
  *out = static_cast<T>(*v);
  return true;
}

tl::expected<uint16_t, std::string> port_value(const json& j, const char* what) {
  if (j.is_number_unsigned() && j.get<uint64_t>() <= 0xffff) return static_cast<uint16_t>(j.get<uint64_t>());
  if (j.is_number_integer() && j.get<int64_t>() >= 0 && j.get<int64_t>() <= 0xffff)
    return static_cast<uint16_t>(j.get<int64_t>());
  if (j.is_string())
    if (auto p = text::parse_port(j.get<std::string>())) return *p;
  return tl::make_unexpected(std::string(what) + ": expected a port number or name (FLOOD, CONTROLLER, ...)");
}

tl::expected<of::ActionList, std::string> actions_value(const json& j) {
  if (j.is_string()) return text::parse_actions(j.get<std::string>());
  if (j.is_array()) return text::actions_from_json(text::Json::parse(j.dump()));
  return tl::make_unexpected(std::string("actions: expected \"output:2\" or a JSON list of actions"));
}

tl::expected<text::FlowSpec, std::string> flow_from_object(const json& o, bool require_actions) {
  text::FlowSpec f;
  std::string e;
  if (auto m = o.find("match"); m != o.end()) {
    auto r = m->is_string() ? text::parse_match(m->get<std::string>())
                            : text::match_from_json(text::Json::parse(m->dump()));
    if (!r) return tl::make_unexpected("match: " + r.error());
    f.match = *r;
  }
  if (auto a = o.find("actions"); a != o.end()) {
    auto r = actions_value(*a);
    if (!r) return tl::make_unexpected(r.error());
    f.actions = std::move(*r);
  } else if (require_actions) {
    return tl::make_unexpected(std::string("missing \"actions\" (use \"drop\" for none)"));
  }
  if (!get_uint(o, "priority", 0xffff, &f.priority, &e) ||
      !get_uint(o, "idle_timeout", 0xffff, &f.idle_timeout, &e) ||
      !get_uint(o, "hard_timeout", 0xffff, &f.hard_timeout, &e) ||
      !get_uint(o, "cookie", UINT64_MAX, &f.cookie, &e) || !get_uint(o, "table", 0xff, &f.table_id, &e) ||
      !get_uint(o, "flags", 0xffff, &f.flags, &e))
    return tl::make_unexpected(e);
  if (auto p = o.find("out_port"); p != o.end()) {
    auto r = port_value(*p, "out_port");
    if (!r) return tl::make_unexpected(r.error());
    f.out_port = *r;
  }
  return f;
}

template <typename Fn>
void guarded(const Reply& reply, Fn&& fn) {
  try {
    fn();
  } catch (const std::exception& ex) {
    reply(err(std::string("error: ") + ex.what()));
  }
}

// Runs fn(conn) on the switch's shard, or answers "no switch".
void on_switch(Runtime& rt, const json& req, const Reply& reply, std::function<void(Connection&)> fn) {
  auto d = parse_dpid(req.value("dpid", json()));
  if (!d) return reply(err(d.error()));
  const uint64_t dpid = *d;
  rt.with_switch(dpid, [dpid, reply, fn = std::move(fn)](Connection* c) {
    if (!c || !c->up()) return reply(err("no switch " + dpid_text(dpid)));
    guarded(reply, [&] { fn(*c); });
  });
}

// Sends a FLOW_MOD then a BARRIER; answers `ok` after the barrier, or the
// OFPT_ERROR the switch sent for the FLOW_MOD.
void flow_mod_confirmed(Connection& c, const of::FlowMod& fm, const Reply& reply, json ok) {
  Shard* shard = c.shard();
  const uint64_t dpid = c.dpid();
  auto error = std::make_shared<std::optional<std::string>>();
  const uint32_t xid = c.send_flow_mod(fm);
  const ListenerId lid = shard->bus().listen<ErrorIn>([error, dpid, xid](ErrorIn& e) {
    if (e.dpid == dpid && e.xid == xid && !*error)
      *error = text::format_error_type_code(e.msg.type, e.msg.code);
  });
  c.barrier([shard, lid, error, reply, ok = std::move(ok)](bool fine) {
    shard->bus().remove(lid);
    if (*error) return reply(err("the switch refused the flow: " + **error));
    if (!fine) return reply(err("no barrier reply (switch disconnected or timed out)"));
    reply(ok);
  });
}

// The body lines of a stats reply as ovs-ofctl prints them (header line dropped).
json text_lines(const of::StatsReply& r) {
  const std::string all = text::format_message(of::Message{r}, 0);
  json lines = json::array();
  size_t start = all.find('\n');
  while (start != std::string::npos) {
    const size_t end = all.find('\n', start + 1);
    std::string line = all.substr(start + 1, end == std::string::npos ? std::string::npos : end - start - 1);
    if (!line.empty()) lines.push_back(std::move(line));
    start = end;
  }
  return lines;
}

json stats_body_json(const of::StatsReply& r) {
  return plain(text::to_json(of::Message{r}, 0))["msg"]["body"];
}

void request_stats(Connection& c, const of::StatsRequest& sr, const Reply& reply, std::string type) {
  const uint64_t dpid = c.dpid();
  c.request_stats(sr, [reply, type, dpid](const of::StatsReply* r) {
    if (!r) return reply(err("no " + type + " stats reply (error, timeout or disconnect)"));
    guarded(reply, [&] {
      json out{
          {"dpid", dpid_text(dpid)}, {"type", type}, {"body", stats_body_json(*r)}, {"text", text_lines(*r)}};
      if (type == "flow") {
        out["flows"] = out["body"]["flows"];
        out.erase("body");
      }
      reply(std::move(out));
    });
  });
}

json switch_json(Connection& c, size_t shard) {
  json j = plain(text::to_json(of::Message{c.features()}, 0))["msg"];
  j.erase("datapath_id");
  json out{{"dpid", dpid_text(c.dpid())}, {"peer", c.peer()}, {"shard", shard}};
  out.update(j);
  return out;
}

void list_switches(Runtime& rt, const Reply& reply) {
  struct Gather {
    std::mutex mu;
    json list = json::array();
    std::atomic<size_t> left;
    Reply reply;
  };
  auto g = std::make_shared<Gather>();
  g->left = rt.shard_count();
  g->reply = reply;
  rt.post_to_all([g](Shard& s) {
    json part = json::array();
    try {
      for (Connection* c : s.switches())
        if (c->up()) part.push_back(switch_json(*c, s.index()));
    } catch (const std::exception&) {
    }
    {
      std::lock_guard lock(g->mu);
      for (auto& x : part) g->list.push_back(std::move(x));
    }
    if (g->left.fetch_sub(1) == 1) {
      std::sort(g->list.begin(), g->list.end(),
                [](const json& a, const json& b) { return a["dpid"] < b["dpid"]; });
      g->reply(json{{"switches", std::move(g->list)}});
    }
  });
}

void flow_change(Runtime& rt, const json& req, const Reply& reply, of::FlowModCommand cmd) {
  const bool add = cmd == of::FlowModCommand::kAdd;
  const bool del = cmd == of::FlowModCommand::kDelete;
  auto flow = flow_from_request(req, !del);
  if (!flow) return reply(err(flow.error()));
  auto strict = req.find("strict");
  if (strict != req.end() && !strict->is_boolean()) return reply(err("\"strict\" must be true or false"));
  if (strict != req.end() && strict->get<bool>()) {
    if (cmd == of::FlowModCommand::kModify) cmd = of::FlowModCommand::kModifyStrict;
    if (cmd == of::FlowModCommand::kDelete) cmd = of::FlowModCommand::kDeleteStrict;
  }
  of::FlowMod fm;
  fm.match = flow->match;
  fm.cookie = flow->cookie;
  fm.command = cmd;
  fm.idle_timeout = flow->idle_timeout;
  fm.hard_timeout = flow->hard_timeout;
  fm.priority = flow->priority;
  fm.out_port = del || cmd == of::FlowModCommand::kDeleteStrict ? flow->out_port : of::port::kNone;
  fm.flags = flow->flags;
  if (!del && cmd != of::FlowModCommand::kDeleteStrict) fm.actions = flow->actions;
  const std::string shown = text::format_flow_mod(cmd, *flow);
  (void)add;
  on_switch(rt, req, reply, [fm, reply, shown](Connection& c) {
    flow_mod_confirmed(c, fm, reply, json{{"dpid", dpid_text(c.dpid())}, {"flow_mod", shown}});
  });
}

void packet_out(Runtime& rt, const json& req, const Reply& reply) {
  of::PacketOut po;
  std::string e;
  if (!get_uint(req, "buffer_id", UINT32_MAX, &po.buffer_id, &e)) return reply(err(e));
  if (auto p = req.find("in_port"); p != req.end()) {
    auto r = port_value(*p, "in_port");
    if (!r) return reply(err(r.error()));
    po.in_port = *r;
  }
  auto a = req.find("actions");
  if (a == req.end()) return reply(err("missing \"actions\" (e.g. \"output:2\")"));
  auto actions = actions_value(*a);
  if (!actions) return reply(err(actions.error()));
  po.actions = std::move(*actions);
  if (auto d = req.find("data"); d != req.end()) {
    if (!d->is_string()) return reply(err("data: expected a hex string"));
    std::string hex = d->get<std::string>();
    hex.erase(std::remove_if(hex.begin(), hex.end(), [](char ch) { return ch == ' ' || ch == ':'; }),
              hex.end());
    if (hex.size() % 2 != 0 || (!hex.empty() && !hex_digits(hex)))
      return reply(err("data: expected a hex string"));
    for (size_t i = 0; i < hex.size(); i += 2)
      po.data.push_back(static_cast<uint8_t>(std::stoul(hex.substr(i, 2), nullptr, 16)));
  }
  if (po.buffer_id == of::kNoBuffer && po.data.empty())
    return reply(err("give \"data\" (hex) or \"buffer_id\""));
  on_switch(rt, req, reply, [po, reply](Connection& c) {
    c.send_packet_out(po);
    const uint64_t dpid = c.dpid();
    c.barrier([reply, dpid, n = po.data.size()](bool fine) {
      if (!fine) return reply(err("no barrier reply (switch disconnected or timed out)"));
      reply(json{{"dpid", dpid_text(dpid)}, {"sent", true}, {"bytes", n}});
    });
  });
}

void stats(Runtime& rt, const json& req, const Reply& reply) {
  const std::string type = req.value("type", std::string("desc"));
  of::StatsRequest sr;
  std::string e;
  if (type == "desc") {
    sr.body = of::DescStatsRequest{};
  } else if (type == "table") {
    sr.body = of::TableStatsRequest{};
  } else if (type == "port") {
    of::PortStatsRequest p;
    if (auto it = req.find("port"); it != req.end()) {
      auto r = port_value(*it, "port");
      if (!r) return reply(err(r.error()));
      p.port_no = *r;
    }
    sr.body = p;
  } else if (type == "queue") {
    of::QueueStatsRequest q;
    if (auto it = req.find("port"); it != req.end()) {
      auto r = port_value(*it, "port");
      if (!r) return reply(err(r.error()));
      q.port_no = *r;
    }
    if (!get_uint(req, "queue", UINT32_MAX, &q.queue_id, &e)) return reply(err(e));
    sr.body = q;
  } else if (type == "flow" || type == "aggregate") {
    auto flow = flow_from_request(req, false);
    if (!flow) return reply(err(flow.error()));
    if (type == "flow")
      sr.body = of::FlowStatsRequest{flow->match, flow->table_id, flow->out_port};
    else
      sr.body = of::AggregateStatsRequest{flow->match, flow->table_id, flow->out_port};
  } else {
    return reply(err("type: expected desc, flow, aggregate, table, port or queue"));
  }
  on_switch(rt, req, reply, [sr, reply, type](Connection& c) { request_stats(c, sr, reply, type); });
}

}  // namespace

std::string dpid_text(uint64_t dpid) { return fmt::format("{:016x}", dpid); }

tl::expected<uint64_t, std::string> parse_dpid(const json& j) {
  const auto bad = [] {
    return tl::make_unexpected(
        std::string("dpid: expected a number, 0xHEX, 16 hex digits or 00:00:00:00:00:00:00:01"));
  };
  if (j.is_null()) return tl::make_unexpected(std::string("missing \"dpid\""));
  if (j.is_number_unsigned()) return j.get<uint64_t>();
  if (j.is_number_integer()) {
    if (j.get<int64_t>() < 0) return bad();
    return static_cast<uint64_t>(j.get<int64_t>());
  }
  if (!j.is_string()) return bad();
  std::string s = j.get<std::string>();
  int base = 10;
  if (s.rfind("0x", 0) == 0 || s.rfind("0X", 0) == 0) {
    s = s.substr(2);
    base = 16;
  } else if (s.find(':') != std::string::npos) {
    s.erase(std::remove(s.begin(), s.end(), ':'), s.end());
    base = 16;
  } else if (s.size() == 16) {
    base = 16;
  }
  if (s.empty() || s.size() > 16 ||
      (base == 16 ? !hex_digits(s) : s.find_first_not_of("0123456789") != std::string::npos))
    return bad();
  try {
    return static_cast<uint64_t>(std::stoull(s, nullptr, base));
  } catch (const std::exception&) {
    return bad();
  }
}

tl::expected<text::FlowSpec, std::string> flow_from_request(const json& req, bool require_actions) {
  if (auto it = req.find("flow"); it != req.end()) {
    if (it->is_string()) {
      auto r = text::parse_flow(it->get<std::string>(), require_actions);
      if (!r) return tl::make_unexpected("flow: " + r.error());
      return *r;
    }
    if (it->is_object()) return flow_from_object(*it, require_actions);
    return tl::make_unexpected(std::string("flow: expected ovs-ofctl syntax (a string) or a JSON object"));
  }
  // The JSON form at the top level.
  if (req.contains("match") || (req.contains("actions") && req["actions"].is_array()))
    return flow_from_object(req, require_actions);
  // Otherwise flow-syntax pieces: fields given as keys (ofctl-msg's
  // "in_port=1"), then the positional text, then the actions (which must
  // come last: they take the rest of the line).
  std::string text;
  const auto add = [&](const std::string& piece) { text += (text.empty() ? "" : ",") + piece; };
  for (auto it = req.begin(); it != req.end(); ++it) {
    if (kReservedKeys.count(it.key()) || it.key() == "actions") continue;
    const json& v = it.value();
    if (v.is_null() || (v.is_boolean() && v.get<bool>()))
      add(it.key());
    else if (v.is_string())
      add(it.key() + "=" + v.get<std::string>());
    else if (v.is_number())
      add(it.key() + "=" + v.dump());
    else if (!v.is_boolean())
      return tl::make_unexpected(it.key() + ": expected a flow field value");
  }
  if (auto a = req.find("arg"); a != req.end()) {
    if (!a->is_string()) return tl::make_unexpected(std::string("arg: expected flow text"));
    add(a->get<std::string>());
  }
  if (auto a = req.find("actions"); a != req.end()) {
    if (!a->is_string()) return tl::make_unexpected(std::string("actions: expected text or a JSON list"));
    add("actions=" + a->get<std::string>());
  }
  if (text.empty() && !require_actions) return text::FlowSpec{};
  auto r = text::parse_flow(text, require_actions);
  if (!r) return tl::make_unexpected("flow: " + r.error());
  return *r;
}

void register_of_service(Runtime& runtime) {
  Runtime* rt = &runtime;
  ServiceDirectory& s = runtime.services();
  s.add("of.list_switches", "connected switches with features and ports",
        [rt](const json&, Reply reply) { list_switches(*rt, reply); });
  s.add("of.dump_flows", "flow table in ovs-ofctl syntax and JSON: {\"dpid\":1,\"flow\":\"in_port=1\"}",
        [rt](const json& req, Reply reply) {
          json r = req;
          r["type"] = "flow";
          stats(*rt, r, reply);
        });
  s.add("of.add_flow", "add a flow: {\"dpid\":1,\"flow\":\"priority=10,in_port=1,actions=output:2\"} or JSON",
        [rt](const json& req, Reply reply) { flow_change(*rt, req, reply, of::FlowModCommand::kAdd); });
  s.add("of.modify_flows",
        "modify flows' actions: {\"dpid\":1,\"flow\":\"in_port=1,actions=output:3\",\"strict\":false}",
        [rt](const json& req, Reply reply) { flow_change(*rt, req, reply, of::FlowModCommand::kModify); });
  s.add("of.delete_flows",
        "delete flows: {\"dpid\":1,\"flow\":\"in_port=1\",\"strict\":false} (no flow: all)",
        [rt](const json& req, Reply reply) { flow_change(*rt, req, reply, of::FlowModCommand::kDelete); });
  s.add(
      "of.packet_out",
      "send a packet: {\"dpid\":1,\"actions\":\"output:2\",\"data\":\"HEX\"} (or \"buffer_id\"; \"in_port\")",
      [rt](const json& req, Reply reply) { packet_out(*rt, req, reply); });
  s.add(
      "of.stats",
      "stats: {\"dpid\":1,\"type\":\"desc|flow|aggregate|table|port|queue\"} (+ \"port\", \"flow\" filters)",
      [rt](const json& req, Reply reply) { stats(*rt, req, reply); });
}

void unregister_of_service(ServiceDirectory& s) {
  for (const char* n : {"of.list_switches", "of.dump_flows", "of.add_flow", "of.modify_flows",
                        "of.delete_flows", "of.packet_out", "of.stats"})
    s.remove(n);
}

}  // namespace ofkit::ctl::msg
