#pragma once
// Services: named JSON commands that outside programs reach through the
// messenger (or any other front end), registered by apps at start-up, plus
// named channels that apps publish to.
//
//   runtime.services().add("mac_blocker.block", "block MACs: {\"macs\": [..]}",
//       [](const nlohmann::json& req, ServiceDirectory::Reply reply) { ...; reply({{"ok", true}}); });
//   runtime.services().publish("flow_stats", {{"dpid", 1}, ...});
//
// Commands are "service.command" ("of.dump_flows", "mac_blocker.list").
// A handler runs on the caller's thread (the messenger runs on shard 0). A
// handler that touches per-shard state posts there (Runtime::post_to_all)
// and answers later: `reply` may be called from any thread, exactly once,
// with a result object, or {"error": "..."} on failure.
//
// Per-shard apps have one instance per shard but a command must exist once:
// register from the shard-0 instance (ctx.shard_index() == 0) and fan out.
//
// Thread-safe: a mutex guards the tables; handlers and subscribers are
// called outside it (copies), so they may call back into the directory.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace ofkit::ctl {

class ServiceDirectory {
 public:
  using Reply = std::function<void(nlohmann::json result)>;
  using Handler = std::function<void(const nlohmann::json& request, Reply reply)>;
  // Receives everything published on any channel; the subscriber filters.
  using Subscriber = std::function<void(const std::string& channel, const nlohmann::json& msg)>;

  // False if the name is taken (the first registration stays).
  bool add(const std::string& name, std::string help, Handler handler);
  void remove(const std::string& name);
  bool has(const std::string& name) const;
  // Runs the command's handler; false (reply not called) if there is none.
  bool call(const std::string& name, const nlohmann::json& request, Reply reply) const;
  // (name, help), sorted by name.
  std::vector<std::pair<std::string, std::string>> list() const;

  uint64_t subscribe(Subscriber s);
  void unsubscribe(uint64_t id);
  // Delivers msg to every subscriber (on the publisher's thread).
  void publish(const std::string& channel, const nlohmann::json& msg) const;

 private:
  struct Command {
    std::string help;
    std::shared_ptr<const Handler> handler;
  };
  mutable std::mutex mu_;
  std::map<std::string, Command> commands_;
  std::map<uint64_t, std::shared_ptr<const Subscriber>> subscribers_;
  uint64_t next_subscriber_ = 1;
};

}  // namespace ofkit::ctl
