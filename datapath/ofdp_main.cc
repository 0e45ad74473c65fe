// ofdp: the OpenFlow 1.0 software switch.
//
// Start-up: options (command line over config file) -> datapath (ports,
// flow table; workers not yet running) -> agent (listeners, controller
// channels, in-process controller) -> control socket -> workers. Then the
// control thread runs the agent's event loop until SIGINT/SIGTERM, or with
// --exit-on-eof until every file input is exhausted and answered:
//
//   inputs exhausted and no new datapath events  -> echo round trip with every
//   controller (it has handled every PACKET_IN sent before and its answers
//   were applied on arrival)                      -> every worker reached the
//   newest epoch                                  -> stop (flushes TX) -> exit 0
//
// With --exit-on-eof and a controller, workers start only once every
// controller has finished its start-up (FEATURES and the echo after it), so
// no frame of the trace meets a switch whose controller is not there yet.

#include <signal.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <iostream>
#include <memory>

#include "controller/embedded.h"
#include "datapath/agent.h"
#include "datapath/channel_local.h"
#include "datapath/control_socket.h"
#include "datapath/datapath.h"
#include "datapath/options.h"
#include "datapath/ports/dpdk.h"
#include "ofkit_config.h"

namespace {

using namespace ofkit;
using namespace ofkit::dp;

std::atomic<bool> g_stop{false};
std::atomic<bool> g_dump{false};
EventLoop* g_loop = nullptr;

void on_signal(int sig) {
  if (sig == SIGUSR1)
    g_dump.store(true);
  else
    g_stop.store(true);
  if (g_loop) g_loop->wake();
}

void install_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGUSR1, &sa, nullptr);
  signal(SIGPIPE, SIG_IGN);
}

std::string counters_table(const Datapath& dp, const Agent& agent) {
  return dp.counters_text() + agent.counters_text();
}

int run_ctl(const OfdpOptions& o) {
  std::string cmd;
  for (const std::string& w : o.ctl_command) cmd += (cmd.empty() ? "" : " ") + w;
  std::string answer, error;
  if (!control_socket_request(o.ctl_path, cmd, &answer, &error)) {
    std::fprintf(stderr, "ofdp: %s\n", error.c_str());
    return 1;
  }
  std::fputs(answer.c_str(), stdout);
  return answer.rfind("error:", 0) == 0 ? 1 : 0;
}

// The data plane's ports for the EAL devices given. With DPDK built in, EAL
// is initialised and every vdev becomes "dpdk:NAME" (",eof" when it replays
// a trace, rx_pcap=); PCI devices come as probed. Without DPDK, net_pcap
// vdevs map to the equivalent libpcap ports and anything else is an error.
bool eal_ports(const OfdpOptions& o, std::vector<std::string>* ports, std::string* error) {
  const std::vector<std::string> vdevs = vdevs_of(o.eal_args);
  bool pci = false;
  for (size_t i = 1; i < o.eal_args.size(); ++i) {
    const std::string& w = o.eal_args[i];
    if (w == "-a" || w.rfind("-a=", 0) == 0 || w.rfind("--allow", 0) == 0) pci = true;
  }
  if (dpdk_built_in()) {
    // DPDK 22.11 refuses --in-memory together with --no-huge (which implies
    // legacy memory); --no-shconf gives the same "no files left behind".
    std::vector<std::string> eal = o.eal_args;
    const bool no_huge = std::find(eal.begin(), eal.end(), "--no-huge") != eal.end();
    if (auto it = std::find(eal.begin(), eal.end(), "--in-memory"); no_huge && it != eal.end())
      *it = "--no-shconf";
    if (!dpdk_init(eal, error)) return false;
    if (pci) {
      const auto all = dpdk_port_specs();
      ports->insert(ports->end(), all.begin(), all.end());
      return true;
    }
    for (const std::string& vdev : vdevs) {
      const std::string name = vdev.substr(0, vdev.find(','));
      // A net_pcap vdev not on a live interface (rx_pcap=, or tx_pcap= alone)
      // has finite input: --exit-on-eof may end once it is drained.
      const bool pcap_vdev = name.rfind("net_pcap", 0) == 0 || name.rfind("eth_pcap", 0) == 0;
      const bool finite = pcap_vdev && vdev.find("iface=") == std::string::npos;
      ports->push_back("dpdk:" + name + (finite ? ",eof" : ""));
    }
    return true;
  }
  for (const std::string& vdev : vdevs) {
    auto spec = vdev_port_spec(vdev);
    if (!spec) {
      *error = "EAL device '" + vdev +
               "' needs DPDK, which this ofdp was built without; use net_pcap vdevs or "
               "--port=pcap:IFACE / --port=file:IN[,out=OUT]";
      return false;
    }
    ports->push_back(*spec);
  }
  if (pci) {
    *error = "PCI devices need DPDK, which this ofdp was built without";
    return false;
  }
  return true;
}

