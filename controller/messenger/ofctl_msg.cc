// ofctl-msg: a command-line client for ofctl-run's messenger.
//
//   ofctl-msg of.list_switches
//   ofctl-msg of.add_flow 'dpid=1 priority=10,in_port=1,actions=output:2'
//   ofctl-msg '{"cmd":"of.dump_flows","dpid":1}'
//   ofctl-msg --follow log.subscribe level=debug
//   ofctl-msg --interactive          (join upper, send channel=upper msg=hi, ...)
//
// Exit codes: 0 the command succeeded; 1 the messenger answered with an
// error (or no answer within --timeout); 2 bad usage or cannot connect.

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "controller/messenger/client_request.h"
#include "controller/messenger/line_reader.h"

namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
using ofkit::ctl::msg::LineReader;

constexpr size_t kMaxReplyLine = 256u << 20;

struct Options {
  std::string connect = "tcp:127.0.0.1:7790";
  std::string token;
  bool interactive = false;
  bool follow = false;
  bool compact = false;
  bool text = false;
  double timeout = 10;
  std::vector<std::string> words;
};

int connect_to(const std::string& target, std::string* error) {
  if (target.rfind("unix:", 0) == 0) {
    const std::string path = target.substr(5);
    sockaddr_un sun{};
    sun.sun_family = AF_UNIX;
    if (path.empty() || path.size() >= sizeof sun.sun_path) {
      *error = "bad unix socket path";
      return -1;
    }
    std::memcpy(sun.sun_path, path.c_str(), path.size() + 1);
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&sun), sizeof sun) != 0) {
      *error = std::strerror(errno);
      if (fd >= 0) ::close(fd);
      return -1;
    }
    return fd;
  }
  std::string hp = target.rfind("tcp:", 0) == 0 ? target.substr(4) : target;
  const size_t colon = hp.rfind(':');
  if (colon == std::string::npos) {
    *error = "expected tcp:HOST:PORT or unix:PATH";
    return -1;
  }
  std::string host = hp.substr(0, colon), port = hp.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (const int rc = ::getaddrinfo(host.c_str(), port.c_str(), &hints, &res); rc != 0) {
    *error = gai_strerror(rc);
    return -1;
  }
  int fd = -1;
  for (addrinfo* a = res; a; a = a->ai_next) {
    fd = ::socket(a->ai_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && ::connect(fd, a->ai_addr, a->ai_addrlen) == 0) break;
    *error = std::strerror(errno);
    if (fd >= 0) ::close(fd);
    fd = -1;
  }
  ::freeaddrinfo(res);
  if (fd >= 0) {
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  return fd;
}

class Link {
 public:
  explicit Link(int fd) : fd_(fd), reader_(kMaxReplyLine) {}
  ~Link() { ::close(fd_); }
  int fd() const { return fd_; }
  bool eof() const { return eof_; }

  bool send(const json& j) {
    const std::string line = j.dump(-1, ' ', false, json::error_handler_t::replace) + "\n";
    size_t off = 0;
    while (off < line.size()) {
      const ssize_t n = ::send(fd_, line.data() + off, line.size() - off, MSG_NOSIGNAL);
      if (n <= 0) return false;
      off += static_cast<size_t>(n);
    }
    return true;
  }
  // A complete line already buffered.
  std::optional<json> buffered() {
    std::string line;
    while (reader_.next(&line) == LineReader::Status::kLine) {
      json j = json::parse(line, nullptr, false);
      if (!j.is_discarded()) return j;
    }
    return std::nullopt;
  }
  // Reads what the socket has (call when poll says readable).
  void read_some() {
    char buf[65536];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) {
      eof_ = true;
      return;
    }
    reader_.feed(std::string_view(buf, static_cast<size_t>(n)));
  }
  // The next message, waiting until deadline.
  std::optional<json> next(Clock::time_point deadline) {
    for (;;) {
      if (auto j = buffered()) return j;
      if (eof_) return std::nullopt;
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      if (left <= 0) return std::nullopt;
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(std::min<long long>(left, 1000))) > 0) read_some();
    }
  }

 private:
  int fd_;
  LineReader reader_;
  bool eof_ = false;
};

std::string dump(const json& j, bool compact) {
  return j.dump(compact ? -1 : 2, ' ', false, json::error_handler_t::replace);
}

