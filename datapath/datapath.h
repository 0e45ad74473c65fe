#pragma once
// Datapath: the facade the OpenFlow agent (control thread) drives.
//
// What it is: ports, per-core workers, the authoritative OpenFlow 1.0 flow
// table and the OF1.0 packet buffers, behind plain C++ calls over values
// (of::Match, of::ActionList, and the request/answer structs below, whose
// field names follow the spec's ofp_* structs one for one so the agent can
// copy them to and from oflib/wire's message values).
//
// Threads: every method is called on ONE control thread (the agent's). The
// workers started by start() only read their own replicas and rings. Events
// for the controller (PACKET_IN, FLOW_REMOVED, PORT_STATUS) are handed to the
// EventHandler on the control thread: FLOW_REMOVED from flow_mod() and
// expire_flows(), PORT_STATUS from port_mod() and poll_control() (link
// changes), PACKET_IN from poll_control() (which drains the workers' rings).
//
// Barriers: every change the control thread makes (flow_mod, port_mod,
// set_config) gets an epoch. barrier_epoch() returns the newest; when
// epoch_reached(e) is true every worker has applied every change up to e, so
// the agent may send OFPT_BARRIER_REPLY. A typical agent loop:
//
//   dp.poll_control(64);             // PacketIns and port changes -> handler
//   dp.expire_flows();               // idle/hard timeouts -> FLOW_REMOVED
//   for (auto& b : pending_barriers) if (dp.epoch_reached(b.epoch)) reply(b);
//
// Time comes from a Clock so tests can drive timeouts with FakeClock.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "oflib/packet/addr.h"
#include "oflib/wire/action.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"
#include "oflib/wire/features.h"
#include "oflib/wire/flow_mod.h"
#include "oflib/wire/match.h"
#include "oflib/wire/packet_in.h"
#include "oflib/wire/packet_out.h"
#include "oflib/wire/port.h"
#include "oflib/wire/stats.h"

namespace ofkit::dp {

class Port;

// ---- time -------------------------------------------------------------------

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t now_ns() const = 0;  // monotonic; may be read by workers
};

// CLOCK_MONOTONIC.
class SystemClock final : public Clock {
 public:
  uint64_t now_ns() const override;
};

// A clock the test moves by hand. Safe to read from workers.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(uint64_t start_ns = 1'000'000'000) : now_(start_ns) {}
  uint64_t now_ns() const override { return now_.load(std::memory_order_relaxed); }
  void set_ns(uint64_t t) { now_.store(t, std::memory_order_relaxed); }
  void advance_ns(uint64_t d) { set_ns(now_ns() + d); }
  void advance_sec(double s) { advance_ns(static_cast<uint64_t>(s * 1e9)); }

 private:
  std::atomic<uint64_t> now_;
};

// ---- configuration ----------------------------------------------------------

struct DatapathConfig {
  uint64_t datapath_id = 0;                    // 0: derived from the first port's MAC
  unsigned workers = 1;                        // worker threads (one per core)
  size_t flow_capacity = 65536;                // more flows -> OFPFMFC_ALL_TABLES_FULL
  size_t emergency_capacity = 1024;            // OFPFF_EMERG entries
  uint32_t buffer_count = 256;                 // OF1.0 packet buffers (n_buffers)
  uint64_t buffer_timeout_ns = 5'000'000'000;  // an unclaimed buffer expires
  uint32_t miss_rate_pps = 10000;              // PacketIns per port per worker per second (0: unlimited)
  uint32_t miss_burst = 1000;                  // token bucket depth for the above
  size_t packet_in_ring = 1024;                // worker-to-agent PacketIn ring entries (a power of two)
  size_t control_packet_in_queue = 1024;  // PacketIns from packet_out (CONTROLLER/TABLE) held for the agent
  // OFPP_LOCAL: a port spec as below, TX only ("sink:" counts and drops;
  // "file:,out=local.pcap" records; "pcap:tap0" injects into a tap). Empty:
  // no local port (output:LOCAL is a counted drop, features list none).
  std::string local_port = "sink:";
  std::string local_port_name = "ofdp0";  // its ofp_phy_port name (OVS: the bridge's name)
  // Port specs in order; port numbers are 1, 2, ... in this order:
  //   "pcap:eth0"                      libpcap live capture + injection
  //   "file:in.pcap,out=out.pcap"      RX from a trace, TX to a trace (either may be absent)
  //   "mem:NAME"                       in-memory port (tests, benchmarks; see ports/memory_port.h)
  //   "dpdk:N" / "dpdk:NAME[,eof]"     DPDK ethdev (after dpdk_init(), datapath/ports/dpdk.h)
  std::vector<std::string> ports;
  // ofp_desc_stats strings.
  std::string mfr_desc = "ofkit";
  std::string hw_desc = "ofdp software switch";
  std::string sw_desc = "ofkit ofdp";
  std::string serial_num = "None";
  std::string dp_desc = "ofdp";
  const Clock* clock = nullptr;  // nullptr: SystemClock
};

