#pragma once
// The bench lab of ofbench --target=datapath: a private network namespace
// with veth pairs, and the child processes (ofdp, the controller) run in it.
//
// The namespace is the calling process's own (unshare(CLONE_NEWNET) before
// any thread exists), so every child inherits it, nothing touches the host's
// interfaces, and the kernel removes the veths when the last process of the
// namespace exits, however the run ends. Needs root (CAP_SYS_ADMIN,
// CAP_NET_ADMIN).

#include <sys/types.h>

#include <string>
#include <vector>

namespace ofkit::bench {

// unshare(CLONE_NEWNET), IPv6 off for new interfaces (no router solicitations
// on the benchmark's wires), loopback up. Call before starting any thread.
bool enter_private_netns(std::string* error);

// Runs argv (PATH lookup) to completion; false and *error unless it exits 0.
bool run_command(const std::vector<std::string>& argv, std::string* error);

// `count` veth pairs NAMEa<->NAMEb (NAME = prefix + index), both ends up.
bool create_veth_pairs(const std::string& prefix, unsigned count, std::string* error);

// A child process whose stdout and stderr go to a log file.
class ChildProcess {
 public:
  ChildProcess() = default;
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool start(const std::vector<std::string>& argv, const std::string& log_path, std::string* error);
  // True while the child runs (reaps it when it has exited).
  bool alive();
  // SIGTERM, then SIGKILL after timeout_ms; returns the wait status (-1 if none).
  int stop(int timeout_ms = 5000);
  // Waits up to timeout_ms for the child to exit by itself, then stop().
  int wait(int timeout_ms);
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  int status_ = -1;
};

// The program `name`: next to this executable's build tree (../../REL from
// /proc/self/exe's directory, i.e. BUILD/bench/ofbench -> BUILD/REL), else
// PATH; empty when not found.
std::string find_program(const std::string& name, const std::string& rel_from_build);

// Quotes argv for logs and JSON.
std::string join_argv(const std::vector<std::string>& argv);

}  // namespace ofkit::bench