void print_async(const json& m, bool compact) {
  if (m.contains("channel")) {
    const json& body = m.contains("msg") ? m["msg"] : json();
    std::printf("[%s] %s: %s\n", m.value("channel", "").c_str(), m.value("from", "?").c_str(),
                body.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
  } else {
    std::printf("%s\n", dump(m, compact).c_str());
  }
  std::fflush(stdout);
}

// Prints a reply; returns true for a result, false for an error.
bool print_reply(const json& m, const Options& o) {
  if (m.contains("error")) {
    const json& e = m["error"];
    std::fprintf(stderr, "ofctl-msg: error: %s\n",
                 e.is_string() ? e.get<std::string>().c_str() : e.dump().c_str());
    return false;
  }
  const json& r = m.contains("result") ? m["result"] : m;
  if (o.text && r.is_object() && r.contains("text") && r["text"].is_array()) {
    for (const auto& line : r["text"])
      std::printf("%s\n", line.is_string() ? line.get<std::string>().c_str() : line.dump().c_str());
  } else {
    std::printf("%s\n", dump(r, o.compact).c_str());
  }
  std::fflush(stdout);
  return true;
}

bool authenticate(Link& link, const Options& o) {
  if (o.token.empty()) return true;
  if (!link.send({{"cmd", "auth"}, {"token", o.token}, {"id", "auth"}})) return false;
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.timeout * 1000));
  while (auto m = link.next(deadline)) {
    if (m->value("id", json()) != "auth") continue;
    if (m->contains("error")) {
      print_reply(*m, o);
      return false;
    }
    return true;
  }
  std::fprintf(stderr, "ofctl-msg: no answer to auth\n");
  return false;
}

int one_shot(Link& link, const Options& o) {
  auto req = ofkit::ctl::msg::build_request(o.words);
  if (!req) {
    std::fprintf(stderr, "ofctl-msg: %s\n", req.error().c_str());
    return 2;
  }
  if (!req->contains("id")) (*req)["id"] = 1;
  const json id = (*req)["id"];
  if (!link.send(*req)) {
    std::fprintf(stderr, "ofctl-msg: the messenger closed the connection\n");
    return 1;
  }
  const auto deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.timeout * 1000));
  int rc = 1;
  bool answered = false;
  while (auto m = link.next(deadline)) {
    if (m->contains("id") && (*m)["id"] == id) {
      rc = print_reply(*m, o) ? 0 : 1;
      answered = true;
      break;
    }
    if (m->contains("id") && !m->contains("channel") && m->contains("error")) {  // error without our id
      rc = print_reply(*m, o) ? 0 : 1;
      answered = true;
      break;
    }
    if (o.follow) print_async(*m, o.compact);
  }
  if (!answered) {
    std::fprintf(stderr, "ofctl-msg: %s\n",
                 link.eof() ? "the messenger closed the connection" : "no answer in time");
    return 1;
  }
  if (o.follow && rc == 0) {
    const auto forever = Clock::now() + std::chrono::hours(24 * 365);
    while (auto m = link.next(forever)) print_async(*m, o.compact);
  }
  return rc;
}

