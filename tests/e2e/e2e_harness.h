#pragma once
// Plumbing for end-to-end tests: where the programs and data are, a
// temporary directory removed afterwards, and child processes with their
// output in a log file (killed if still running when the test ends).

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace ofkit::e2e {

inline std::string env_or(const char* name, const std::string& fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}
inline std::string build_dir() { return env_or("OFKIT_BUILD_DIR", "."); }
inline std::string source_dir() { return env_or("OFKIT_SOURCE_DIR", ".."); }
inline std::string data_dir() { return env_or("OFKIT_TEST_DATA", source_dir() + "/tests/data"); }
inline std::string ofdp_path() { return build_dir() + "/datapath/ofdp"; }
inline std::string ofctl_run_path() { return build_dir() + "/controller/ofctl-run"; }

inline std::string read_file(const std::string& path) {
  std::ifstream f(path);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/ofkit_e2eXXXXXX";
    const char* p = mkdtemp(tmpl);
    path_ = p ? p : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty() && std::getenv("OFKIT_E2E_KEEP") == nullptr) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A child process; stdout to OUT_PATH, stderr to ERR_PATH (the same file
// when ERR_PATH is empty).
class Process {
 public:
  Process(const std::vector<std::string>& argv, const std::string& out_path,
          const std::string& err_path = "") {
    pid_ = fork();
    if (pid_ == 0) {
      const int out = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err = err_path.empty() ? out : open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int in = open("/dev/null", O_RDONLY);
      if (out < 0 || err < 0 || in < 0) _exit(126);
      dup2(in, 0);
      dup2(out, 1);
      dup2(err, 2);
      std::vector<char*> args;
      for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
      args.push_back(nullptr);
      execv(args[0], args.data());
      _exit(127);
    }
  }
  ~Process() {
    if (running()) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  bool started() const { return pid_ > 0; }
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
  // The exit code (128+signal when killed by one), or -1 if still running
  // after TIMEOUT_S.
  int wait_exit(double timeout_s) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
    while (std::chrono::steady_clock::now() < deadline) {
      if (!running()) return exit_code_;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return running() ? -1 : exit_code_;
  }
  void signal(int sig) {
    if (running()) kill(pid_, sig);
  }

 private:
  pid_t pid_ = -1;
  bool exited_ = false;
  int exit_code_ = -1;
};

// Polls until PRED() holds, for at most TIMEOUT_S.
template <typename Pred>
bool wait_until(Pred pred, double timeout_s) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

}  // namespace ofkit::e2e
