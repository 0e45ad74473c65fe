#include "controller/messenger/core.h"

#include <algorithm>
#include <exception>

namespace ofkit::ctl::msg {
namespace {

constexpr size_t kMaxChannelName = 128;

bool valid_channel(const json& j, std::string* name, std::string* error) {
  if (!j.is_string()) {
    *error = "\"channel\" must be a string";
    return false;
  }
  *name = j.get<std::string>();
  if (name->empty() || name->size() > kMaxChannelName) {
    *error = "a channel name has 1.." + std::to_string(kMaxChannelName) + " characters";
    return false;
  }
  return true;
}

// Compares without an early exit, so timing does not reveal a prefix.
bool token_equal(const std::string& a, const std::string& b) {
  unsigned diff = a.size() == b.size() ? 0 : 1;
  const size_t n = std::max(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    const unsigned char x = i < a.size() ? static_cast<unsigned char>(a[i]) : 0;
    const unsigned char y = i < b.size() ? static_cast<unsigned char>(b[i]) : 0;
    diff |= static_cast<unsigned>(x ^ y);
  }
  return diff == 0;
}

}  // namespace

// State publishers on other threads may touch; never the Core itself.
struct PublicationGate {
  std::mutex mu;
  std::set<std::string> active;
};

Core::Core(ServiceDirectory& services, Executor executor, std::string token, Limits limits)
    : services_(services),
      executor_(std::move(executor)),
      token_(std::move(token)),
      limits_(limits),
      gate_(std::make_shared<PublicationGate>()) {
  builtins_ = {
      {"auth",
       {&Core::cmd_auth,
        "authenticate: {\"token\":\"SECRET\"} (needed first when the messenger has a token)"}},
      {"join", {&Core::cmd_join, "join a channel: {\"channel\":\"NAME\"}"}},
      {"leave", {&Core::cmd_leave, "leave a channel: {\"channel\":\"NAME\"}"}},
      {"send",
       {&Core::cmd_send,
        "send to a channel's members: {\"channel\":\"NAME\",\"msg\":ANY,\"echo\":false} (echo: the sender "
        "too)"}},
      {"broadcast", {&Core::cmd_send, "alias of send"}},
      {"channels", {&Core::cmd_channels, "channels with members, and the ones this client joined"}},
      {"help", {&Core::cmd_help, "list commands with their help; {\"command\":\"NAME\"} for one"}},
      {"list", {&Core::cmd_help, "alias of help"}},
      {"ping", {&Core::cmd_ping, "answers {\"pong\":true}"}},
      {"log.subscribe",
       {&Core::cmd_log_subscribe,
        "stream log records on channel \"log\": {\"level\":\"info\"} (trace debug info warn error "
        "critical)"}},
      {"log.unsubscribe", {&Core::cmd_log_unsubscribe, "stop streaming log records"}},
  };
}

Core::~Core() { stop(); }

void Core::start() {
  if (subscription_ != 0) return;
  std::weak_ptr<Core> weak = weak_from_this();
  auto gate = gate_;
  auto drops = pub_drops_;
  auto try_post = executor_.try_post;
  subscription_ =
      services_.subscribe([weak, gate, drops, try_post](const std::string& channel, const json& m) {
        {
          std::lock_guard lock(gate->mu);
          if (!gate->active.count(channel)) return;
        }
        const bool ok = try_post([weak, channel, m] {
          if (auto self = weak.lock()) self->on_publication(channel, m);
        });
        if (!ok) drops->fetch_add(1, std::memory_order_relaxed);
      });
}

void Core::stop() {
  if (subscription_ == 0) return;
  services_.unsubscribe(subscription_);
  subscription_ = 0;
}

std::string Core::client_name(ClientId id) const { return "client#" + std::to_string(id); }

Core::ClientId Core::add_client(ClientLink* link, std::string peer) {
  const ClientId id = next_id_++;
  Client c;
  c.link = link;
  c.peer = std::move(peer);
  c.authed = token_.empty();
  clients_.emplace(id, std::move(c));
  return id;
}

void Core::remove_client(ClientId id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  for (const auto& ch : it->second.channels) {
    auto m = members_.find(ch);
    if (m == members_.end()) continue;
    m->second.erase(id);
    if (m->second.empty()) {
      members_.erase(m);
      note_channel(ch);
    }
  }
  const bool had_log = it->second.log_level.has_value();
  clients_.erase(it);
  if (had_log) update_log_level();
}

void Core::note_channel(const std::string& channel) {
  const bool active = members_.count(channel) > 0;
  std::lock_guard lock(gate_->mu);
  if (active)
    gate_->active.insert(channel);
  else
    gate_->active.erase(channel);
}

void Core::send_to(ClientId id, const json& msg) {
  auto it = clients_.find(id);
  if (it != clients_.end()) it->second.link->send_line(to_line(msg));
}

void Core::on_line(ClientId id, std::string_view line) {
  auto it = clients_.find(id);
  if (it == clients_.end() || blank(line)) return;
  ++counters_.requests;
  auto req = parse_request(line);
  if (!req) {
    ++counters_.errors;
    it->second.link->send_line(to_line(error_reply(req.error().id, "", req.error().message)));
    return;
  }
  dispatch(id, it->second, std::move(*req));
}

void Core::line_too_long(ClientId id) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  ++counters_.errors;
  it->second.link->send_line(to_line(
      error_reply(std::nullopt, "",
                  "line too long (more than " + std::to_string(limits_.max_line) + " bytes); closing")));
  it->second.link->close_after_flush("line too long");
}

