#pragma once
// ofbench's command line.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace ofkit::bench {

enum class Mode { kThroughput, kLatency };
enum class Target { kController, kDatapath };

struct Options {
  Target target = Target::kController;
  std::string controller = "tcp:127.0.0.1:6653";
  std::string host = "127.0.0.1";  // from controller
  uint16_t port = 6653;
  uint32_t switches = 16;
  uint32_t macs = 1000;
  uint16_t ports = 4;
  Mode mode = Mode::kThroughput;
  uint32_t loops = 10;
  uint32_t ms_per_loop = 1000;
  uint32_t warmup = 1;
  uint32_t threads = 0;           // 0: chosen from switches and cores
  uint32_t window = 1024;         // throughput mode: PacketIns outstanding per switch
  uint32_t connect_group = 4;     // switches connected together
  uint32_t connect_delay_ms = 2;  // pause between groups
  uint32_t connect_timeout_ms = 10000;
  uint32_t answer_timeout_ms = 2000;
  bool json = false;
  std::string json_file;
  bool cdf = false;
  bool quiet = false;
  std::string command_line;  // as given, for reports

  // --target=datapath
  std::string ofdp = "";                    // path to ofdp (default: next to ofbench, then PATH)
  std::string ofctl_run = "";               // path to ofctl-run
  uint32_t flows = 1000;                    // K new flows offered
  std::string datapath_controller = "tcp";  // tcp: ofctl-run l2_learning; local: ofdp --controller=local
  std::vector<std::string> ofdp_args;       // extra ofdp options

  size_t effective_window() const { return mode == Mode::kLatency ? 1 : window; }
};

// Parses argv. Returns the options, or an exit code: 0 after --help, 2 after
// a bad command line (with the message on stderr).
std::variant<Options, int> parse_options(int argc, char** argv);

// "tcp:HOST:PORT" (HOST an IPv4 address or a name) -> host, port.
bool parse_controller(const std::string& spec, std::string* host, uint16_t* port, std::string* error);

const char* mode_name(Mode m);

}  // namespace ofkit::bench
