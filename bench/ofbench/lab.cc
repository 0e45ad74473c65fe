#include "bench/ofbench/lab.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

extern char** environ;

namespace ofkit::bench {

namespace {

std::vector<char*> c_argv(const std::vector<std::string>& argv) {
  std::vector<char*> v;
  for (const std::string& a : argv) v.push_back(const_cast<char*>(a.c_str()));
  v.push_back(nullptr);
  return v;
}

}  // namespace

std::string join_argv(const std::vector<std::string>& argv) {
  std::string s;
  for (const std::string& a : argv) {
    if (!s.empty()) s += ' ';
    s += a.find_first_of(" \t'\"") == std::string::npos ? a : "'" + a + "'";
  }
  return s;
}

bool run_command(const std::vector<std::string>& argv, std::string* error) {
  pid_t pid;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
  auto args = c_argv(argv);
  const int rc = posix_spawnp(&pid, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    *error = "cannot run " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  int st = 0;
  while (waitpid(pid, &st, 0) < 0 && errno == EINTR) {
  }
  if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
    *error = "'" + join_argv(argv) + "' failed";
    return false;
  }
  return true;
}

bool enter_private_netns(std::string* error) {
  if (unshare(CLONE_NEWNET) != 0) {
    *error = std::string("cannot create a private network namespace (unshare: ") + std::strerror(errno) +
             "); --target=datapath needs root for its veth pairs";
    return false;
  }
  // Best effort: without IPv6 the kernel sends nothing of its own on the veths.
  for (const char* p :
       {"/proc/sys/net/ipv6/conf/default/disable_ipv6", "/proc/sys/net/ipv6/conf/all/disable_ipv6"}) {
    std::ofstream f(p);
    if (f) f << "1\n";
  }
  return run_command({"ip", "link", "set", "lo", "up"}, error);
}

bool create_veth_pairs(const std::string& prefix, unsigned count, std::string* error) {
  for (unsigned i = 0; i < count; ++i) {
    const std::string a = prefix + std::to_string(i) + "a", b = prefix + std::to_string(i) + "b";
    if (!run_command({"ip", "link", "add", a, "type", "veth", "peer", "name", b}, error) ||
        !run_command({"ip", "link", "set", a, "up"}, error) ||
        !run_command({"ip", "link", "set", b, "up"}, error))
      return false;
  }
  return true;
}

bool ChildProcess::start(const std::vector<std::string>& argv, const std::string& log_path,
                         std::string* error) {
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  auto args = c_argv(argv);
  const int rc = posix_spawn(&pid_, args[0], &fa, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) {
    pid_ = -1;
    *error = "cannot start " + argv[0] + ": " + std::strerror(rc);
    return false;
  }
  return true;
}

bool ChildProcess::alive() {
  if (pid_ < 0) return false;
  int st = 0;
  if (waitpid(pid_, &st, WNOHANG) == pid_) {
    status_ = st;
    pid_ = -1;
    return false;
  }
  return true;
}

int ChildProcess::stop(int timeout_ms) {
  if (pid_ < 0) return status_;
  kill(pid_, SIGTERM);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (alive() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  if (pid_ >= 0) {
    kill(pid_, SIGKILL);
    int st = 0;
    waitpid(pid_, &st, 0);
    status_ = st;
    pid_ = -1;
  }
  return status_;
}

int ChildProcess::wait(int timeout_ms) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (alive() && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return stop();
}

std::string find_program(const std::string& name, const std::string& rel_from_build) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    const fs::path candidate = self.parent_path() / ".." / ".." / rel_from_build;
    if (access(candidate.c_str(), X_OK) == 0) return fs::weakly_canonical(candidate, ec).string();
  }
  if (const char* path = getenv("PATH")) {
    std::string p = path;
    size_t start = 0;
    while (start <= p.size()) {
      size_t end = p.find(':', start);
      if (end == std::string::npos) end = p.size();
      const std::string c = p.substr(start, end - start) + "/" + name;
      if (end > start && access(c.c_str(), X_OK) == 0) return c;
      start = end + 1;
    }
  }
  return {};
}

}  // namespace ofkit::bench