void Core::reply_result(ClientId id, const Request& req, json result) {
  send_to(id, result_reply(req.id, req.cmd, std::move(result)));
}

void Core::reply_error(ClientId id, const Request& req, const std::string& message) {
  ++counters_.errors;
  send_to(id, error_reply(req.id, req.cmd, message));
}

void Core::dispatch(ClientId id, Client& c, Request req) {
  if (!c.authed && req.cmd != "auth") {
    reply_error(id, req, "not authenticated: send {\"cmd\":\"auth\",\"token\":\"...\"} first");
    return;
  }
  if (auto b = builtins_.find(req.cmd); b != builtins_.end()) {
    try {
      (this->*(b->second.first))(id, c, req);
    } catch (const std::exception& ex) {  // e.g. a field of the wrong JSON type
      reply_error(id, req, std::string("bad request: ") + ex.what());
    }
    return;
  }
  if (!services_.has(req.cmd)) {
    reply_error(id, req, "unknown command '" + req.cmd + "' (try \"help\")");
    return;
  }
  if (c.in_flight >= limits_.max_in_flight) {
    reply_error(id, req, "too many requests in flight (" + std::to_string(limits_.max_in_flight) + ")");
    return;
  }
  ++c.in_flight;
  // The reply may come from any thread, once; it is carried back here.
  auto replied = std::make_shared<std::atomic<bool>>(false);
  std::weak_ptr<Core> weak = weak_from_this();
  auto post = executor_.post;
  ServiceDirectory::Reply reply = [weak, post, id, req_id = req.id, cmd = req.cmd, replied](json result) {
    if (replied->exchange(true)) return;  // a second reply is ignored
    post([weak, id, req_id, cmd, result = std::move(result)]() mutable {
      if (auto self = weak.lock()) self->finish(id, req_id, cmd, std::move(result));
    });
  };
  try {
    if (!services_.call(req.cmd, req.body, reply))  // removed since has(): still one reply
      reply(json{{"error", "unknown command '" + req.cmd + "' (try \"help\")"}});
  } catch (const std::exception& ex) {
    reply(json{{"error", std::string("handler error: ") + ex.what()}});
  } catch (...) {
    reply(json{{"error", "handler error"}});
  }
}

void Core::finish(ClientId id, const std::optional<json>& req_id, const std::string& cmd, json result) {
  auto it = clients_.find(id);
  if (it == clients_.end()) return;
  if (it->second.in_flight > 0) --it->second.in_flight;
  if (result.is_object() && result.contains("error")) {
    ++counters_.errors;
    const json& e = result["error"];
    send_to(id, error_reply(req_id, cmd, e.is_string() ? e.get<std::string>() : e.dump()));
    return;
  }
  send_to(id, result_reply(req_id, cmd, std::move(result)));
}

