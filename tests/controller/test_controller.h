#pragma once
// Starts an in-process controller runtime for tests, listening on an
// ephemeral loopback port, with the built-in apps plus any test apps.

#include <memory>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "controller/cli.h"
#include "controller/runtime.h"

namespace ofkit::ctl::testing {

class TestController {
 public:
  explicit TestController(std::vector<AppInfo> extra_apps = {}) {
    register_builtin_apps(catalog_);
    for (auto& a : extra_apps) catalog_.add(std::move(a));
  }
  ~TestController() { stop(); }

  // args as after "ofctl-run"; a --listen is added unless one is given.
  bool start(std::vector<std::string> args) {
    bool has_listen = false;
    for (const auto& a : args)
      if (a.rfind("--listen", 0) == 0) has_listen = true;
    if (!has_listen) args.insert(args.begin(), "--listen=ptcp:0:127.0.0.1");
    args.insert(args.begin(), "--stats-interval=0");
    ParsedCli cli;
    std::string err;
    if (!parse_cli(args, catalog_, false, &cli, &err)) {
      ADD_FAILURE() << err;
      return false;
    }
    rt_ = std::make_unique<Runtime>(cli.config, cli.apps);
    if (!rt_->start(&err)) {
      ADD_FAILURE() << err;
      return false;
    }
    return true;
  }
  void stop() {
    if (rt_) rt_->stop();
  }
  uint16_t port() const { return rt_->listen_port(0); }
  Runtime& runtime() { return *rt_; }

 private:
  AppCatalog catalog_;
  std::unique_ptr<Runtime> rt_;
};

}  // namespace ofkit::ctl::testing
