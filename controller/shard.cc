#include "controller/shard.h"

#include <algorithm>

#include "controller/cli.h"
#include "controller/events.h"
#include "controller/global_events.h"
#include "controller/runtime.h"

namespace ofkit::ctl {
namespace {
spdlog::logger& shard_log() {
  static std::shared_ptr<spdlog::logger> l = component_logger("shard");
  return *l;
}
}  // namespace

Shard::Shard(Runtime* runtime, size_t index, const RuntimeConfig& config)
    : runtime_(runtime), index_(index), config_(config), loop_(config.mailbox_capacity) {
  bus_.set_fatal_exceptions(config.fatal_exceptions);
  loop_.add_end_of_iteration_hook([this] { flush_dirty(); });
  loop_.call_every(std::chrono::milliseconds(250), [this] { tick(); });
}

Shard::~Shard() {
  // Connections unregister their fds from loop_, which outlives them here.
  graveyard_.clear();
  by_dpid_.clear();
  conns_.clear();
  apps_.clear();
}

void Shard::adopt(std::unique_ptr<Connection> conn, bool is_new) {
  Connection* c = conn.get();
  conns_.emplace(c->id(), std::move(conn));
  c->attach(this);
  if (is_new) {
    c->start_handshake();
    return;
  }
  // A switch that finished its handshake elsewhere: announce it, then
  // handle what it sent after the FEATURES_REPLY.
  announce(c);
  if (c->state() != Connection::State::kClosed) c->process_input();
}

void Shard::announce(Connection* c) {
  auto old = by_dpid_.find(c->dpid());
  if (old != by_dpid_.end() && old->second != c) {
    ++counters_.replaced;
    shard_log().info("shard {}: dpid {:016x} reconnected from {}; closing the old connection", index_,
                     c->dpid(), c->peer());
    old->second->close("replaced by a new connection with the same datapath id");
  }
  by_dpid_[c->dpid()] = c;
  c->set_announced(true);
  ++counters_.connections_up;
  shard_log().info("shard {}: switch {:016x} up ({}, {} ports)", index_, c->dpid(), c->peer(),
                   c->features().ports.size());
  ConnectionUp ev{*c, c->dpid(), c->features()};
  bus_.raise(ev);
  // Control events for global apps: the control mailbox never drops.
  if (runtime_ && runtime_->shard_count() > 0)
    runtime_->forward_control(SwitchJoined{c->dpid(), c->features(), index_});
}

void Shard::on_features(Connection* c) {
  const size_t target = shard_for_dpid(c->dpid(), runtime_ ? runtime_->shard_count() : 1);
  if (target == index_ || !runtime_) {
    c->resume_here();  // stays: process_input() goes on with the next message
    announce(c);
    return;
  }
  // Moved at the end of the iteration: nothing on this thread may touch the
  // connection once the target shard owns it, and we are still inside its
  // receive path here.
  pending_moves_.emplace_back(c->id(), target);
}

void Shard::run_pending_moves() {
  auto moves = std::move(pending_moves_);
  pending_moves_.clear();
  for (auto [id, target] : moves) {
    auto it = conns_.find(id);
    if (it == conns_.end()) continue;  // closed meanwhile
    std::unique_ptr<Connection> owned = std::move(it->second);
    conns_.erase(it);
    std::erase(dirty_, owned.get());
    owned->detach();
    runtime_->move_connection(std::move(owned), target);
  }
}

void Shard::on_closed(Connection* c, const std::string& reason) {
  if (c->announced()) {
    ++counters_.connections_down;
    auto it = by_dpid_.find(c->dpid());
    if (it != by_dpid_.end() && it->second == c) by_dpid_.erase(it);
    shard_log().info("shard {}: switch {:016x} down: {}", index_, c->dpid(), reason);
    ConnectionDown ev{*c, c->dpid(), reason};
    bus_.raise(ev);
    if (runtime_) runtime_->forward_control(SwitchLeft{c->dpid(), reason});
  } else {
    shard_log().debug("shard {}: connection {} ({}) closed: {}", index_, c->id(), c->peer(), reason);
  }
  // Fold its counters into the shard's before it goes.
  const auto& cc = c->counters();
  counters_.packet_ins += cc.packet_ins;
  counters_.packet_ins_dropped += cc.packet_ins_dropped;
  counters_.messages_in += cc.msgs_in;
  counters_.bad_messages += cc.bad_messages;
  auto it = conns_.find(c->id());
  if (it != conns_.end()) {
    graveyard_.push_back(std::move(it->second));
    conns_.erase(it);
  }
  std::erase(dirty_, c);
  if (runtime_) {
    runtime_->connection_closed();
    runtime_->connector_closed(c->id());
  }
}

void Shard::mark_dirty(Connection* c) {
  c->set_dirty(true);
  dirty_.push_back(c);
}

void Shard::flush_dirty() {
  if (!pending_moves_.empty()) run_pending_moves();
  // Flushing can close a connection, which edits dirty_: work on a copy.
  if (!dirty_.empty()) {
    std::vector<Connection*> batch;
    batch.swap(dirty_);
    for (Connection* c : batch)
      if (c->dirty()) c->flush();
  }
  check_backpressure();
  graveyard_.clear();
}

void Shard::check_backpressure() {
  const size_t high = config_.shard_backlog;
  if (high == 0) return;
  const size_t cap = std::max<size_t>(config_.mailbox_capacity, 8);
  const size_t backlog = loop_.data_backlog();
  bool paused = reads_paused_;
  if (!paused && (pending_bytes_ > high || backlog > cap / 2)) {
    paused = true;
    ++counters_.read_pauses;
    shard_log().warn("shard {}: falling behind ({} unsent bytes, {} mailbox items): reading paused", index_,
                     pending_bytes_, backlog);
  } else if (paused && pending_bytes_ < high / 4 && backlog < cap / 8) {
    paused = false;
    shard_log().info("shard {}: caught up ({} unsent bytes): reading resumed", index_, pending_bytes_);
  }
  if (paused == reads_paused_) return;
  reads_paused_ = paused;
  for (auto& [id, c] : conns_) c->update_read_interest();
}

void Shard::tick() {
  const auto now = loop_.now();
  std::vector<Connection*> all;
  all.reserve(conns_.size());
  for (auto& [id, c] : conns_) all.push_back(c.get());
  for (Connection* c : all) c->on_tick(now);
}

Connection* Shard::find_switch(uint64_t dpid) {
  auto it = by_dpid_.find(dpid);
  return it == by_dpid_.end() ? nullptr : it->second;
}

std::vector<Connection*> Shard::switches() {
  std::vector<Connection*> v;
  for (auto& [dpid, c] : by_dpid_) v.push_back(c);
  return v;
}

void Shard::add_app(const AppInfo& info, OptionValues options) {
  AppSlot slot;
  slot.info = &info;
  slot.ctx = std::make_unique<AppContext>(*this, info, std::move(options));
  slot.app = info.create();
  apps_.push_back(std::move(slot));
}

void Shard::start_apps() {
  for (AppSlot& s : apps_) {
    try {
      s.app->start(*s.ctx);
      s.started = true;
    } catch (const std::exception& ex) {
      shard_log().error("app '{}' failed to start on shard {}: {}", s.info->name, index_, ex.what());
      if (config_.fatal_exceptions) std::abort();
    }
  }
}

void Shard::stop_apps() {
  for (auto it = apps_.rbegin(); it != apps_.rend(); ++it) {
    if (!it->started) continue;
    try {
      it->app->stop();
    } catch (const std::exception& ex) {
      shard_log().error("app '{}' stop hook threw: {}", it->info->name, ex.what());
    }
    it->started = false;
  }
}

void Shard::reload_apps(const std::string& app, const OptionValues& options) {
  for (AppSlot& s : apps_) {
    if (s.info->name != app) continue;
    if (s.app->reload(options)) {
      s.ctx->set_options(options);
      std::string text;
      for (const auto& [k, v] : options.all()) {
        text += (text.empty() ? "" : ", ") + k + "=";
        std::visit(
            [&](const auto& x) {
              if constexpr (std::is_same_v<std::decay_t<decltype(x)>, bool>)
                text += x ? "true" : "false";
              else if constexpr (std::is_same_v<std::decay_t<decltype(x)>, std::string>)
                text += x;
              else
                text += fmt::format("{}", x);
            },
            v);
      }
      shard_log().info("shard {}: app '{}' reloaded its options: {}", index_, app, text);
    } else {
      shard_log().info("shard {}: app '{}' does not support reload", index_, app);
    }
  }
}

void Shard::close_all(const std::string& reason) {
  std::vector<Connection*> all;
  for (auto& [id, c] : conns_) all.push_back(c.get());
  for (Connection* c : all) c->close(reason);
  graveyard_.clear();
}

ShardCounters Shard::live_counters() const {
  ShardCounters sum = counters_;
  for (const auto& [id, c] : conns_) {
    const auto& cc = c->counters();
    sum.packet_ins += cc.packet_ins;
    sum.packet_ins_dropped += cc.packet_ins_dropped;
    sum.messages_in += cc.msgs_in;
    sum.bad_messages += cc.bad_messages;
  }
  return sum;
}

}  // namespace ofkit::ctl