void Core::add_channel_bot(const std::string& channel, ChannelBot bot) { bots_[channel] = std::move(bot); }

size_t Core::deliver(const std::string& channel, const json& msg, const std::string& from, ClientId except) {
  auto m = members_.find(channel);
  if (m == members_.end()) return 0;
  const std::string line = to_line(channel_message(channel, from, msg));
  size_t n = 0;
  for (ClientId member : m->second) {
    if (member == except) continue;
    auto it = clients_.find(member);
    if (it == clients_.end()) continue;
    it->second.link->send_line(line);
    ++n;
  }
  counters_.channel_messages += n;
  return n;
}

void Core::on_publication(const std::string& channel, const json& msg) { deliver(channel, msg, "app"); }

// --- built-in commands -----------------------------------------------------------

void Core::cmd_auth(ClientId id, Client& c, const Request& req) {
  if (token_.empty()) {
    reply_result(id, req, {{"authenticated", true}, {"note", "this messenger needs no token"}});
    return;
  }
  auto t = req.body.find("token");
  if (t != req.body.end() && t->is_string() && token_equal(t->get<std::string>(), token_)) {
    c.authed = true;
    c.auth_failures = 0;
    reply_result(id, req, {{"authenticated", true}});
    return;
  }
  c.authed = false;
  if (++c.auth_failures >= limits_.max_auth_failures) {
    reply_error(id, req, "bad token; too many failures, closing");
    c.link->close_after_flush("authentication failed");
    return;
  }
  reply_error(id, req, "bad token");
}

void Core::cmd_join(ClientId id, Client& c, const Request& req) {
  std::string ch, err;
  if (!valid_channel(req.body.value("channel", json()), &ch, &err)) return reply_error(id, req, err);
  if (!c.channels.count(ch) && c.channels.size() >= limits_.max_channels)
    return reply_error(id, req, "too many channels joined (" + std::to_string(limits_.max_channels) + ")");
  c.channels.insert(ch);
  auto& m = members_[ch];
  const bool first = m.empty();
  m.insert(id);
  if (first) note_channel(ch);
  reply_result(id, req, {{"channel", ch}, {"members", m.size()}});
}

void Core::cmd_leave(ClientId id, Client& c, const Request& req) {
  std::string ch, err;
  if (!valid_channel(req.body.value("channel", json()), &ch, &err)) return reply_error(id, req, err);
  if (!c.channels.erase(ch)) return reply_error(id, req, "not a member of channel '" + ch + "'");
  auto m = members_.find(ch);
  if (m != members_.end()) {
    m->second.erase(id);
    if (m->second.empty()) {
      members_.erase(m);
      note_channel(ch);
    }
  }
  reply_result(id, req, {{"channel", ch}, {"left", true}});
}

void Core::cmd_send(ClientId id, Client&, const Request& req) {
  std::string ch, err;
  if (!valid_channel(req.body.value("channel", json()), &ch, &err)) return reply_error(id, req, err);
  const json msg = req.body.value("msg", json());
  const auto echo = req.body.find("echo");
  if (echo != req.body.end() && !echo->is_boolean())
    return reply_error(id, req, "\"echo\" must be true or false");
  const bool to_self = echo != req.body.end() && echo->get<bool>();
  const size_t n = deliver(ch, msg, client_name(id), to_self ? 0 : id);
  reply_result(id, req, {{"channel", ch}, {"delivered", n}});
  if (auto bot = bots_.find(ch); bot != bots_.end()) bot->second(*this, id, msg);
}

void Core::cmd_channels(ClientId id, Client& c, const Request& req) {
  json all = json::array();
  for (const auto& [name, m] : members_) all.push_back({{"name", name}, {"members", m.size()}});
  reply_result(id, req, {{"channels", std::move(all)}, {"joined", c.channels}});
}

