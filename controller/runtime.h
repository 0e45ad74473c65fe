#pragma once
// The ofctl-run runtime: shards (threads), listeners and active connectors,
// the app instances on every shard, signals-driven stop and reload.
//
// Threads: shard i runs loop i. Listening sockets live on shard 0, which
// hands each accepted socket round-robin to a shard for the handshake; after
// FEATURES_REPLY the connection moves to its dpid's shard. Connections are
// counted runtime-wide so a connection storm stays bounded
// (max_connections); sockets over the bound are closed at once, accepted
// and actively connected ones alike. Active targets (tcp:HOST:PORT) are
// resolved once at start(), never on a shard thread.
//
// Global apps live on shard 0 and get owned copies of the events they
// subscribe to (global_events.h) through shard 0's control mailbox.

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "controller/app.h"
#include "controller/command_line.h"
#include "controller/global_events.h"
#include "controller/local_channel.h"
#include "controller/runtime_config.h"
#include "controller/services.h"
#include "controller/shard.h"
#include "controller/transport.h"

namespace ofkit::ctl {

// An app chosen on the command line with its parsed options.
struct AppInstanceSpec {
  const AppInfo* info;
  std::vector<std::pair<std::string, std::string>> raw_options;
  OptionValues options;
};

class Listener;
class Connector;

class Runtime {
 public:
  Runtime(RuntimeConfig config, std::vector<AppInstanceSpec> apps);
  ~Runtime();
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;

  // Binds listeners, creates shards and apps, starts the threads. False with
  // *error on a listen/connect target that cannot be used.
  bool start(std::string* error);
  // Stop hooks run, connections close, threads join. Idempotent; any thread
  // except a shard thread.
  void stop();
  // SIGHUP: hands each app its options again (re-read from `reload_source`
  // if set) on every shard.
  void reload();
  void set_reload_source(std::function<bool(std::vector<AppInstanceSpec>*)> fn) {
    reload_source_ = std::move(fn);
  }
  bool running() const { return started_ && !stopped_; }

  size_t shard_count() const { return shards_.size(); }
  Shard& shard(size_t i) { return *shards_[i]; }
  const RuntimeConfig& config() const { return config_; }
  // The local port of listener i (for ptcp:0), or 0.
  uint16_t listen_port(size_t i) const;

  // --- any thread --------------------------------------------------------
  // A new connection (any transport); it is assigned a shard for its handshake.
  void adopt(std::unique_ptr<Transport> transport);
  // An in-process switch connection; returns the switch's end.
  LocalChannelEnd connect_local();
  // Runs fn on the shard that owns dpid, with its connection (nullptr if it
  // is not connected there). Control mailbox: never dropped.
  void with_switch(uint64_t dpid, std::function<void(Connection*)> fn);
  // Raises ev on shard i's bus (data mailbox: bounded, counted drops).
  template <typename E>
  bool post_event(size_t shard_index, E ev) {
    Shard* s = shards_[shard_index].get();
    return s->loop().try_post_data([s, e = std::move(ev)]() mutable { s->bus().raise(e); });
  }
  // Runs fn on shard i's thread (control mailbox: never dropped, in order).
  void post_to_shard(size_t shard_index, std::function<void(Shard&)> fn);
  // Runs a copy of fn on every shard's thread.
  void post_to_all(const std::function<void(Shard&)>& fn);
  // Raises a copy of ev on every shard's bus, in order, never dropped: for
  // the few events every shard must see (topology: LinkUp/LinkDown).
  template <typename E>
  void broadcast_event(const E& ev) {
    // Each shard raises its own copy (handlers may modify the event they get).
    post_to_all([ev](Shard& s) {
      E copy = ev;
      s.bus().raise(copy);
    });
  }
  // --- forwarding to global apps (global_events.h) --------------------------
  // Any thread. Types whose bit is set are copied to shard 0 as messages.
  void subscribe_forwarded(uint32_t bits) { forward_mask_.fetch_or(bits, std::memory_order_relaxed); }
  bool forwarding(uint32_t bit) const { return (forward_mask_.load(std::memory_order_relaxed) & bit) != 0; }
  // Raises ev on shard 0 through its control mailbox: never dropped, in the
  // sender's order.
  template <typename E>
  void forward_control(E ev) {
    Shard* s0 = shards_[0].get();
    s0->loop().post([s0, e = std::move(ev)]() mutable { s0->bus().raise(e); });
  }
  // The same for a PacketInMsg, unless mailbox_capacity of them already
  // wait for shard 0: then it is dropped and counted.
  bool forward_packet_in(PacketInMsg ev);
  uint64_t forward_drops() const { return forward_drops_.load(std::memory_order_relaxed); }

  // Commands and channels for the messenger (thread-safe).
  ServiceDirectory& services() { return services_; }

  // --- internal (shards) ---------------------------------------------------
  void move_connection(std::unique_ptr<Connection> conn, size_t target);
  void connection_closed();  // decrements the live count
  bool admit_connection();   // increments if below max_connections
  // Adopts a transport already counted by admit_connection(); returns its connection id.
  uint64_t adopt_admitted(std::unique_ptr<Transport> transport);
  uint64_t next_connection_id() { return next_conn_id_.fetch_add(1); }
  void connector_closed(uint64_t connection_id);
  size_t live_connections() const { return live_.load(); }
  uint64_t refused_connections() const { return refused_.load(); }

 private:
  void log_counters();

  RuntimeConfig config_;
  ServiceDirectory services_;
  std::vector<AppInstanceSpec> apps_;
  std::function<bool(std::vector<AppInstanceSpec>*)> reload_source_;
  std::vector<std::unique_ptr<Shard>> shards_;
  std::vector<std::thread> threads_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::vector<std::unique_ptr<Connector>> connectors_;
  std::atomic<uint64_t> next_conn_id_{1};
  std::atomic<size_t> live_{0};
  std::atomic<uint64_t> refused_{0};
  std::atomic<size_t> round_robin_{0};
  std::atomic<uint32_t> forward_mask_{0};
  std::atomic<size_t> forward_backlog_{0};
  std::atomic<uint64_t> forward_drops_{0};
  std::mutex stop_mu_;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace ofkit::ctl
