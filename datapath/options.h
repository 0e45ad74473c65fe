#pragma once
// ofdp's options: the command line (CLI11) over an optional TOML config file
// (toml++, --config=FILE; see configs/ofdp.toml). Values on the command line
// win over the file; list options given on the command line replace the
// file's list.
//
//   ofdp [EAL arguments] -- [ofdp options]       DPDK's convention
//   ofdp --vdev=net_pcap0,iface=eth0 [options]   short form, EAL defaults filled in
//   ofdp --port=file:in.pcap,out=out.pcap ...     libpcap ports, no EAL
//   ofdp --controller=local --app=l2_learning [app options] ...
//   ofdp --ctl=PATH show|dump-flows|stats|resume  client of a running ofdp
//   ofdp --paused --control-socket=PATH ...       workers wait for "resume"
//
// Words after --app=NAME that are not ofdp options belong to the app (as
// ofctl-run's APP [--option=value ...]); another --app starts the next app.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "datapath/agent_backoff.h"
#include "datapath/channel_target.h"

namespace ofkit::dp {

enum class FailMode { kSecure, kStandalone };

struct OfdpOptions {
  std::vector<std::string> eal_args;  // argv[0] first, ready for rte_eal_init
  bool eal_devices = false;           // an EAL device (--vdev, -a) or the full "--" form was given
  std::vector<std::string> ports;     // --port specs, for the data plane
  std::optional<uint64_t> datapath_id;
  std::vector<Target> controllers;    // empty for "none"
  std::vector<std::string> app_args;  // ofctl-run words for --controller=local
  std::vector<Target> listens;
  FailMode fail_mode = FailMode::kSecure;
  unsigned workers = 1;
  std::string local_port = "sink:";  // OFPP_LOCAL port spec, empty for none
  std::string local_port_name = "ofdp0";
  uint16_t miss_send_len = 128;
  uint32_t flow_capacity = 0;       // 0: the data plane's default
  uint32_t packet_in_rate = 10000;  // table-miss PacketIns per second per port per worker (0: unlimited)
  uint32_t packet_in_ring = 1024;   // worker-to-agent PacketIn ring entries per worker (a power of two)
  bool exit_on_eof = false;
  bool dump_flows_on_exit = false;  // print the flow table (ovs-ofctl syntax) to stdout at exit
  bool paused = false;              // workers wait for the control socket's "resume"
  std::string control_socket;       // unix path, empty for none
  Duration probe_interval{5000};
  Duration max_backoff{8000};
  std::string log_level = "info";
  std::string config_file;
  // Client mode (--ctl=PATH COMMAND...): talk to a running ofdp and exit.
  std::string ctl_path;
  std::vector<std::string> ctl_command;

  bool has_local_controller() const;
};

enum class ParseStatus { kRun, kHelp, kError };

struct ParseOutcome {
  ParseStatus status = ParseStatus::kRun;
  std::string message;  // help text for kHelp, the error for kError
};

// argv includes the program name at [0].
ParseOutcome parse_ofdp_options(const std::vector<std::string>& argv, OfdpOptions* out);

// "0x1f", "000000000000001f" (16 hex digits, as OVS prints them) or decimal.
std::optional<uint64_t> parse_datapath_id(const std::string& text);

const char* fail_mode_name(FailMode mode);

// The libpcap port spec equivalent to an EAL net_pcap vdev, for builds or
// runs without DPDK ports: "net_pcap0,rx_pcap=a.pcap,tx_pcap=b.pcap" ->
// "file:a.pcap,out=b.pcap", "net_pcap0,iface=eth0" -> "pcap:eth0".
// nullopt for any other device (or a net_pcap form with no equivalent).
std::optional<std::string> vdev_port_spec(const std::string& vdev);
// The --vdev values among EAL words ("--vdev=X" or "--vdev X").
std::vector<std::string> vdevs_of(const std::vector<std::string>& eal_args);

}  // namespace ofkit::dp
