#pragma once
// The control thread's event loop: epoll over the agent's sockets (controller
// channels, listeners and their clients, the control socket) plus an eventfd
// that other threads (signal handlers, the data plane, the in-process
// controller) use to wake it.
//
// Handlers are keyed by a token, not by fd, so a handler that closes another
// fd during dispatch cannot receive a stale event for a recycled fd number.
// Timers are not here: the agent computes its next deadline and passes it as
// the wait bound.

#include <sys/epoll.h>

#include <cstdint>
#include <functional>
#include <unordered_map>

#include "datapath/agent_backoff.h"

namespace ofkit::dp {

class EventLoop {
 public:
  using Handler = std::function<void(uint32_t events)>;  // EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP

  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // Watches fd for `events` (EPOLLIN and/or EPOLLOUT). One registration per fd.
  bool add(int fd, uint32_t events, Handler handler);
  bool modify(int fd, uint32_t events);
  void remove(int fd);  // before closing fd

  // Waits at most `max_wait` (clamped to >= 0) and dispatches ready handlers.
  // Returns the number of handlers run.
  int run_once(Duration max_wait);

  // Thread- and async-signal-safe: makes the current or next run_once return.
  void wake();

 private:
  struct Entry {
    int fd;
    Handler handler;
  };
  int epfd_ = -1;
  int wake_fd_ = -1;
  uint64_t next_token_ = 1;
  std::unordered_map<int, uint64_t> token_of_fd_;
  std::unordered_map<uint64_t, Entry> entries_;
};

}  // namespace ofkit::dp
