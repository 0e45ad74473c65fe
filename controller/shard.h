#pragma once
// A shard: one thread, one epoll loop, its own event bus, core registry,
// app instances, switches and timers.
//
// Why shards: an app handler must never need a lock, and one switch's
// events must stay in order. Both hold if everything about a switch runs on
// one thread. Shards make that parallel: a connection is accepted on any
// shard, finishes HELLO/FEATURES there, then moves to shard
// shard_for_dpid(dpid, N) together with the bytes it already received; all
// its later I/O, events and timers run on that shard. A second connection
// with the same datapath id lands on the same shard, which is what makes
// "replace the old connection" a local, lock-free decision.
//
// Invariants: Connection objects are touched only by their shard's thread;
// a closed connection is destroyed at the end of the iteration in which it
// closed (handlers may still hold a reference during the iteration);
// everything written during an iteration is flushed at its end.

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/app.h"
#include "controller/connection.h"
#include "controller/core.h"
#include "controller/event_bus.h"
#include "controller/event_loop.h"
#include "controller/runtime_config.h"

namespace ofkit::ctl {

class Runtime;

struct ShardCounters {
  uint64_t connections_up = 0;
  uint64_t connections_down = 0;
  uint64_t packet_ins = 0;
  uint64_t packet_ins_dropped = 0;
  uint64_t messages_in = 0;
  uint64_t bad_messages = 0;
  uint64_t replaced = 0;
  uint64_t read_pauses = 0;  // times the shard stopped reading all its switches
};

class Shard {
 public:
  Shard(Runtime* runtime, size_t index, const RuntimeConfig& config);
  ~Shard();

  size_t index() const { return index_; }
  EventLoop& loop() { return loop_; }
  EventBus& bus() { return bus_; }
  Core& core() { return core_; }
  Runtime* runtime() { return runtime_; }
  const RuntimeConfig& config() const { return config_; }
  ShardCounters& counters() { return counters_; }

  // --- loop thread -------------------------------------------------------
  // Takes a new or migrating connection: registers it, starts the handshake
  // (new) or resumes its buffered input (migrating).
  void adopt(std::unique_ptr<Connection> conn, bool is_new);
  Connection* find_switch(uint64_t dpid);
  size_t switch_count() const { return by_dpid_.size(); }
  size_t connection_count() const { return conns_.size(); }
  std::vector<Connection*> switches();

  // Called by connections.
  void on_features(Connection* conn);  // handshake done: route to the dpid's shard
  void on_closed(Connection* conn, const std::string& reason);
  void mark_dirty(Connection* conn);

  // App instances.
  void add_app(const AppInfo& info, OptionValues options);
  void start_apps();
  void stop_apps();
  void reload_apps(const std::string& app, const OptionValues& options);
  // Closes every connection (shutdown).
  void close_all(const std::string& reason);
  // This shard's counters including its live connections' (loop thread).
  ShardCounters live_counters() const;

  // Backpressure (loop thread). A shard that falls behind -- its
  // connections' unsent bytes over config().shard_backlog, or its data
  // mailbox over half full -- stops reading every one of its switches (TCP
  // then pushes back on them) until the unsent bytes drop below a quarter
  // of the bound and the mailbox below an eighth. Checked at the end of
  // each iteration, after the writes.
  bool reads_paused() const { return reads_paused_; }
  size_t pending_bytes() const { return pending_bytes_; }
  void add_pending(size_t now, size_t before) { pending_bytes_ += now - before; }

 private:
  void flush_dirty();
  void run_pending_moves();
  void tick();
  void announce(Connection* conn);
  void check_backpressure();

  Runtime* runtime_;
  size_t index_;
  RuntimeConfig config_;
  EventLoop loop_;
  EventBus bus_;
  Core core_;
  ShardCounters counters_;

  std::unordered_map<uint64_t, std::unique_ptr<Connection>> conns_;  // by connection id
  std::unordered_map<uint64_t, Connection*> by_dpid_;
  std::vector<Connection*> dirty_;
  std::vector<std::unique_ptr<Connection>> graveyard_;
  std::vector<std::pair<uint64_t, size_t>> pending_moves_;  // (connection id, target shard)
  uint64_t dropped_from_dead_ = 0;
  size_t pending_bytes_ = 0;  // unsent output of all connections (as of their last flush)
  bool reads_paused_ = false;

  struct AppSlot {
    const AppInfo* info;
    std::unique_ptr<AppContext> ctx;
    std::unique_ptr<App> app;
    bool started = false;
  };
  std::vector<AppSlot> apps_;
};

}  // namespace ofkit::ctl