int run(const OfdpOptions& o) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("ofdp"));
  spdlog::set_level(spdlog::level::from_str(o.log_level));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ ofdp: %v");

  DatapathConfig dc;
  dc.datapath_id = o.datapath_id.value_or(0);
  dc.workers = o.workers;
  dc.local_port = o.local_port;
  dc.local_port_name = o.local_port_name;
  if (o.flow_capacity) dc.flow_capacity = o.flow_capacity;
  dc.miss_rate_pps = o.packet_in_rate;
  dc.packet_in_ring = o.packet_in_ring;
  std::string error;
  if (o.eal_devices && !eal_ports(o, &dc.ports, &error)) {
    spdlog::error("{}", error);
    return 1;
  }
  dc.ports.insert(dc.ports.end(), o.ports.begin(), o.ports.end());
  std::unique_ptr<Datapath> dp = Datapath::create(dc, &error);
  if (!dp) {
    spdlog::error("{}", error);
    return 1;
  }
  SwitchConfig sc = dp->get_config();
  sc.miss_send_len = o.miss_send_len;
  dp->set_config(sc);

  EventLoop loop;
  g_loop = &loop;
  install_signals();
  // A worker that queues PacketIns while the agent sleeps wakes it at once.
  dp->set_packet_in_wakeup([&loop] { loop.wake(); });

  AgentConfig ac;
  for (const Target& t : o.controllers)
    if (t.kind != Target::Kind::kLocal) ac.controllers.push_back(t);
  ac.listens = o.listens;
  ac.fail_mode = o.fail_mode;
  ac.probe_interval = o.probe_interval;
  ac.initial_backoff = std::min(Duration(1000), o.max_backoff);
  ac.max_backoff = o.max_backoff;
  Agent agent(dp.get(), &loop, ac);
  agent.set_workers_running(false);
  if (!agent.start(&error)) {
    spdlog::error("{}", error);
    return 1;
  }

  std::unique_ptr<ctl::EmbeddedController> local;
  if (o.has_local_controller()) {
    local = ctl::EmbeddedController::start(o.app_args, &error);
    if (!local) {
      spdlog::error("in-process controller: {}", error);
      return 2;
    }
    agent.add_local_controller(std::make_unique<LocalChannelAdapter>(local->connect_switch()));
  }

  bool paused = o.paused;
  std::unique_ptr<ControlSocket> control;
  if (!o.control_socket.empty()) {
    control = ControlSocket::open(
        &loop, o.control_socket,
        [&](const std::string& cmd) -> std::string {
          if (cmd == "show") return agent.show_text();
          if (cmd == "dump-flows") return dp->dump_flows_text();
          if (cmd == "stats") return counters_table(*dp, agent);
          if (cmd == "resume") {
            const bool was = paused;
            paused = false;
            return was ? "resumed\n" : "not paused\n";
          }
          return "error: unknown command '" + cmd + "' (show, dump-flows, stats, resume)\n";
        },
        &error);
    if (!control) {
      spdlog::error("control socket: {}", error);
      return 1;
    }
  }

  const Features f = dp->features();
  spdlog::info("datapath {:016x}: {} port(s), {} worker(s), fail-mode {}", f.datapath_id, f.ports.size(),
               o.workers, fail_mode_name(o.fail_mode));

  // Workers: at once, or (--exit-on-eof with controllers) once every
  // controller has completed its start-up, waiting at most 30 s.
  const bool wait_for_controllers = o.exit_on_eof && agent.has_controllers();
  TimePoint start_deadline = SteadyClock::now() + std::chrono::seconds(30);
  bool workers_running = false;

  enum class Eof { kRunning, kDraining, kSyncing, kFlushing } eof = Eof::kRunning;
  uint64_t events_mark = 0;
  int quiet_rounds = 0;
  uint64_t flush_epoch = 0;
  int exit_code = 0;

  while (!g_stop.load()) {
    if (paused) start_deadline = SteadyClock::now() + std::chrono::seconds(30);
    if (!workers_running && !paused) {
      if (!wait_for_controllers || agent.controllers_ready() || SteadyClock::now() >= start_deadline) {
        if (wait_for_controllers && !agent.controllers_ready())
          spdlog::warn("controllers not ready after 30 s; starting the workers anyway");
        dp->start();
        workers_running = true;
        agent.set_workers_running(true);
      }
    }
    Duration wait = agent.tick();
    // PacketIns wake the loop (set_packet_in_wakeup above); the workers'
    // barrier epochs do not, so still look every millisecond.
    if (workers_running) wait = std::min(wait, Duration(1));
    if (g_dump.exchange(false)) std::fputs(counters_table(*dp, agent).c_str(), stderr);

    if (o.exit_on_eof && workers_running) {
      const uint64_t events = agent.counters().datapath_events;
      switch (eof) {
        case Eof::kRunning:
          if (dp->inputs_exhausted()) {
            eof = Eof::kDraining;
            events_mark = events;
            quiet_rounds = 0;
          }
          break;
        case Eof::kDraining:
          if (events != events_mark) {
            events_mark = events;
            quiet_rounds = 0;
          } else if (++quiet_rounds >= 3) {
            agent.begin_sync();
            eof = Eof::kSyncing;
          }
          break;
        case Eof::kSyncing:
          if (agent.sync_done()) {
            if (agent.counters().datapath_events != events_mark) {  // the answers caused more work
              eof = Eof::kDraining;
              events_mark = agent.counters().datapath_events;
              quiet_rounds = 0;
            } else {
              flush_epoch = dp->barrier_epoch();
              eof = Eof::kFlushing;
            }
          }
          break;
        case Eof::kFlushing:
          if (dp->epoch_reached(flush_epoch)) {
            spdlog::info("all inputs exhausted and answered; exiting");
            g_stop.store(true);
          }
          break;
      }
      if (eof != Eof::kRunning) wait = std::min(wait, Duration(1));
    }
    if (!g_stop.load()) loop.run_once(wait);
  }

  dp->stop();
  agent.tick();  // FLOW_REMOVED etc. produced while stopping go nowhere useful, but keep the books straight
  std::fputs(counters_table(*dp, agent).c_str(), stderr);
  if (o.dump_flows_on_exit) std::fputs(dp->dump_flows_text().c_str(), stdout);
  control.reset();
  if (local) local->stop();
  g_loop = nullptr;
  return exit_code;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv, argv + argc);
  OfdpOptions options;
  const ParseOutcome r = parse_ofdp_options(args, &options);
  if (r.status == ParseStatus::kHelp) {
    std::fputs(r.message.c_str(), stdout);
    return 0;
  }
  if (r.status == ParseStatus::kError) {
    std::fprintf(stderr, "ofdp: %s\nRun 'ofdp --help' for the options.\n", r.message.c_str());
    return 2;
  }
  if (!options.ctl_path.empty()) return run_ctl(options);
  return run(options);
}
