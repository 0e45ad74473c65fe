#pragma once
// The messenger's core: clients, authentication, channels, dispatch.
//
// Transport-free (the socket layer in server.h feeds it lines and gives it
// a ClientLink to write to) and single-threaded: every method runs on the
// messenger's thread (shard 0's loop in ofctl-run). Work that arrives from
// other threads comes through the Executor: service replies (control
// mailbox, never dropped: one per request, and requests in flight are
// bounded per client) and app publications (data mailbox: bounded, dropped
// and counted when full).
//
// What a client can do:
//   auth        {"token":"..."} when the messenger has one; before that
//               every other command is refused
//   join/leave  {"channel":"x"}
//   send        {"channel":"x","msg":ANY,"echo":false} to every member of x
//               except the sender (unless echo); "broadcast" is an alias
//   channels    the channels with members, and the ones this client joined
//   help/list   every command with its help ({"command":"of.add_flow"}: one)
//   ping
//   log.subscribe {"level":"debug","logger":"l2_learning"} / log.unsubscribe:
//               stream log records (logger: a name or a list; none: all)
//   anything in the ServiceDirectory ("of.list_switches", app commands)
// Channel members also receive ServiceDirectory::publish() on that channel.
// Channel bots (the "upper" echo) answer what is sent on their channel.
//
// Errors (bad JSON, not an object, unknown command, a handler that throws
// or answers {"error":...}) are answered on that connection only.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "controller/messenger/log_tap.h"
#include "controller/messenger/protocol.h"
#include "controller/services.h"

namespace ofkit::ctl::msg {

struct Limits {
  size_t max_line = 1 << 20;         // bytes in one request line
  size_t max_output = 8 << 20;       // bytes queued to one client before it is dropped
  size_t max_in_flight = 256;        // requests awaiting a reply, per client
  size_t max_channels = 256;         // channels one client may join
  size_t max_auth_failures = 3;      // then the connection is closed
  size_t max_log_per_drain = 10000;  // log records sent per drain pass
};

// The messenger's thread, as seen from other threads.
struct Executor {
  std::function<void(std::function<void()>)> post;      // never dropped
  std::function<bool(std::function<void()>)> try_post;  // bounded; false = dropped
};

// Where a client's lines go (the socket layer).
class ClientLink {
 public:
  virtual ~ClientLink() = default;
  // One whole line including its '\n'. The link enforces the output bound.
  virtual void send_line(std::string_view line) = 0;
  // Sends what is queued, then closes.
  virtual void close_after_flush(const std::string& reason) = 0;
};

struct CoreCounters {
  uint64_t requests = 0;
  uint64_t errors = 0;
  uint64_t channel_messages = 0;
  uint64_t publications_dropped = 0;
  uint64_t log_records_sent = 0;
};

struct PublicationGate;

class Core : public std::enable_shared_from_this<Core> {
 public:
  using ClientId = uint64_t;
  // Answers a message sent on the bot's channel; may call send_to/deliver.
  using ChannelBot = std::function<void(Core& core, ClientId from, const json& msg)>;

  Core(ServiceDirectory& services, Executor executor, std::string token, Limits limits = {});
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Subscribes to app publications (needs shared ownership, so not in the
  // constructor). stop() unsubscribes; both idempotent.
  void start();
  void stop();

  ClientId add_client(ClientLink* link, std::string peer);
  void remove_client(ClientId id);
  void on_line(ClientId id, std::string_view line);
  // The socket layer saw a line over the bound: error, then close.
  void line_too_long(ClientId id);

  void add_channel_bot(const std::string& channel, ChannelBot bot);
  // To every member of channel except `except` (0: none). Returns how many.
  size_t deliver(const std::string& channel, const json& msg, const std::string& from, ClientId except = 0);
  void send_to(ClientId id, const json& msg);

  // Log streaming: the tap whose records drain_log() sends to subscribers.
  void set_log_tap(std::shared_ptr<LogTap> tap) { log_tap_ = std::move(tap); }
  void drain_log();

  size_t client_count() const { return clients_.size(); }
  const Limits& limits() const { return limits_; }
  CoreCounters counters() const {
    CoreCounters c = counters_;
    c.publications_dropped = pub_drops_->load(std::memory_order_relaxed);
    return c;
  }
  std::string client_name(ClientId id) const;

 private:
  struct Client {
    ClientLink* link = nullptr;
    std::string peer;
    bool authed = false;
    size_t auth_failures = 0;
    size_t in_flight = 0;
    std::set<std::string> channels;
    std::optional<spdlog::level::level_enum> log_level;
    std::set<std::string> log_loggers;  // empty: every logger
  };
  using Builtin = void (Core::*)(ClientId, Client&, const Request&);

  void dispatch(ClientId id, Client& c, Request req);
  void reply_result(ClientId id, const Request& req, json result);
  void reply_error(ClientId id, const Request& req, const std::string& message);
  void finish(ClientId id, const std::optional<json>& req_id, const std::string& cmd, json result);
  void on_publication(const std::string& channel, const json& msg);
  void update_log_level();
  void note_channel(const std::string& channel);

  void cmd_auth(ClientId, Client&, const Request&);
  void cmd_join(ClientId, Client&, const Request&);
  void cmd_leave(ClientId, Client&, const Request&);
  void cmd_send(ClientId, Client&, const Request&);
  void cmd_channels(ClientId, Client&, const Request&);
  void cmd_help(ClientId, Client&, const Request&);
  void cmd_ping(ClientId, Client&, const Request&);
  void cmd_log_subscribe(ClientId, Client&, const Request&);
  void cmd_log_unsubscribe(ClientId, Client&, const Request&);

  ServiceDirectory& services_;
  Executor executor_;
  std::string token_;
  Limits limits_;
  std::map<std::string, std::pair<Builtin, std::string>> builtins_;  // name -> (fn, help)
  std::unordered_map<ClientId, Client> clients_;
  ClientId next_id_ = 1;
  std::map<std::string, std::set<ClientId>> members_;
  std::map<std::string, ChannelBot> bots_;
  std::shared_ptr<LogTap> log_tap_;
  CoreCounters counters_;
  uint64_t log_drops_reported_ = 0;

  // Channels with members, read by publishers on other threads so a
  // publication nobody listens to costs a lookup, not a post.
  std::shared_ptr<PublicationGate> gate_;
  std::shared_ptr<std::atomic<uint64_t>> pub_drops_ = std::make_shared<std::atomic<uint64_t>>(0);
  uint64_t subscription_ = 0;
};

}  // namespace ofkit::ctl::msg