// ---- values -------------------------------------------------------------------

// The values are oflib/wire's (field names as in the OF1.0 structs), under
// the names the datapath uses.
using PortInfo = of::PhyPort;                    // struct ofp_phy_port
using Features = of::FeaturesReply;              // struct ofp_switch_features
using FlowModRequest = of::FlowMod;              // struct ofp_flow_mod
using PacketOutRequest = of::PacketOut;          // struct ofp_packet_out
using PortModRequest = of::PortMod;              // struct ofp_port_mod
using PacketInEvent = of::PacketIn;              // struct ofp_packet_in
using FlowRemovedEvent = of::FlowRemoved;        // struct ofp_flow_removed
using PortStatusEvent = of::PortStatus;          // struct ofp_port_status
using FlowStatsRequest = of::FlowStatsRequest;   // struct ofp_flow_stats_request (and aggregate)
using FlowStatsEntry = of::FlowStats;            // struct ofp_flow_stats
using AggregateStats = of::AggregateStatsReply;  // struct ofp_aggregate_stats_reply
using TableStatsEntry = of::TableStats;          // struct ofp_table_stats
using PortStatsEntry = of::PortStats;            // struct ofp_port_stats (unavailable counters all-ones)
using QueueStatsEntry = of::QueueStats;          // struct ofp_queue_stats
using DescStats = of::DescStats;                 // struct ofp_desc_stats

struct SwitchConfig {  // struct ofp_switch_config
  uint16_t flags = of::config_flags::kFragNormal;
  uint16_t miss_send_len = of::kDefaultMissSendLen;
};

using Event = std::variant<PacketInEvent, FlowRemovedEvent, PortStatusEvent>;
using EventHandler = std::function<void(Event&&)>;

// Observability: sums over workers (and the control thread).
struct DatapathCounters {
  uint64_t rx_packets = 0;
  uint64_t tx_packets = 0;
  uint64_t drops_malformed = 0;    // frames too short / unparsable
  uint64_t drops_no_action = 0;    // matched a flow with no output (explicit drop)
  uint64_t drops_port_config = 0;  // NO_RECV / NO_FWD / PORT_DOWN
  uint64_t drops_tx = 0;           // a port's TX queue was full
  uint64_t drops_ring_full = 0;    // PacketIn ring (or the control thread's queue) was full
  uint64_t drops_frag = 0;         // IPv4 fragments dropped under OFPC_FRAG_DROP
  uint64_t drops_oversize = 0;     // frames over kMaxRxFrame, counted and dropped on RX
  uint64_t table_misses = 0;
  uint64_t packet_ins_sent = 0;
  uint64_t packet_ins_rate_limited = 0;
  uint64_t emc_hits = 0;
  uint64_t classifier_hits = 0;
  uint64_t flow_mods = 0;
  uint64_t flows = 0;  // installed now
};

// ---- the facade -------------------------------------------------------------

class Datapath {
 public:
  // Opens the ports named in config.ports; on failure returns nullptr and
  // sets *error to a message naming the port. Workers are not started yet.
  static std::unique_ptr<Datapath> create(const DatapathConfig& config, std::string* error);
  virtual ~Datapath() = default;

  // Starts config.workers worker threads polling the ports. Without start()
  // nothing is forwarded, but every control call still works (tests).
  virtual void start() = 0;
  // Stops and joins the workers and flushes every port's TX. Idempotent.
  virtual void stop() = 0;

  // Without start(): one pass of every worker's loop on the calling thread
  // (apply changes, poll each RX queue once). Deterministic tests use this.
  virtual void run_once() = 0;

  virtual void set_event_handler(EventHandler handler) = 0;