void Core::cmd_help(ClientId id, Client&, const Request& req) {
  std::vector<std::pair<std::string, std::string>> all;
  for (const auto& [name, b] : builtins_) all.emplace_back(name, b.second);
  for (auto& p : services_.list()) all.push_back(std::move(p));
  std::sort(all.begin(), all.end());
  std::string only;
  if (auto c = req.body.find("command"); c != req.body.end()) {
    if (!c->is_string()) return reply_error(id, req, "\"command\" must be a string");
    only = c->get<std::string>();
  }
  json list = json::array();
  for (const auto& [name, help] : all)
    if (only.empty() || name == only) list.push_back({{"name", name}, {"help", help}});
  if (!only.empty() && list.empty()) return reply_error(id, req, "unknown command '" + only + "'");
  reply_result(id, req, {{"commands", std::move(list)}});
}

void Core::cmd_ping(ClientId id, Client&, const Request& req) { reply_result(id, req, {{"pong", true}}); }

void Core::cmd_log_subscribe(ClientId id, Client& c, const Request& req) {
  if (!log_tap_) return reply_error(id, req, "log streaming is not available");
  std::string text = "info";
  if (auto l = req.body.find("level"); l != req.body.end()) {
    if (!l->is_string()) return reply_error(id, req, "\"level\" must be a string");
    text = l->get<std::string>();
  }
  const auto level = spdlog::level::from_str(text);
  if (level == spdlog::level::off)
    return reply_error(id, req, "bad level '" + text + "' (trace debug info warn error critical)");
  std::set<std::string> loggers;
  if (auto l = req.body.find("logger"); l != req.body.end()) {
    if (l->is_string()) {
      loggers.insert(l->get<std::string>());
    } else if (l->is_array()) {
      for (const auto& x : *l) {
        if (!x.is_string()) return reply_error(id, req, "\"logger\" must be a name or a list of names");
        loggers.insert(x.get<std::string>());
      }
    } else {
      return reply_error(id, req, "\"logger\" must be a name or a list of names");
    }
  }
  c.log_level = level;
  c.log_loggers = std::move(loggers);
  update_log_level();
  const auto name = spdlog::level::to_string_view(level);
  json result{{"channel", "log"}, {"level", std::string(name.data(), name.size())}};
  if (!c.log_loggers.empty()) result["loggers"] = c.log_loggers;
  reply_result(id, req, std::move(result));
}

void Core::cmd_log_unsubscribe(ClientId id, Client& c, const Request& req) {
  c.log_level.reset();
  update_log_level();
  reply_result(id, req, {{"unsubscribed", true}});
}

void Core::update_log_level() {
  if (!log_tap_) return;
  auto lowest = spdlog::level::off;
  for (const auto& [cid, c] : clients_)
    if (c.log_level && *c.log_level < lowest) lowest = *c.log_level;
  log_tap_->set_level(lowest);
}

void Core::drain_log() {
  if (!log_tap_) return;
  LogRecord r;
  for (size_t i = 0; i < limits_.max_log_per_drain && log_tap_->pop(&r); ++i) {
    std::string line;
    for (auto& [cid, c] : clients_) {
      if (!c.log_level || r.level < *c.log_level) continue;
      if (!c.log_loggers.empty() && !c.log_loggers.count(r.logger)) continue;
      if (line.empty()) line = to_line(channel_message("log", "log", log_record_json(r)));
      c.link->send_line(line);
      ++counters_.log_records_sent;
    }
  }
  const uint64_t dropped = log_tap_->dropped();
  if (dropped > log_drops_reported_) {
    LogRecord notice{std::chrono::system_clock::now(), spdlog::level::warn, "messenger",
                     std::to_string(dropped - log_drops_reported_) + " log record(s) dropped (queue full)"};
    log_drops_reported_ = dropped;
    const std::string line = to_line(channel_message("log", "log", log_record_json(notice)));
    for (auto& [cid, c] : clients_)
      if (c.log_level) c.link->send_line(line);
  }
}

}  // namespace ofkit::ctl::msg
