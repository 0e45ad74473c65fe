#pragma once
// The messenger's sockets: TCP and unix listeners and one ClientConn per
// client, all registered with one EventLoop (shard 0's in ofctl-run) and
// touched only by its thread.
//
// Input: at most kReadBudget bytes per readiness event, cut into lines by a
// LineReader (over-long line: error, then close); reading pauses while a
// client's unsent output is above half its bound. Output: lines are queued
// and written at the end of the loop iteration (one write per client per
// iteration); a client whose queue would pass Limits::max_output is dropped
// (it reads nothing: it must not grow our memory). Closed clients are
// removed from the core and freed at the end of the iteration, never inside
// their own handler.

#include <sys/socket.h>

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/event_loop.h"
#include "controller/messenger/core.h"

namespace ofkit::ctl::msg {

// "HOST:PORT", "[v6]:PORT" or "PORT" (loopback) to an address. Hostnames
// are resolved (start-up only). False with *error on a bad address.
bool resolve_tcp(const std::string& spec, sockaddr_storage* addr, socklen_t* len, std::string* error);
// 127.0.0.0/8, ::1 and ::ffff:127.0.0.0/104.
bool is_loopback(const sockaddr* addr);

class Server {
 public:
  static constexpr size_t kReadBudget = 256 * 1024;
  static constexpr size_t kMaxClients = 1024;

  Server(EventLoop& loop, std::shared_ptr<Core> core);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  bool listen_tcp(const sockaddr_storage& addr, socklen_t len, std::string* error);
  // Creates the socket file with mode 0600 (replacing a stale one); removed on close.
  bool listen_unix(const std::string& path, std::string* error);
  uint16_t tcp_port() const;  // of the first TCP listener (for port 0)
  size_t client_count() const { return clients_.size(); }
  uint64_t dropped_slow_clients() const { return dropped_slow_; }
  // Closes listeners and clients now (app stop).
  void close_all();

 private:
  class Acceptor;
  class ClientConn;
  friend class Acceptor;
  friend class ClientConn;

  void accept_from(int listen_fd);
  void end_of_iteration();

  EventLoop& loop_;
  std::shared_ptr<Core> core_;
  std::vector<std::unique_ptr<Acceptor>> acceptors_;
  std::unordered_map<uint64_t, std::unique_ptr<ClientConn>> clients_;  // by core client id
  std::vector<ClientConn*> dirty_;
  std::vector<uint64_t> closed_;
  uint64_t dropped_slow_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace ofkit::ctl::msg
