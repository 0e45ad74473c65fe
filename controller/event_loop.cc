#include "controller/event_loop.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <stdexcept>
#include <thread>

namespace ofkit::ctl {
namespace {

uint64_t this_thread_hash() { return std::hash<std::thread::id>{}(std::this_thread::get_id()) | 1; }

class WakeHandler : public IoHandler {
 public:
  void on_io(uint32_t) override {}
};
WakeHandler g_wake_handler;  // the eventfd is drained in run_once(); nothing to do here

}  // namespace

EventLoop::EventLoop(size_t data_mailbox_capacity) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (epoll_fd_ < 0 || wake_fd_ < 0) throw std::runtime_error("epoll/eventfd creation failed");
  add_fd(wake_fd_, EPOLLIN, &g_wake_handler);
  data_mailbox_.set_capacity(static_cast<std::ptrdiff_t>(data_mailbox_capacity));
  now_ = Clock::now();
}

EventLoop::~EventLoop() {
  ::close(wake_fd_);
  ::close(epoll_fd_);
}

bool EventLoop::add_fd(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) == 0;
}

bool EventLoop::modify_fd(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  return ::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::remove_fd(int fd) { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

TimerId EventLoop::call_later(Duration delay, std::function<void()> fn) {
  const TimerId id = next_timer_id_++;
  const auto deadline = Clock::now() + delay;
  timers_.emplace(id, Timer{std::move(fn), Duration::zero(), deadline});
  heap_.push({deadline, id});
  return id;
}

TimerId EventLoop::call_every(Duration period, std::function<void()> fn) {
  if (period <= Duration::zero()) period = std::chrono::milliseconds(1);
  const TimerId id = next_timer_id_++;
  const auto deadline = Clock::now() + period;
  timers_.emplace(id, Timer{std::move(fn), period, deadline});
  heap_.push({deadline, id});
  return id;
}

bool EventLoop::cancel(TimerId id) { return timers_.erase(id) > 0; }  // heap entry goes stale

void EventLoop::run_timers() {
  while (!heap_.empty() && heap_.top().deadline <= now_) {
    const HeapEntry top = heap_.top();
    heap_.pop();
    auto it = timers_.find(top.id);
    if (it == timers_.end() || it->second.deadline != top.deadline) continue;  // cancelled
    if (it->second.period == Duration::zero()) {
      std::function<void()> fn = std::move(it->second.fn);
      timers_.erase(it);
      fn();
    } else {
      // Re-arm before running so the callback may cancel itself.
      it->second.deadline = top.deadline + it->second.period;
      if (it->second.deadline <= now_) it->second.deadline = now_ + it->second.period;
      heap_.push({it->second.deadline, top.id});
      std::function<void()> fn = it->second.fn;  // copy: the entry may be erased by fn
      fn();
    }
  }
}

int EventLoop::wait_ms(Duration max_wait) const {
  Duration wait = max_wait;
  if (!heap_.empty()) {
    const Duration until = heap_.top().deadline - Clock::now();
    if (until < wait) wait = until;
  }
  if (wait <= Duration::zero()) return 0;
  const auto ms = std::chrono::ceil<std::chrono::milliseconds>(wait).count();
  return static_cast<int>(std::min<long long>(ms, 1000));
}

void EventLoop::drain_mailboxes() {
  {
    std::lock_guard lock(control_mu_);
    control_scratch_.swap(control_mailbox_);
  }
  for (auto& fn : control_scratch_) fn();
  control_scratch_.clear();
  std::function<void()> fn;
  // Bounded per iteration so a flood of data work cannot starve sockets.
  for (int i = 0; i < 4096 && data_mailbox_.try_pop(fn); ++i) fn();
}

void EventLoop::run_once(Duration max_wait) {
  thread_id_hash_.store(this_thread_hash(), std::memory_order_relaxed);
  epoll_event events[256];
  const int n = ::epoll_wait(epoll_fd_, events, 256, wait_ms(max_wait));
  now_ = Clock::now();
  for (int i = 0; i < n; ++i) {
    auto* h = static_cast<IoHandler*>(events[i].data.ptr);
    if (h == &g_wake_handler) {
      uint64_t v;
      [[maybe_unused]] ssize_t r = ::read(wake_fd_, &v, sizeof v);
      wake_pending_.store(false, std::memory_order_release);
      continue;
    }
    h->on_io(events[i].events);
  }
  run_timers();
  drain_mailboxes();
  for (auto& hook : end_hooks_) hook();
}

void EventLoop::run() {
  thread_id_hash_.store(this_thread_hash(), std::memory_order_relaxed);
  while (!stop_.load(std::memory_order_acquire)) run_once(std::chrono::seconds(1));
  drain_mailboxes();
  for (auto& hook : end_hooks_) hook();
}

bool EventLoop::running_in_this_thread() const {
  return thread_id_hash_.load(std::memory_order_relaxed) == this_thread_hash();
}

void EventLoop::wake() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  const uint64_t one = 1;
  [[maybe_unused]] ssize_t r = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::post(std::function<void()> fn) {
  {
    std::lock_guard lock(control_mu_);
    control_mailbox_.push_back(std::move(fn));
  }
  wake();
}

bool EventLoop::try_post_data(std::function<void()> fn) {
  if (!data_mailbox_.try_push(std::move(fn))) {
    data_drops_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  wake();
  return true;
}

void EventLoop::stop() {
  stop_.store(true, std::memory_order_release);
  wake();
}

}  // namespace ofkit::ctl
