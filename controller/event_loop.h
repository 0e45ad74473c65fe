#pragma once
// One epoll event loop: the heart of a shard.
//
// A loop owns file descriptors (sockets, eventfds), timers and two mailboxes,
// and runs on exactly one thread. Everything registered with a loop is
// touched only by that thread, so handlers need no locks. Other threads talk
// to a loop only through its mailboxes:
//   post()          control work (connection hand-offs, stop, reload): never
//                   dropped, unbounded, a mutex-protected vector swapped out
//                   whole once per iteration;
//   try_post_data() data work (events forwarded to global apps, app
//                   messages): a bounded TBB queue; when full the item is
//                   dropped and counted, so a slow shard cannot make others
//                   grow without bound.
// Each iteration: wait (bounded by the next timer), dispatch ready fds, run
// expired timers, drain mailboxes, then run the end-of-iteration hooks
// (connections flush their batched writes there, so everything handlers sent
// during one iteration leaves in one write per switch).

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <queue>
#include <unordered_map>
#include <vector>

#include <tbb/concurrent_queue.h>

namespace ofkit::ctl {

using Clock = std::chrono::steady_clock;
using Duration = Clock::duration;
using TimerId = uint64_t;

// Receives readiness for one fd.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  virtual void on_io(uint32_t epoll_events) = 0;
};

class EventLoop {
 public:
  explicit EventLoop(size_t data_mailbox_capacity = 65536);
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // --- loop thread only ---------------------------------------------------
  bool add_fd(int fd, uint32_t events, IoHandler* handler);
  bool modify_fd(int fd, uint32_t events, IoHandler* handler);
  void remove_fd(int fd);

  // Runs fn once after delay. Returns an id for cancel().
  TimerId call_later(Duration delay, std::function<void()> fn);
  // Runs fn every period (first run after one period) until cancelled.
  TimerId call_every(Duration period, std::function<void()> fn);
  // Cancels a pending timer; returns false if it already ran or never existed.
  // A recurring timer may cancel itself from its own callback.
  bool cancel(TimerId id);
  size_t pending_timers() const { return timers_.size(); }

  // Called after each iteration's I/O, timers and mailboxes.
  void add_end_of_iteration_hook(std::function<void()> fn) { end_hooks_.push_back(std::move(fn)); }

  // Time at the start of the current iteration (cheap; what handlers should use).
  Clock::time_point now() const { return now_; }
  void update_now() { now_ = Clock::now(); }

  // Runs until stop(). Returns after the iteration that saw the stop request.
  void run();
  // Runs one iteration waiting at most `max_wait` (tests and embedding).
  void run_once(Duration max_wait);
  bool running_in_this_thread() const;

  // --- any thread ---------------------------------------------------------
  void post(std::function<void()> fn);
  // Bounded; returns false and counts a drop when the mailbox is full.
  bool try_post_data(std::function<void()> fn);
  void stop();
  bool stopping() const { return stop_.load(std::memory_order_acquire); }
  uint64_t data_drops() const { return data_drops_.load(std::memory_order_relaxed); }
  size_t data_backlog() const {
    return static_cast<size_t>(std::max<std::ptrdiff_t>(0, data_mailbox_.size()));
  }

 private:
  struct Timer {
    std::function<void()> fn;
    Duration period{};  // zero: one-shot
    Clock::time_point deadline;
  };
  struct HeapEntry {
    Clock::time_point deadline;
    TimerId id;
    bool operator>(const HeapEntry& o) const { return deadline > o.deadline; }
  };

  void wake();
  void run_timers();
  void drain_mailboxes();
  int wait_ms(Duration max_wait) const;

  int epoll_fd_ = -1;
  int wake_fd_ = -1;
  std::atomic<bool> stop_{false};
  std::atomic<bool> wake_pending_{false};
  std::atomic<uint64_t> thread_id_hash_{0};
  Clock::time_point now_;

  std::priority_queue<HeapEntry, std::vector<HeapEntry>, std::greater<>> heap_;
  std::unordered_map<TimerId, Timer> timers_;
  TimerId next_timer_id_ = 1;

  std::mutex control_mu_;
  std::vector<std::function<void()>> control_mailbox_;
  std::vector<std::function<void()>> control_scratch_;
  tbb::concurrent_bounded_queue<std::function<void()>> data_mailbox_;
  std::atomic<uint64_t> data_drops_{0};

  std::vector<std::function<void()>> end_hooks_;
};

}  // namespace ofkit::ctl