int interactive(Link& link, const Options& o) {
  const bool tty = ::isatty(STDIN_FILENO);
  int next_id = 1;
  int outstanding = 0;
  std::string in;
  bool stdin_open = true;
  const auto prompt = [&] {
    if (tty) {
      std::printf("ofctl-msg> ");
      std::fflush(stdout);
    }
  };
  if (tty)
    std::printf("commands: help, of.list_switches, join channel=NAME, send channel=NAME msg=TEXT, quit\n");
  prompt();
  Clock::time_point drain_deadline{};
  for (;;) {
    while (auto m = link.buffered()) {
      if (m->contains("id") && !m->contains("channel")) {
        print_reply(*m, o);
        if (outstanding > 0) --outstanding;
      } else {
        print_async(*m, o.compact);
      }
    }
    if (link.eof()) {
      std::fprintf(stderr, "ofctl-msg: the messenger closed the connection\n");
      return stdin_open ? 1 : 0;
    }
    if (!stdin_open && (outstanding == 0 || Clock::now() >= drain_deadline)) return 0;
    pollfd p[2] = {{link.fd(), POLLIN, 0}, {stdin_open ? STDIN_FILENO : -1, POLLIN, 0}};
    if (::poll(p, 2, 200) <= 0) continue;
    if (p[0].revents) link.read_some();
    if (!stdin_open || !p[1].revents) continue;
    char buf[4096];
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n <= 0) {
      stdin_open = false;
      drain_deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.timeout * 1000));
      continue;
    }
    in.append(buf, static_cast<size_t>(n));
    size_t nl;
    while ((nl = in.find('\n')) != std::string::npos) {
      const std::string line = in.substr(0, nl);
      in.erase(0, nl + 1);
      auto words = ofkit::ctl::msg::split_words(line);
      if (!words) {
        std::fprintf(stderr, "ofctl-msg: %s\n", words.error().c_str());
      } else if (!words->empty() && ((*words)[0] == "quit" || (*words)[0] == "exit")) {
        stdin_open = false;
        drain_deadline = Clock::now() + std::chrono::milliseconds(static_cast<int64_t>(o.timeout * 1000));
        break;
      } else if (!words->empty()) {
        auto req = ofkit::ctl::msg::build_request(*words);
        if (!req) {
          std::fprintf(stderr, "ofctl-msg: %s\n", req.error().c_str());
        } else {
          if (!req->contains("id")) (*req)["id"] = next_id++;
          if (!link.send(*req)) return 1;
          ++outstanding;
        }
      }
      prompt();
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  CLI::App app{"ofctl-msg: talk to ofctl-run's messenger (newline-delimited JSON)", "ofctl-msg"};
  app.footer(
      "Examples:\n"
      "  ofctl-msg help\n"
      "  ofctl-msg of.list_switches\n"
      "  ofctl-msg of.add_flow 'dpid=1 priority=10,in_port=1,actions=output:2'\n"
      "  ofctl-msg --text of.dump_flows dpid=1\n"
      "  ofctl-msg '{\"cmd\":\"of.stats\",\"dpid\":1,\"type\":\"port\"}'\n"
      "  ofctl-msg --follow log.subscribe level=debug\n"
      "  ofctl-msg -i     then: join channel=upper / send channel=upper msg=hello echo=true\n"
      "Words: KEY=VALUE is a field (VALUE as JSON when it parses, else a string); a word\n"
      "starting with '{' is a JSON object merged in; other words are joined into \"arg\".\n"
      "Exit: 0 ok, 1 error reply or no answer, 2 bad usage or cannot connect.");
  app.add_option("--connect", o.connect, "tcp:HOST:PORT or unix:PATH")->capture_default_str();
  app.add_option("--token", o.token, "the messenger's secret (default: $OFCTL_MSG_TOKEN)");
  app.add_flag("-i,--interactive", o.interactive,
               "read commands from stdin, print replies and channel messages");
  app.add_flag("-f,--follow", o.follow, "after the reply, keep printing channel messages (log streams)");
  app.add_flag("--compact", o.compact, "one-line JSON output");
  app.add_flag("--text", o.text, "print the reply's \"text\" lines (ovs-ofctl form) instead of JSON");
  app.add_option("--timeout", o.timeout, "seconds to wait for a reply")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("command", o.words, "COMMAND [KEY=VALUE|WORD|JSON ...], or one JSON request");
  app.positionals_at_end(true);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  if (o.token.empty())
    if (const char* t = std::getenv("OFCTL_MSG_TOKEN")) o.token = t;
  if (!o.interactive && o.words.empty()) {
    std::fprintf(stderr, "ofctl-msg: a command is required (or --interactive); see --help\n");
    return 2;
  }
  if (!o.interactive) {  // usage errors before connecting
    auto req = ofkit::ctl::msg::build_request(o.words);
    if (!req) {
      std::fprintf(stderr, "ofctl-msg: %s\n", req.error().c_str());
      return 2;
    }
  }
  std::string error;
  const int fd = connect_to(o.connect, &error);
  if (fd < 0) {
    std::fprintf(stderr, "ofctl-msg: cannot connect to %s: %s\n", o.connect.c_str(), error.c_str());
    return 2;
  }
  Link link(fd);
  if (!authenticate(link, o)) return 1;
  return o.interactive ? interactive(link, o) : one_shot(link, o);
}