  // Port number 1..n (nullptr otherwise); tests reach MemoryPorts this way.
  virtual Port* port(uint16_t port_no) const = 0;
  virtual uint16_t port_count() const = 0;
  // The OFPP_LOCAL port (DatapathConfig::local_port), or nullptr.
  virtual Port* local_port() const { return nullptr; }

  // OFPT_FEATURES_REQUEST / GET_CONFIG / SET_CONFIG.
  virtual Features features() const = 0;
  virtual SwitchConfig get_config() const = 0;
  virtual void set_config(const SwitchConfig& config) = 0;

  // OFPT_FLOW_MOD. Errors are the OFPT_ERROR to send (OFPFMFC_OVERLAP,
  // OFPFMFC_ALL_TABLES_FULL, OFPFMFC_BAD_EMERG_TIMEOUT, OFPBAC_*,
  // OFPBRC_BUFFER_UNKNOWN — the last after the flow was installed, as
  // Open vSwitch does). Deletions emit FLOW_REMOVED (reason DELETE) for
  // flows with OFPFF_SEND_FLOW_REM through the handler.
  virtual of::Result<void> flow_mod(const FlowModRequest& request) = 0;

  // OFPT_PACKET_OUT: runs the actions on the buffered packet or the data,
  // transmitting from the control thread's TX queue. OFPP_TABLE looks the
  // packet up in the flow table.
  virtual of::Result<void> packet_out(const PacketOutRequest& request) = 0;

  // OFPT_PORT_MOD. Emits PORT_STATUS (MODIFY) when the config changed.
  virtual of::Result<void> port_mod(const PortModRequest& request) = 0;

  // OFPT_STATS_REQUEST bodies.
  virtual DescStats desc_stats() const = 0;
  virtual std::vector<FlowStatsEntry> flow_stats(const FlowStatsRequest& request) const = 0;
  virtual AggregateStats aggregate_stats(const FlowStatsRequest& request) const = 0;
  virtual std::vector<TableStatsEntry> table_stats() const = 0;
  // port_no OFPP_NONE: every port. An unknown port yields an empty list.
  virtual std::vector<PortStatsEntry> port_stats(uint16_t port_no) const = 0;
  // port_no OFPP_ALL and/or queue_id OFPQ_ALL select all; one queue (id 0) per port.
  virtual of::Result<std::vector<QueueStatsEntry>> queue_stats(uint16_t port_no, uint32_t queue_id) const = 0;

  // Barriers (see the top of this file).
  virtual uint64_t barrier_epoch() const = 0;
  virtual bool epoch_reached(uint64_t epoch) const = 0;

  // Drains up to `budget` PacketIns from the workers' rings (buffering each
  // packet and handing PacketInEvents to the handler) and reports link state
  // changes as PORT_STATUS. Returns the number of events handed out.
  virtual size_t poll_control(size_t budget) = 0;

  // Called from a worker thread when it queued PacketIns after
  // poll_control() found every ring empty (at most once per worker pass,
  // never per packet), so the control thread can sleep until there is work
  // instead of polling on a timer. Must be thread-safe and cheap (e.g.
  // EventLoop::wake). Set it before start().
  virtual void set_packet_in_wakeup(std::function<void()> wake) = 0;

  // Removes flows whose idle or hard timeout passed (FLOW_REMOVED for those
  // with SEND_FLOW_REM) and releases expired packet buffers. Cheap to call
  // often (e.g. every 100 ms); timeouts are accurate to the call interval.
  virtual void expire_flows() = 0;

  // OF1.0 emergency flows (OFPFF_EMERG): how many are stored, and entering
  // emergency mode when the controller connection is lost: every normal flow
  // is removed and the emergency flows are installed (see FlowTable).
  virtual size_t emergency_flow_count() const { return 0; }
  virtual size_t enter_emergency_mode() { return 0; }

  // True when every port with finite input (file ports) has delivered all
  // its frames and the workers have processed them (for --exit-on-eof).
  virtual bool inputs_exhausted() const = 0;

  virtual DatapathCounters counters() const = 0;
  // Human-readable counters per port and per worker (SIGUSR1, control socket).
  virtual std::string counters_text() const = 0;
  // One line per flow in ovs-ofctl dump-flows style (control socket).
  virtual std::string dump_flows_text() const = 0;
};

}  // namespace ofkit::dp
