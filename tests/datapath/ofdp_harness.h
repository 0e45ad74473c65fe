#pragma once
// Integration-test plumbing for ofdp: a temporary directory that is removed
// afterwards, ofdp as a child process (killed if still running when the
// test ends), commands run with a timeout and their output captured, and
// helpers to write and read trace files.

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "datapath/control_socket.h"
#include "pcap/trace_file.h"

namespace ofkit::dp::testing {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ofdp_itestXXXXXX";
    const char* p = mkdtemp(tmpl);
    path_ = p ? p : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

inline std::string ofdp_binary() {
  const char* b = std::getenv("OFKIT_BUILD_DIR");
  return std::string(b ? b : ".") + "/datapath/ofdp";
}

// Runs argv with stdout+stderr captured, killing it after timeout. Returns
// the exit code (128+signal if killed, -1 if it could not start).
inline int run_command(const std::vector<std::string>& argv, std::string* output, int timeout_s = 15,
                       const std::string& stdin_text = "") {
  int out_pipe[2], in_pipe[2];
  if (pipe2(out_pipe, O_CLOEXEC) != 0 || pipe2(in_pipe, O_CLOEXEC) != 0) return -1;
  const pid_t pid = fork();
  if (pid < 0) return -1;
  if (pid == 0) {
    dup2(in_pipe[0], 0);
    dup2(out_pipe[1], 1);
    dup2(out_pipe[1], 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out_pipe[1]);
  close(in_pipe[0]);
  if (!stdin_text.empty()) {
    ssize_t w = write(in_pipe[1], stdin_text.data(), stdin_text.size());
    (void)w;
  }
  close(in_pipe[1]);
  output->clear();
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  bool killed = false;
  char buf[4096];
  for (;;) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
            .count();
    if (left <= 0) {
      kill(pid, SIGKILL);
      killed = true;
      break;
    }
    pollfd pfd{out_pipe[0], POLLIN, 0};
    if (poll(&pfd, 1, static_cast<int>(left)) <= 0) continue;
    const ssize_t n = read(out_pipe[0], buf, sizeof buf);
    if (n <= 0) break;
    output->append(buf, static_cast<size_t>(n));
  }
  close(out_pipe[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  if (killed) return 128 + SIGKILL;
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

// ofdp running in the background; its stdout/stderr go to a log file.
class OfdpProcess {
 public:
  OfdpProcess(const std::vector<std::string>& args, const std::string& log_path) : log_path_(log_path) {
    pid_ = fork();
    if (pid_ == 0) {
      const int fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (fd >= 0) {
        dup2(fd, 1);
        dup2(fd, 2);
      }
      std::vector<std::string> all = {ofdp_binary()};
      all.insert(all.end(), args.begin(), args.end());
      std::vector<char*> argv;
      for (std::string& a : all) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
  }
  ~OfdpProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool running() {
    if (pid_ <= 0 || exited_) return false;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exited_ = true;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }
  // Waits up to timeout_s for the process to exit; returns its exit code or -1.
  int wait_exit(int timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!running()) return exit_code_;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }
  void signal(int sig) {
    if (running()) kill(pid_, sig);
  }
  std::string log() const {
    std::ifstream f(log_path_);
    std::stringstream ss;
    ss << f.rdbuf();
    return ss.str();
  }
  pid_t pid() const { return pid_; }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

// Asks ofdp's control socket, retrying while it is not up yet (bounded).
inline bool ctl_request(const std::string& path, const std::string& cmd, std::string* answer,
                        int timeout_s = 10) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  std::string error;
  while (std::chrono::steady_clock::now() < deadline) {
    if (control_socket_request(path, cmd, answer, &error)) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

// The port of the first "ptcp:PORT" line in ofdp's "show".
inline int listen_port_from_show(const std::string& show) {
  const size_t at = show.find("\n  ptcp:");
  if (at == std::string::npos) return -1;
  return std::atoi(show.c_str() + at + 8);
}

inline bool write_trace(const std::string& path, const std::vector<std::vector<uint8_t>>& frames) {
  std::string error;
  auto w = pcap::TraceWriter::create(path, &error);
  if (!w) return false;
  uint64_t ts = 1'000'000'000;
  for (const auto& f : frames) w->write(f, ts += 1000);
  w->flush();
  return true;
}

inline std::vector<std::vector<uint8_t>> read_trace(const std::string& path) {
  std::vector<std::vector<uint8_t>> frames;
  std::string error;
  auto r = pcap::TraceReader::open(path, &error);
  if (!r) return frames;
  pcap::TraceFrame f;
  while (r->next(&f) == pcap::ReadStatus::kFrame) frames.emplace_back(f.data.begin(), f.data.end());
  return frames;
}

}  // namespace ofkit::dp::testing
