// messenger: the JSON front end of ofctl-run (POX's messenger), a global app
// on shard 0.
//
//   ofctl-run messenger [--tcp=127.0.0.1:7790] [--unix=PATH] [--token=SECRET] l2_learning
//
// Its sockets live on shard 0's event loop: the ServiceDirectory contract
// says handlers run on the messenger's thread, and shard 0 is where global
// apps and the runtime's own listeners already live, so no extra thread or
// locking is needed. Per-switch work (flow mods, stats) hops to the switch's
// shard through Runtime::with_switch and answers back through the loop's
// control mailbox. Binding a non-loopback address without --token is refused
// at start-up (exit 2); a socket that cannot be bound is exit 1 (as
// ofctl-run's own listeners).

#include <cstdio>
#include <cstdlib>
#include <fstream>

#include "controller/app.h"
#include "controller/cli.h"
#include "controller/messenger/builtin_services.h"
#include "controller/messenger/core.h"
#include "controller/messenger/messenger_app.h"
#include "controller/messenger/of_service.h"
#include "controller/messenger/server.h"
#include "controller/runtime.h"

namespace ofkit::ctl {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;

[[noreturn]] void fail(int code, const std::string& message) {
  std::fprintf(stderr, "ofctl-run: messenger: %s\n", message.c_str());
  std::fflush(stderr);
  std::_Exit(code);
}

// "--token=SECRET", or "env:NAME" / "file:PATH" (first line) so the secret
// need not show in the process list.
bool resolve_token(const std::string& raw, std::string* token, std::string* error) {
  if (raw.rfind("env:", 0) == 0) {
    const char* v = std::getenv(raw.substr(4).c_str());
    if (!v || !*v) {
      *error = "--token=" + raw + ": the variable is not set";
      return false;
    }
    *token = v;
    return true;
  }
  if (raw.rfind("file:", 0) == 0) {
    std::ifstream f(raw.substr(5));
    std::string line;
    if (!f || !std::getline(f, line) || line.empty()) {
      *error = "--token=" + raw + ": cannot read a token from the file";
      return false;
    }
    *token = line;
    return true;
  }
  *token = raw;
  return true;
}

// What to listen on, checked: AppInfo::validate runs this before start-up
// (bad values: exit 2), start() again to get the values.
struct ListenPlan {
  std::string tcp;  // empty: no TCP
  sockaddr_storage addr{};
  socklen_t len = 0;
  std::string unix_path;
  std::string token;
};

bool plan_listening(const OptionValues& o, ListenPlan* plan, std::string* error) {
  if (!resolve_token(o.get_string("token"), &plan->token, error)) return false;
  const std::string tcp = o.get_string("tcp");
  plan->unix_path = o.get_string("unix");
  if (!tcp.empty() && tcp != "off") {
    plan->tcp = tcp;
    if (!msg::resolve_tcp(tcp, &plan->addr, &plan->len, error)) return false;
    if (!msg::is_loopback(reinterpret_cast<sockaddr*>(&plan->addr)) && plan->token.empty()) {
      *error = "refusing to listen on " + tcp +
               " (not loopback) without --token=SECRET: anyone who can reach it could change flows";
      return false;
    }
  }
  if (plan->tcp.empty() && plan->unix_path.empty()) {
    *error = "nothing to listen on (--tcp=off and no --unix)";
    return false;
  }
  return true;
}

class Messenger : public App {
 public:
  void start(AppContext& ctx) override {
    const OptionValues& o = ctx.options();
    ListenPlan plan;
    std::string error;
    // Validated before start-up already (exit 2); this catches an app
    // started without the CLI (tests, embedding).
    if (!plan_listening(o, &plan, &error)) fail(2, error);
    const std::string& tcp = plan.tcp;
    const std::string& unix_path = plan.unix_path;
    const std::string& token = plan.token;
    const sockaddr_storage& addr = plan.addr;
    const socklen_t len = plan.len;
    const bool use_tcp = !tcp.empty();

    msg::Limits limits;
    limits.max_line = static_cast<size_t>(std::max<int64_t>(64, o.get_int("max_line")));
    limits.max_output = static_cast<size_t>(std::max<int64_t>(4096, o.get_int("max_output")));
    EventLoop* loop = &ctx.loop();
    msg::Executor ex{[loop](std::function<void()> fn) { loop->post(std::move(fn)); },
                     [loop](std::function<void()> fn) { return loop->try_post_data(std::move(fn)); }};
    services_ = &ctx.runtime().services();
    core_ = std::make_shared<msg::Core>(*services_, ex, token, limits);
    core_->start();
    msg::add_upper_bot(*core_);
    tap_ = std::make_shared<msg::LogTap>(static_cast<size_t>(std::max<int64_t>(16, o.get_int("log_queue"))));
    core_->set_log_tap(tap_);
    add_log_sink(tap_);
    ctx.call_every(50ms, [core = core_] { core->drain_log(); });

    server_ = std::make_unique<msg::Server>(ctx.loop(), core_);
    std::string where;
    if (use_tcp) {
      if (!server_->listen_tcp(addr, len, &error)) fail(1, "tcp " + tcp + ": " + error);
      where = "tcp " + tcp.substr(0, tcp.rfind(':') + 1) + std::to_string(server_->tcp_port());
    }
    if (!unix_path.empty()) {
      if (!server_->listen_unix(unix_path, &error)) fail(1, error);
      where += (where.empty() ? "" : ", ") + std::string("unix ") + unix_path;
    }
    msg::register_of_service(ctx.runtime());
    msg::register_log_service(*services_);
    const std::string shown = where;
    const bool has_token = !token.empty();
    services_->add("messenger.status", "the messenger's addresses, clients and counters",
                   [core = std::weak_ptr<msg::Core>(core_), server = server_.get(), loop, shown, has_token,
                    tap = tap_](const json&, ServiceDirectory::Reply reply) {
                     // Runs on the messenger's thread (the core is not thread-safe).
                     auto c = core.lock();
                     if (!c || !loop->running_in_this_thread())
                       return reply({{"error", "messenger not running"}});
                     const auto k = c->counters();
                     reply({{"listening", shown},
                            {"tcp_port", server->tcp_port()},
                            {"token", has_token},
                            {"clients", c->client_count()},
                            {"requests", k.requests},
                            {"errors", k.errors},
                            {"channel_messages", k.channel_messages},
                            {"publications_dropped", k.publications_dropped},
                            {"log_records_sent", k.log_records_sent},
                            {"log_records_dropped", tap->dropped()},
                            {"slow_clients_dropped", server->dropped_slow_clients()}});
                   });
    ctx.log().info("messenger listening on {}{}", where, has_token ? " (token required)" : "");
  }

