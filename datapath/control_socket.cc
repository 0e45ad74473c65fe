#include "datapath/control_socket.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "datapath/channel_socket.h"

namespace ofkit::dp {
namespace {
constexpr size_t kMaxCommandLen = 4096;
}

std::unique_ptr<ControlSocket> ControlSocket::open(EventLoop* loop, const std::string& path, Handler handler,
                                                   std::string* error) {
  Target t;
  t.kind = Target::Kind::kPunix;
  t.path = path;
  const int fd = listen_on(t, error);
  if (fd < 0) return nullptr;
  std::unique_ptr<ControlSocket> cs(new ControlSocket(loop, fd, path, std::move(handler)));
  ControlSocket* self = cs.get();
  loop->add(fd, EPOLLIN, [self](uint32_t) { self->on_accept(); });
  return cs;
}

ControlSocket::~ControlSocket() {
  while (!clients_.empty()) close_client(clients_.begin()->first);
  loop_->remove(fd_);
  close(fd_);
  unlink(path_.c_str());
}

void ControlSocket::on_accept() {
  for (int i = 0; i < 16; ++i) {
    const int cfd = accept_nonblocking(fd_, nullptr);
    if (cfd < 0) return;
    clients_[cfd] = Client{};
    loop_->add(cfd, EPOLLIN, [this, cfd](uint32_t ev) { on_client(cfd, ev); });
  }
}

void ControlSocket::close_client(int fd) {
  loop_->remove(fd);
  close(fd);
  clients_.erase(fd);
}

void ControlSocket::on_client(int fd, uint32_t events) {
  auto it = clients_.find(fd);
  if (it == clients_.end()) return;
  Client& c = it->second;
  if (!c.answered) {
    char buf[1024];
    bool eof = false;
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n > 0) {
        c.in.append(buf, static_cast<size_t>(n));
        if (c.in.size() > kMaxCommandLen) break;
        continue;
      }
      if (n == 0)
        eof = true;
      else if (errno == EINTR)
        continue;
      else if (errno != EAGAIN)
        eof = true;
      break;
    }
    const size_t nl = c.in.find('\n');
    if (nl == std::string::npos && !eof && c.in.size() <= kMaxCommandLen) return;  // wait for the line
    std::string cmd = c.in.substr(0, nl == std::string::npos ? c.in.size() : nl);
    while (!cmd.empty() && (cmd.back() == '\r' || cmd.back() == ' ')) cmd.pop_back();
    c.out = c.in.size() > kMaxCommandLen ? std::string("error: command too long\n") : handler_(cmd);
    if (c.out.empty() || c.out.back() != '\n') c.out.push_back('\n');
    c.answered = true;
    loop_->modify(fd, EPOLLOUT);
  } else if (!(events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
    return;
  }
  while (c.out_pos < c.out.size()) {
    const ssize_t n = ::send(fd, c.out.data() + c.out_pos, c.out.size() - c.out_pos, MSG_NOSIGNAL);
    if (n > 0) {
      c.out_pos += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) return;  // wait for EPOLLOUT
    break;                                 // peer gone
  }
  close_client(fd);
}

bool control_socket_request(const std::string& path, const std::string& command, std::string* answer,
                            std::string* error) {
  sockaddr_un sun{};
  sun.sun_family = AF_UNIX;
  if (path.size() >= sizeof sun.sun_path) {
    *error = "control socket path too long: " + path;
    return false;
  }
  std::memcpy(sun.sun_path, path.data(), path.size());
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
    *error = "cannot connect to " + path + ": " + std::strerror(errno);
    if (fd >= 0) close(fd);
    return false;
  }
  const std::string line = command + "\n";
  if (::send(fd, line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    *error = std::string("send: ") + std::strerror(errno);
    close(fd);
    return false;
  }
  answer->clear();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  char buf[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      *error = "timed out waiting for " + path;
      close(fd);
      return false;
    }
    pollfd pfd{fd, POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n > 0) {
      answer->append(buf, static_cast<size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    break;
  }
  close(fd);
  return true;
}

}  // namespace ofkit::dp
