#include "datapath/agent_event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

namespace ofkit::dp {

namespace {
constexpr uint64_t kWakeToken = 0;
}

EventLoop::EventLoop() {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  wake_fd_ = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.u64 = kWakeToken;
  epoll_ctl(epfd_, EPOLL_CTL_ADD, wake_fd_, &ev);
}

EventLoop::~EventLoop() {
  if (wake_fd_ >= 0) close(wake_fd_);
  if (epfd_ >= 0) close(epfd_);
}

bool EventLoop::add(int fd, uint32_t events, Handler handler) {
  if (fd < 0 || token_of_fd_.count(fd)) return false;
  const uint64_t token = next_token_++;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = token;
  if (epoll_ctl(epfd_, EPOLL_CTL_ADD, fd, &ev) != 0) return false;
  token_of_fd_[fd] = token;
  entries_[token] = Entry{fd, std::move(handler)};
  return true;
}

bool EventLoop::modify(int fd, uint32_t events) {
  auto it = token_of_fd_.find(fd);
  if (it == token_of_fd_.end()) return false;
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = it->second;
  return epoll_ctl(epfd_, EPOLL_CTL_MOD, fd, &ev) == 0;
}

void EventLoop::remove(int fd) {
  auto it = token_of_fd_.find(fd);
  if (it == token_of_fd_.end()) return;
  epoll_ctl(epfd_, EPOLL_CTL_DEL, fd, nullptr);
  entries_.erase(it->second);
  token_of_fd_.erase(it);
}

int EventLoop::run_once(Duration max_wait) {
  epoll_event events[64];
  long ms = max_wait.count();
  if (ms < 0) ms = 0;
  if (ms > 60000) ms = 60000;
  const int n = epoll_wait(epfd_, events, 64, static_cast<int>(ms));
  if (n <= 0) return 0;
  // Copy the tokens first: handlers may add and remove entries.
  std::vector<std::pair<uint64_t, uint32_t>> ready;
  ready.reserve(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    const uint64_t token = events[i].data.u64;
    const uint32_t ev = events[i].events;
    ready.emplace_back(token, ev);
  }
  int ran = 0;
  for (auto [token, ev] : ready) {
    if (token == kWakeToken) {
      uint64_t v;
      while (read(wake_fd_, &v, sizeof v) == static_cast<ssize_t>(sizeof v)) {
      }
      continue;
    }
    auto it = entries_.find(token);
    if (it == entries_.end()) continue;  // removed by an earlier handler
    Handler h = it->second.handler;      // copy: the handler may remove itself
    h(ev);
    ++ran;
  }
  return ran;
}

void EventLoop::wake() {
  const uint64_t one = 1;
  ssize_t r = write(wake_fd_, &one, sizeof one);
  (void)r;
}

}  // namespace ofkit::dp
