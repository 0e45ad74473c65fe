#include "bench/ofbench/options.h"

#include <iostream>
#include <thread>

#include <CLI/CLI.hpp>

namespace ofkit::bench {

const char* mode_name(Mode m) { return m == Mode::kLatency ? "latency" : "throughput"; }

bool parse_controller(const std::string& spec, std::string* host, uint16_t* port, std::string* error) {
  if (spec.rfind("tcp:", 0) != 0) {
    *error = "--controller must be tcp:HOST:PORT, got '" + spec + "'";
    return false;
  }
  const std::string rest = spec.substr(4);
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == rest.size()) {
    *error = "--controller must be tcp:HOST:PORT, got '" + spec + "'";
    return false;
  }
  const std::string port_s = rest.substr(colon + 1);
  unsigned long p = 0;
  try {
    size_t used = 0;
    p = std::stoul(port_s, &used);
    if (used != port_s.size()) throw std::invalid_argument("junk");
  } catch (const std::exception&) {
    p = 0;
  }
  if (p == 0 || p > 65535) {
    *error = "bad port '" + port_s + "' in --controller";
    return false;
  }
  *host = rest.substr(0, colon);
  *port = static_cast<uint16_t>(p);
  return true;
}

std::variant<Options, int> parse_options(int argc, char** argv) {
  Options o;
  for (int i = 0; i < argc; ++i) {
    if (i) o.command_line += ' ';
    o.command_line += argv[i];
  }
  CLI::App cli(
      "ofbench: benchmark an OpenFlow 1.0 controller by emulating switches that send it PacketIns\n"
      "(cbench's method, multi-threaded, counting each PacketIn answered once: FLOW_MODs and\n"
      "PACKET_OUTs are reported separately).\n\n"
      "  ofbench --controller=tcp:127.0.0.1:6653 --switches=16 --macs=1000 --loops=10\n"
      "  ofbench --mode=latency --json\n"
      "  ofbench --target=datapath --flows=20000 [--datapath-controller=local]   (root: veth pairs into "
      "ofdp)",
      "ofbench");
  std::string target = "controller", mode = "throughput";
  cli.add_option("--target", target, "What to measure: controller (default) or datapath (ofdp + controller)")
      ->check(CLI::IsMember({"controller", "datapath"}));
  cli.add_option("--controller,-c", o.controller, "Controller to connect to: tcp:HOST:PORT")
      ->capture_default_str();
  cli.add_option("--switches,-s", o.switches, "Emulated switches")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  cli.add_option("--macs,-M", o.macs, "Distinct source MACs (hosts) per switch")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  cli.add_option("--ports", o.ports,
                 "Ports per switch (in FEATURES_REPLY; hosts spread over them); datapath target: veth pairs "
                 "into ofdp (default 16)")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  cli.add_option("--mode", mode,
                 "throughput: keep --window PacketIns in flight per switch; latency: one per switch")
      ->check(CLI::IsMember({"throughput", "latency"}))
      ->capture_default_str();
  cli.add_flag(
      "--latency,-t", [&](int64_t) { mode = "latency"; }, "Same as --mode=latency");
  cli.add_option("--loops,-l", o.loops, "Measured loops")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  cli.add_option("--ms-per-loop,-m", o.ms_per_loop, "Length of a loop in ms")
      ->check(CLI::Range(10, 3600000))
      ->capture_default_str();
  cli.add_option("--warmup,-w", o.warmup, "Loops run first and not counted")
      ->check(CLI::Range(0, 100000))
      ->capture_default_str();
  cli.add_option("--threads,-T", o.threads,
                 "Threads driving the switches (0: one per two cores, at most switches)")
      ->check(CLI::Range(0, 256))
      ->capture_default_str();
  cli.add_option("--window", o.window, "Throughput mode: PacketIns outstanding per switch")
      ->check(CLI::Range(1, 1 << 20))
      ->capture_default_str();
  cli.add_option("--connect-group", o.connect_group, "Switches that connect together")
      ->check(CLI::Range(1, 65536))
      ->capture_default_str();
  cli.add_option("--connect-delay", o.connect_delay_ms, "ms between connecting groups of switches")
      ->check(CLI::Range(0, 60000))
      ->capture_default_str();
  cli.add_option("--connect-timeout", o.connect_timeout_ms,
                 "ms allowed for every switch to finish its handshake")
      ->check(CLI::Range(100, 600000))
      ->capture_default_str();
  cli.add_option("--answer-timeout", o.answer_timeout_ms,
                 "ms without an answer after which a switch's outstanding PacketIns count as lost")
      ->check(CLI::Range(1, 600000))
      ->capture_default_str();
  cli.add_flag("--json", o.json, "Print the result as one JSON object on stdout (progress goes to stderr)");
  cli.add_option("--json-file", o.json_file, "Also write the JSON result to this file");
  cli.add_flag("--cdf", o.cdf, "Include the latency CDF (answer round trips) in the JSON");
  cli.add_flag("--quiet,-q", o.quiet, "No per-loop progress lines");
  cli.add_option("--flows,-K", o.flows, "datapath target: new flows offered (after a learn phase)")
      ->check(CLI::Range(1, 10000000));
  cli.add_option("--ofdp", o.ofdp, "datapath target: the ofdp program");
  cli.add_option("--ofctl-run", o.ofctl_run, "datapath target: the controller program");
  cli.add_option("--datapath-controller", o.datapath_controller,
                 "datapath target: tcp (ofctl-run l2_learning over TCP) or local (ofdp --controller=local "
                 "--app=l2_learning)")
      ->check(CLI::IsMember({"tcp", "local"}))
      ->capture_default_str();
  cli.add_option("--ofdp-arg", o.ofdp_args, "datapath target: an extra ofdp option (repeatable)")
      ->allow_extra_args(false);
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int rc = cli.exit(e);
    return rc == 0 ? 0 : 2;
  }
  o.target = target == "datapath" ? Target::kDatapath : Target::kController;
  // The datapath target's ports are veth pairs into ofdp; more of them spread
  // the PacketIns over more of ofdp's per-port miss meters.
  if (o.target == Target::kDatapath && cli.count("--ports") == 0) o.ports = 16;
  o.mode = mode == "latency" ? Mode::kLatency : Mode::kThroughput;
  std::string error;
  if (!parse_controller(o.controller, &o.host, &o.port, &error)) {
    std::cerr << "ofbench: " << error << "\n";
    return 2;
  }
  if (o.threads == 0) {
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    o.threads = std::max(1u, cores / 2);
  }
  o.threads = std::min(o.threads, o.switches);
  return o;
}

}  // namespace ofkit::bench