  void stop() override {
    if (services_) {
      services_->remove("messenger.status");
      msg::unregister_of_service(*services_);
      msg::unregister_log_service(*services_);
    }
    if (tap_) remove_log_sink(tap_);
    if (server_) server_->close_all();
    if (core_) core_->stop();
  }

 private:
  ServiceDirectory* services_ = nullptr;
  std::shared_ptr<msg::Core> core_;
  std::shared_ptr<msg::LogTap> tap_;
  std::unique_ptr<msg::Server> server_;
};

}  // namespace

AppInfo messenger_app_info() {
  AppInfo info;
  info.name = "messenger";
  info.aliases = {"messenger.messenger", "messenger.tcp_transport"};
  info.help =
      "newline-delimited JSON for outside programs: channels, the log and of services, app commands "
      "(client: ofctl-msg)";
  info.global = true;
  info.declare_options = [](OptionSet& o) {
    o.add_string("tcp", "127.0.0.1:7790",
                 "TCP address HOST:PORT to listen on (off: none); non-loopback needs --token");
    o.add_string("unix", "", "unix socket path to listen on (mode 0600)");
    o.add_string("token", "",
                 "shared secret clients must send first ({\"cmd\":\"auth\",\"token\":...}); env:NAME or "
                 "file:PATH to keep it out of ps");
    o.add_int("max_line", 1 << 20, "longest request line in bytes (longer: error and close)");
    o.add_int("max_output", 8 << 20, "bytes queued to a client before it is dropped as not reading");
    o.add_int("log_queue", 4096, "log records buffered for streaming before they are dropped");
  };
  info.validate = [](const OptionValues& o, std::string* error) {
    ListenPlan plan;
    return plan_listening(o, &plan, error);
  };
  info.create = [] { return std::make_unique<Messenger>(); };
  return info;
}

}  // namespace ofkit::ctl
