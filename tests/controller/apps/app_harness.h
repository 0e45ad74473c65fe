#pragma once
// A controller runtime for app tests with no sockets: parse_cli in its
// embedded form (listens on nothing), switches attached through in-process
// LocalChannels and driven by ScriptedSwitch. sync() is the deterministic
// "what did the controller answer": the switch sends an ECHO_REQUEST and
// collects every message up to its ECHO_REPLY; one switch's messages are
// handled in order on its shard, so everything the apps sent for the
// earlier messages is in the list.

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "controller/cli.h"
#include "controller/runtime.h"
#include "tests/controller/scripted_switch.h"

namespace ofkit::ctl::testing {

class AppHarness {
 public:
  AppHarness() { register_builtin_apps(catalog_); }
  ~AppHarness() { stop(); }

  bool start(std::vector<std::string> args) {
    args.insert(args.begin(), "--stats-interval=0");
    ParsedCli cli;
    std::string err;
    if (!parse_cli(args, catalog_, true, &cli, &err)) {
      ADD_FAILURE() << err;
      return false;
    }
    rt_ = std::make_unique<Runtime>(cli.config, cli.apps);
    if (!rt_->start(&err)) {
      ADD_FAILURE() << err;
      return false;
    }
    settle();
    return true;
  }
  // Returns once every shard has run what was posted to it before (the
  // apps' start(), which registers the services, included).
  void settle() {
    auto left = std::make_shared<std::atomic<size_t>>(rt_->shard_count());
    auto done = std::make_shared<std::promise<void>>();
    auto f = done->get_future();
    rt_->post_to_all([left, done](Shard&) {
      if (left->fetch_sub(1) == 1) done->set_value();
    });
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) ADD_FAILURE() << "shards stuck";
  }
  void stop() {
    if (rt_) rt_->stop();
  }
  Runtime& runtime() { return *rt_; }

  // A switch attached and through the handshake (nullptr on failure).
  std::unique_ptr<ScriptedSwitch> connect(uint64_t dpid, int n_ports = 4) {
    auto sw = std::make_unique<ScriptedSwitch>();
    sw->use_local(rt_->connect_local());
    if (!sw->handshake(dpid, n_ports)) {
      ADD_FAILURE() << "handshake failed for dpid " << dpid;
      return nullptr;
    }
    return sw;
  }

  // Every message the controller sends before answering an ECHO_REQUEST
  // sent now (ECHO_REQUESTs from the controller are answered and skipped).
  static std::vector<of::DecodedMessage> sync(ScriptedSwitch& sw) {
    static uint32_t xid = 0x5e000000;
    const uint32_t mine = ++xid;
    sw.send(of::EchoRequest{{0x5e}}, mine);
    std::vector<of::DecodedMessage> out;
    for (;;) {
      auto m = sw.recv(std::chrono::milliseconds(5000));
      if (!m) {
        ADD_FAILURE() << "no ECHO_REPLY from the controller";
        return out;
      }
      if (std::holds_alternative<of::EchoReply>(m->msg) && m->header.xid == mine) return out;
      if (auto* e = std::get_if<of::EchoRequest>(&m->msg)) {
        sw.send(of::EchoReply{e->data}, m->header.xid);
        continue;
      }
      out.push_back(std::move(*m));
    }
  }

  // Calls a service and waits (bounded) for its reply.
  nlohmann::json call(const std::string& name, const nlohmann::json& req) {
    auto p = std::make_shared<std::promise<nlohmann::json>>();
    auto f = p->get_future();
    if (!rt_->services().call(name, req, [p](nlohmann::json r) { p->set_value(std::move(r)); })) {
      return {{"error", "no such service " + name}};
    }
    if (f.wait_for(std::chrono::seconds(5)) != std::future_status::ready) return {{"error", "timeout"}};
    return f.get();
  }

 private:
  AppCatalog catalog_;
  std::unique_ptr<Runtime> rt_;
};

// Message accessors that fail the test instead of throwing.
template <typename T>
const T* as(const std::vector<of::DecodedMessage>& msgs, size_t i) {
  if (i >= msgs.size()) {
    ADD_FAILURE() << "message " << i << " missing (" << msgs.size() << " received)";
    return nullptr;
  }
  const T* t = std::get_if<T>(&msgs[i].msg);
  if (!t) ADD_FAILURE() << "message " << i << " has type index " << msgs[i].msg.index();
  return t;
}

inline uint16_t output_port(const of::ActionList& a, size_t i = 0) {
  if (i >= a.size() || !std::holds_alternative<of::ActionOutput>(a[i])) return 0;
  return std::get<of::ActionOutput>(a[i]).port;
}

}  // namespace ofkit::ctl::testing
