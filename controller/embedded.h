#pragma once
// The controller runtime hosted inside another process (ofdp
// --controller=local --app=l2_learning): same shards, apps and options as
// ofctl-run, but switches attach through in-process LocalChannels instead of
// sockets. The runtime treats each channel as one more OpenFlow connection:
// HELLO, FEATURES, SET_CONFIG, echo and everything after run exactly as over
// TCP, so the switch side writes and reads the very bytes it would send on a
// socket.
//
//   std::string err;
//   auto ctl = EmbeddedController::start({"--threads=1", "l2_learning", "--idle-timeout=5"}, &err);
//   if (!ctl) die(err);
//   LocalChannelEnd ch = ctl->connect_switch();
//   // poll ch.event_fd(); ch.receive(&bytes); ch.send(bytes) ...
//   ctl->stop();   // also done by the destructor
//
// The words are ofctl-run's command line without the program name. With no
// --listen option the embedded runtime listens on nothing; with one it also
// accepts remote switches as ofctl-run would.

#include <memory>
#include <string>
#include <vector>

#include "controller/local_channel.h"

namespace ofkit::ctl {

class Runtime;

class EmbeddedController {
 public:
  // Parses the words, starts the shards (threads) and apps. Returns nullptr
  // and sets *error on a bad command line or start-up failure; never exits
  // the process.
  static std::unique_ptr<EmbeddedController> start(const std::vector<std::string>& args, std::string* error);
  ~EmbeddedController();
  EmbeddedController(const EmbeddedController&) = delete;
  EmbeddedController& operator=(const EmbeddedController&) = delete;

  // A new channel whose other end the runtime adopts as a switch connection.
  // Callable from any thread, any number of times.
  LocalChannelEnd connect_switch();
  // Runs the apps' stop hooks, closes every connection and joins the threads.
  // Idempotent.
  void stop();

 private:
  EmbeddedController();
  std::unique_ptr<Runtime> runtime_;
};

}  // namespace ofkit::ctl
