#pragma once
// The app API.
//
// An app is a class derived from App plus an AppInfo describing it (name,
// aliases, help, typed options, precedence, global or per shard) in the one
// explicit catalog built by register_builtin_apps() (static registrars would
// vanish from a static library). The runtime creates one instance per shard
// (or one in all, on shard 0, for a global app), in precedence order (higher
// first, so on equal listener priority a higher-precedence app hears an
// event first), and calls start() on the instance's shard thread.
//
// A per-shard app sees only the switches of its shard, on one thread: no
// locks. A global app (one instance, on shard 0) receives events as
// messages: owned copies that crossed from the switch's shard to shard 0,
// in the switch's order (global_events.h). SwitchJoined, SwitchLeft and
// PortChanged always arrive; PacketInMsg (frame copied), FlowRemovedMsg,
// ErrorInMsg, BarrierInMsg and StatsReplyMsg are forwarded only after some
// app listens to that type with ctx.listen<...>() (so a runtime without a
// global app copies nothing). PacketInMsg may be dropped and counted when
// shard 0 falls behind; the others never. A global app talks to a switch
// through Runtime::with_switch(dpid, fn), which runs fn on the switch's
// shard.
//
// Reload: on SIGHUP the runtime re-reads the option source (the command
// line, then --config=FILE if given) and calls reload() with the new values
// on every instance; an app that returns false keeps its old values.

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <spdlog/spdlog.h>

#include "controller/core.h"
#include "controller/event_bus.h"
#include "controller/event_loop.h"
#include "controller/global_events.h"
#include "controller/options.h"

namespace ofkit::ctl {

class AppContext;
class Connection;
class Runtime;
class Shard;

class App {
 public:
  virtual ~App() = default;
  // Register listeners, timers and components here.
  virtual void start(AppContext& ctx) = 0;
  // SIGINT/SIGTERM or stop(): runs on the shard thread before connections close.
  virtual void stop() {}
  // SIGHUP: new option values. Return false if the app cannot reload (the
  // old values stay).
  virtual bool reload(const OptionValues&) { return false; }
};

struct AppInfo {
  std::string name;                  // canonical, e.g. "l2_learning"
  std::vector<std::string> aliases;  // e.g. "forwarding.l2_learning"
  std::string help;
  int precedence = 0;
  bool global = false;
  std::function<void(OptionSet&)> declare_options;
  // Checks option values beyond their types (a MAC list, an address, a
  // token rule) before any app starts: a bad value on the command line or
  // in --config is exit code 2 with the message; on SIGHUP the old values
  // stay. Returns false with *error set. Optional.
  std::function<bool(const OptionValues&, std::string* error)> validate;
  std::function<std::unique_ptr<App>()> create;
};

class AppCatalog {
 public:
  void add(AppInfo info);
  // By canonical name, alias, or the last dotted component.
  const AppInfo* find(const std::string& name) const;
  std::vector<std::string> names() const;  // canonical, sorted
  const std::vector<AppInfo>& all() const { return apps_; }

 private:
  std::vector<AppInfo> apps_;
};

// Adds hub, l2_learning, ... to the catalog. The one place new apps are listed.
void register_builtin_apps(AppCatalog& catalog);

// What an app instance gets from the runtime.
class AppContext {
 public:
  AppContext(Shard& shard, const AppInfo& info, OptionValues options);

  const std::string& app_name() const { return info_.name; }
  const OptionValues& options() const { return options_; }
  void set_options(OptionValues v) { options_ = std::move(v); }
  Shard& shard() { return shard_; }
  size_t shard_index() const;
  size_t shard_count() const;
  EventBus& events();
  Core& core();
  EventLoop& loop();
  Runtime& runtime();
  spdlog::logger& log() { return *log_; }

  // Listens on this shard's bus with this app as the owner (for error logs).
  // Listening to a forwarded message type (PacketInMsg ...) also asks every
  // shard to forward that type to shard 0 (global_events.h).
  template <typename E, typename F>
  ListenerId listen(F&& fn, int priority = 0, bool once = false) {
    if constexpr (kForwardBitOf<E> != 0) subscribe_forwarded(kForwardBitOf<E>);
    return events().listen<E>(std::forward<F>(fn), ListenOptions{priority, once, info_.name});
  }
  void subscribe_forwarded(uint32_t bits);
  TimerId call_later(Duration d, std::function<void()> fn) { return loop().call_later(d, std::move(fn)); }
  TimerId call_every(Duration d, std::function<void()> fn) { return loop().call_every(d, std::move(fn)); }
  bool cancel_timer(TimerId id) { return loop().cancel(id); }
  // A switch connected to this shard, or nullptr.
  Connection* connection(uint64_t dpid);

 private:
  Shard& shard_;
  const AppInfo& info_;
  OptionValues options_;
  std::shared_ptr<spdlog::logger> log_;
};

}  // namespace ofkit::ctl
