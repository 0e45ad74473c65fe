#include "datapath/options.h"

#include <toml++/toml.h>
#include <CLI/CLI.hpp>
#include <algorithm>
#include <charconv>
#include <cmath>

#include "datapath/eal_args.h"

namespace ofkit::dp {
namespace {

// Options as typed, before validation; the config file fills it first, then
// the command line overrides.
struct Raw {
  std::vector<std::string> ports, controllers, listens, app_words, eal;
  std::string dpid, fail_mode = "secure", control_socket, log_level = "info";
  std::string local_port = "sink:", local_port_name = "ofdp0";
  unsigned workers = 1;
  unsigned miss_send_len = 128;
  uint32_t flow_capacity = 0;
  uint32_t packet_in_rate = 10000, packet_in_ring = 1024;
  bool exit_on_eof = false;
  bool paused = false;
  bool dump_flows_on_exit = false;
  double probe_interval = 5, max_backoff = 8;
  std::string ctl;
  std::vector<std::string> command;
};

constexpr const char* kEpilog = R"(
Command line forms:
  ofdp [EAL arguments] -- [ofdp options]
  ofdp --vdev=net_pcap0,iface=eth0 [ofdp options]      (EAL defaults: --no-huge --no-pci)
  ofdp --port=file:in.pcap,out=out.pcap --listen=ptcp:6634
  ofdp --controller=local --app=l2_learning [app options]
  ofdp --ctl=PATH show|dump-flows|stats|resume
Words after --app=NAME that are not ofdp options are that app's options.)";

bool is_hex(const std::string& s) {
  return !s.empty() &&
         std::all_of(s.begin(), s.end(), [](char c) { return std::isxdigit(static_cast<unsigned char>(c)); });
}

// Reads a string or an array of strings.
bool toml_strings(const toml::node& node, std::vector<std::string>* out) {
  if (auto s = node.value<std::string>()) {
    out->assign(1, *s);
    return true;
  }
  const toml::array* arr = node.as_array();
  if (!arr) return false;
  out->clear();
  for (const toml::node& el : *arr) {
    auto s = el.value<std::string>();
    if (!s) return false;
    out->push_back(*s);
  }
  return true;
}

bool load_config(const std::string& path, Raw* raw, std::string* error) {
  toml::table tbl;
  try {
    tbl = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    *error = "config " + path + ":" + std::to_string(src.begin.line) + ": " + std::string(e.description());
    return false;
  }
  for (const auto& [key_node, node] : tbl) {
    const std::string key(key_node.str());
    bool ok = true;
    auto get_string = [&](std::string* dst) {
      if (auto s = node.value<std::string>())
        *dst = *s;
      else
        ok = false;
    };
    if (key == "port" || key == "ports") {
      ok = toml_strings(node, &raw->ports);
    } else if (key == "controller" || key == "controllers") {
      ok = toml_strings(node, &raw->controllers);
    } else if (key == "listen") {
      ok = toml_strings(node, &raw->listens);
    } else if (key == "app") {
      ok = toml_strings(node, &raw->app_words);
    } else if (key == "eal") {
      ok = toml_strings(node, &raw->eal);
    } else if (key == "datapath-id") {
      if (auto i = node.value<int64_t>())
        raw->dpid = std::to_string(*i);
      else
        get_string(&raw->dpid);
    } else if (key == "fail-mode") {
      get_string(&raw->fail_mode);
    } else if (key == "control-socket") {
      get_string(&raw->control_socket);
    } else if (key == "local-port") {
      get_string(&raw->local_port);
    } else if (key == "local-port-name") {
      get_string(&raw->local_port_name);
    } else if (key == "log") {
      get_string(&raw->log_level);
    } else if (key == "workers" || key == "miss-send-len" || key == "flow-capacity" ||
               key == "packet-in-rate" || key == "packet-in-ring") {
      auto i = node.value<int64_t>();
      if (!i || *i < 0 || *i > 0xffffffffLL) {
        ok = false;
      } else if (key == "workers") {
        raw->workers = static_cast<unsigned>(*i);
      } else if (key == "miss-send-len") {
        raw->miss_send_len = static_cast<unsigned>(*i);
      } else if (key == "packet-in-rate") {
        raw->packet_in_rate = static_cast<uint32_t>(*i);
      } else if (key == "packet-in-ring") {
        raw->packet_in_ring = static_cast<uint32_t>(*i);
      } else {
        raw->flow_capacity = static_cast<uint32_t>(*i);
      }
    } else if (key == "probe-interval" || key == "max-backoff") {
      auto d = node.value<double>();
      if (!d)
        ok = false;
      else
        (key == "probe-interval" ? raw->probe_interval : raw->max_backoff) = *d;
    } else if (key == "exit-on-eof" || key == "paused") {
      if (auto b = node.value<bool>())
        (key == "paused" ? raw->paused : raw->exit_on_eof) = *b;
      else
        ok = false;
    } else {
      *error = "config " + path + ": unknown key '" + key + "'";
      return false;
    }
    if (!ok) {
      *error = "config " + path + ": bad value for '" + key + "'";
      return false;
    }
  }
  return true;
}

std::string option_name(const std::string& word) {
  const size_t eq = word.find('=');
  return eq == std::string::npos ? word : word.substr(0, eq);
}

Duration seconds_to_ms(double s) { return Duration(static_cast<int64_t>(std::llround(s * 1000.0))); }

}  // namespace

bool OfdpOptions::has_local_controller() const {
  return std::any_of(controllers.begin(), controllers.end(),
                     [](const Target& t) { return t.kind == Target::Kind::kLocal; });
}

const char* fail_mode_name(FailMode mode) { return mode == FailMode::kSecure ? "secure" : "standalone"; }

std::optional<uint64_t> parse_datapath_id(const std::string& text) {
  std::string s = text;
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s = s.substr(2);
    base = 16;
  } else if (s.size() == 16 && is_hex(s)) {
    base = 16;
  }
  if (s.empty() || s.size() > (base == 16 ? 16u : 20u)) return std::nullopt;
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<std::string> vdev_port_spec(const std::string& vdev) {
  const size_t comma = vdev.find(',');
  const std::string name = vdev.substr(0, comma);
  if (name.rfind("net_pcap", 0) != 0 && name.rfind("eth_pcap", 0) != 0) return std::nullopt;
  std::string rx, tx, iface;
  size_t pos = comma;
  while (pos != std::string::npos) {
    const size_t next = vdev.find(',', pos + 1);
    const std::string kv =
        vdev.substr(pos + 1, next == std::string::npos ? std::string::npos : next - pos - 1);
    const size_t eq = kv.find('=');
    const std::string k = kv.substr(0, eq), v = eq == std::string::npos ? "" : kv.substr(eq + 1);
    if (k == "rx_pcap")
      rx = v;
    else if (k == "tx_pcap")
      tx = v;
    else if (k == "iface")
      iface = v;
    else
      return std::nullopt;  // rx_iface, tx_iface, infinite_rx, ...: no libpcap-port equivalent
    pos = next;
  }
  if (!iface.empty() && rx.empty() && tx.empty()) return "pcap:" + iface;
  if (iface.empty() && !rx.empty()) return "file:" + rx + (tx.empty() ? "" : ",out=" + tx);
  if (iface.empty() && rx.empty() && !tx.empty()) return "file:,out=" + tx;
  return std::nullopt;
}

std::vector<std::string> vdevs_of(const std::vector<std::string>& eal_args) {
  std::vector<std::string> v;
  for (size_t i = 1; i < eal_args.size(); ++i) {
    const std::string& w = eal_args[i];
    if (w.rfind("--vdev=", 0) == 0)
      v.push_back(w.substr(7));
    else if (w == "--vdev" && i + 1 < eal_args.size())
      v.push_back(eal_args[++i]);
  }
  return v;
}

ParseOutcome parse_ofdp_options(const std::vector<std::string>& argv, OfdpOptions* out) {
  ParseOutcome outcome;
  auto fail = [&](std::string msg) {
    outcome.status = ParseStatus::kError;
    outcome.message = std::move(msg);
    return outcome;
  };
  Raw raw;
  std::string config;

  CLI::App app{"ofdp: OpenFlow 1.0 software switch", "ofdp"};
  app.footer(kEpilog);
  app.add_option("--port", raw.ports,
                 "A libpcap port: pcap:IFACE or file:IN.pcap[,out=OUT.pcap] (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--datapath-id", raw.dpid, "Datapath id: 0xHEX, 16 hex digits or decimal");
  app.add_option("--controller", raw.controllers,
                 "tcp:HOST[:PORT], unix:PATH, local or none (repeatable; default none)")
      ->allow_extra_args(false);
  app.add_option("--app", raw.app_words, "With --controller=local: an ofctl-run app and its options")
      ->allow_extra_args(false);
  app.add_option("--listen", raw.listens,
                 "Passive management listener: ptcp:[PORT][:ADDR] or punix:PATH (repeatable)")
      ->allow_extra_args(false);
  app.add_option("--fail-mode", raw.fail_mode,
                 "While disconnected: secure (drop misses) or standalone (learning switch)");
  app.add_option("--workers", raw.workers, "Worker threads (one per core)");
  app.add_option("--local-port", raw.local_port,
                 "OFPP_LOCAL (TX only): sink: (count and drop), file:,out=FILE, pcap:TAP, or none");
  app.add_option("--local-port-name", raw.local_port_name,
                 "OFPP_LOCAL's port name in features (as OVS: the bridge)");
  app.add_option("--miss-send-len", raw.miss_send_len,
                 "Initial miss_send_len (bytes of a missed packet sent)");
  app.add_option("--flow-capacity", raw.flow_capacity, "Flow table capacity (ALL_TABLES_FULL beyond it)");
  app.add_option("--packet-in-rate", raw.packet_in_rate,
                 "Table-miss PacketIns per second per input port per worker, a token bucket (0: unlimited; "
                 "default 10000)");
  app.add_option("--packet-in-ring", raw.packet_in_ring,
                 "PacketIns each worker can queue for the agent, a power of two 16..65536 (default 1024; "
                 "misses beyond it are dropped as ring_full)");
  app.add_flag("--exit-on-eof", raw.exit_on_eof, "Exit 0 once every file input is exhausted and answered");
  app.add_flag("--dump-flows-on-exit", raw.dump_flows_on_exit,
               "Print the flow table to stdout at exit, in ovs-ofctl dump-flows syntax");
  app.add_flag(
      "--paused", raw.paused,
      "Start with the workers stopped until the control socket gets \"resume\" (set up flows first)");
  app.add_option("--config", config, "TOML configuration file (see configs/ofdp.toml)");
  app.add_option("--control-socket", raw.control_socket, "Unix socket answering show, dump-flows, stats");
  app.add_option("--probe-interval", raw.probe_interval,
                 "Seconds of controller silence before an echo probe (0: off)");
  app.add_option("--max-backoff", raw.max_backoff, "Maximum seconds between reconnection attempts");
  app.add_option("--log", raw.log_level, "trace, debug, info, warn, error, off");
  app.add_option("--ctl", raw.ctl,
                 "Client mode: send COMMAND to the control socket at PATH and print the answer");
  app.add_option("command", raw.command, "With --ctl: show, dump-flows or stats");

  const SplitArgs split = split_eal_args(argv);

  // Pre-scan: --config first (it supplies defaults), and the app words.
  std::vector<std::string> words;
  std::vector<std::string> app_words;
  bool in_app = false;
  for (size_t i = 0; i < split.ofdp.size(); ++i) {
    const std::string& w = split.ofdp[i];
    const std::string name = option_name(w);
    if (name == "--app") {
      in_app = true;
      if (w.size() > 6) {
        app_words.push_back(w.substr(6));
      } else if (i + 1 < split.ofdp.size()) {
        app_words.push_back(split.ofdp[++i]);
      } else {
        return fail("--app needs an app name");
      }
      continue;
    }
    if (in_app && w.rfind("-", 0) == 0 && app.get_option_no_throw(name) == nullptr) {
      app_words.push_back(w);
      continue;
    }
    in_app = false;
    if (name == "--config") {
      if (w.size() > 9)
        config = w.substr(9);
      else if (i + 1 < split.ofdp.size())
        config = split.ofdp[i + 1];
    }
    words.push_back(w);
  }

  if (!config.empty()) {
    std::string error;
    if (!load_config(config, &raw, &error)) return fail(error);
  }
  const std::vector<std::string> config_app = raw.app_words;
  const std::vector<std::string> config_eal = raw.eal;

  try {
    std::vector<std::string> reversed(words.rbegin(), words.rend());
    app.parse(reversed);  // CLI11 takes the words in reverse order
  } catch (const CLI::CallForHelp&) {
    outcome.status = ParseStatus::kHelp;
    outcome.message = app.help();
    return outcome;
  } catch (const CLI::ParseError& e) {
    return fail(e.what());
  }
  // The --app option was removed from the words; restore the collected ones.
  raw.app_words = app_words.empty() ? config_app : app_words;

  OfdpOptions o;
  o.config_file = config;
  const bool full_form = std::find(argv.begin() + (argv.empty() ? 0 : 1), argv.end(), "--") != argv.end();
  if (!full_form && !config_eal.empty()) {
    std::vector<std::string> merged;
    merged.push_back(argv.empty() ? "ofdp" : argv[0]);
    merged.insert(merged.end(), config_eal.begin(), config_eal.end());
    merged.insert(merged.end(), argv.begin() + (argv.empty() ? 0 : 1), argv.end());
    o.eal_args = split_eal_args(merged).eal;
  } else {
    o.eal_args = split.eal;
  }
  o.eal_devices = full_form || std::any_of(o.eal_args.begin(), o.eal_args.end(), [](const std::string& w) {
                    const std::string n = option_name(w);
                    return n == "--vdev" || n == "-a" || n == "--allow";
                  });

  if (!raw.ctl.empty()) {
    if (raw.command.empty()) return fail("--ctl needs a command: show, dump-flows or stats");
    o.ctl_path = raw.ctl;
    o.ctl_command = raw.command;
    *out = std::move(o);
    return outcome;
  }
  if (!raw.command.empty()) return fail("unexpected argument '" + raw.command.front() + "' (see --help)");

  o.ports = raw.ports;
  if (!raw.dpid.empty()) {
    o.datapath_id = parse_datapath_id(raw.dpid);
    if (!o.datapath_id)
      return fail("bad --datapath-id '" + raw.dpid + "': expected 0xHEX, 16 hex digits or decimal");
  }
  int locals = 0;
  for (const std::string& c : raw.controllers) {
    std::string error;
    auto t = parse_active_target(c, &error);
    if (!t) return fail(error);
    if (t->kind == Target::Kind::kNone) continue;
    if (t->kind == Target::Kind::kLocal) ++locals;
    o.controllers.push_back(*t);
  }
  if (raw.controllers.size() > 1 &&
      std::find(raw.controllers.begin(), raw.controllers.end(), "none") != raw.controllers.end())
    return fail("--controller=none cannot be combined with other controllers");
  if (locals > 1) return fail("--controller=local given more than once");
  o.app_args = raw.app_words;
  if (!o.app_args.empty() && locals == 0) return fail("--app needs --controller=local");
  if (o.app_args.empty() && locals > 0)
    return fail("--controller=local needs --app=NAME (e.g. --app=l2_learning)");
  for (const std::string& l : raw.listens) {
    std::string error;
    auto t = parse_passive_target(l, &error);
    if (!t) return fail(error);
    o.listens.push_back(*t);
  }
  if (raw.fail_mode == "secure")
    o.fail_mode = FailMode::kSecure;
  else if (raw.fail_mode == "standalone")
    o.fail_mode = FailMode::kStandalone;
  else
    return fail("bad --fail-mode '" + raw.fail_mode + "': expected secure or standalone");
  if (raw.workers < 1 || raw.workers > 128)
    return fail("bad --workers " + std::to_string(raw.workers) + ": expected 1..128");
  o.workers = raw.workers;
  o.local_port = raw.local_port == "none" ? "" : raw.local_port;
  if (raw.local_port_name.empty() || raw.local_port_name.size() >= 16)
    return fail("bad --local-port-name: expected 1..15 characters");
  o.local_port_name = raw.local_port_name;
  if (raw.miss_send_len > 65535) return fail("bad --miss-send-len: expected 0..65535");
  o.miss_send_len = static_cast<uint16_t>(raw.miss_send_len);
  o.flow_capacity = raw.flow_capacity;
  o.packet_in_rate = raw.packet_in_rate;
  if (raw.packet_in_ring < 16 || raw.packet_in_ring > 65536 ||
      (raw.packet_in_ring & (raw.packet_in_ring - 1)))
    return fail("bad --packet-in-ring " + std::to_string(raw.packet_in_ring) +
                ": expected a power of two 16..65536");
  o.packet_in_ring = raw.packet_in_ring;
  o.exit_on_eof = raw.exit_on_eof;
  o.paused = raw.paused;
  o.dump_flows_on_exit = raw.dump_flows_on_exit;
  if (o.paused && raw.control_socket.empty())
    return fail("--paused needs --control-socket (to send \"resume\")");
  o.control_socket = raw.control_socket;
  if (!(raw.probe_interval >= 0 && raw.probe_interval <= 3600))
    return fail("bad --probe-interval: expected 0..3600 seconds");
  if (!(raw.max_backoff > 0 && raw.max_backoff <= 3600))
    return fail("bad --max-backoff: expected (0, 3600] seconds");
  o.probe_interval = seconds_to_ms(raw.probe_interval);
  o.max_backoff = seconds_to_ms(raw.max_backoff);
  static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(std::begin(kLevels), std::end(kLevels), raw.log_level) == std::end(kLevels))
    return fail("bad --log '" + raw.log_level + "'");
  o.log_level = raw.log_level;
  if (o.ports.empty() && !o.eal_devices)
    return fail("no ports: give --port=... or EAL --vdev=... (see --help)");
  *out = std::move(o);
  return outcome;
}

}  // namespace ofkit::dp
