#pragma once
// ofdp's local control socket (--control-socket=PATH): a unix stream socket
// for operators and scripts. A client writes one command line ("show",
// "dump-flows", "stats"), the switch writes the answer as text and closes the
// connection. `ofdp --ctl=PATH COMMAND` is the client.
//
// The server runs on the agent's event loop (control thread): the answer is
// built by the agent's handler and written without blocking.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "datapath/agent_event_loop.h"

namespace ofkit::dp {

class ControlSocket {
 public:
  // Returns the answer for one command line; unknown commands answer an error line.
  using Handler = std::function<std::string(const std::string& command)>;

  // Listens on PATH (replacing a stale socket file). nullptr and *error on failure.
  static std::unique_ptr<ControlSocket> open(EventLoop* loop, const std::string& path, Handler handler,
                                             std::string* error);
  ~ControlSocket();  // closes every client and unlinks the socket file
  ControlSocket(const ControlSocket&) = delete;
  ControlSocket& operator=(const ControlSocket&) = delete;

  const std::string& path() const { return path_; }

 private:
  struct Client {
    std::string in;
    std::string out;
    size_t out_pos = 0;
    bool answered = false;
  };
  ControlSocket(EventLoop* loop, int fd, std::string path, Handler handler)
      : loop_(loop), fd_(fd), path_(std::move(path)), handler_(std::move(handler)) {}
  void on_accept();
  void on_client(int fd, uint32_t events);
  void close_client(int fd);

  EventLoop* loop_;
  int fd_;
  std::string path_;
  Handler handler_;
  std::map<int, Client> clients_;
};

// The client side: sends COMMAND to the socket at PATH and returns the answer.
// false and *error if the switch cannot be reached within a few seconds.
bool control_socket_request(const std::string& path, const std::string& command, std::string* answer,
                            std::string* error);

}  // namespace ofkit::dp
