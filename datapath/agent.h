#pragma once
// The OpenFlow agent: ofdp's control thread speaking OpenFlow 1.0 to every
// peer and driving the Datapath facade (datapath.h).
//
// Peers are Connections, each a Channel (channel.h) plus a framer, an echo
// keepalive and the handshake state. Two roles:
//   controller  active channels the agent opens (tcp:, unix:, reconnecting
//               with exponential back-off) and the in-process controller
//               (local). They receive the asynchronous messages: PACKET_IN,
//               FLOW_REMOVED, PORT_STATUS.
//   management  clients accepted on a passive listener (ptcp:, punix:), such
//               as ovs-ofctl. They get replies only.
//
// Invariants:
//   - Every message a peer sends gets its reply or an OFPT_ERROR carrying the
//     decoder's or the datapath's (type, code) and the offending bytes; a
//     malformed message never closes the connection, except a length field
//     below 8, from which a stream cannot be resynchronised.
//   - BARRIER: the reply is sent only when every worker has reached the epoch
//     of every change made before the request; until then the agent handles
//     no further message from that peer, so replies stay in order.
//   - Fail mode: while no controller connection is up, secure drops misses
//     (flows stay), standalone installs one priority-0 match-all flow with
//     output:NORMAL (the data plane's learning switch), removed as soon as a
//     controller says HELLO. If emergency flows (OFPFF_EMERG) are stored,
//     losing the last controller first enters OF1.0 emergency mode: normal
//     flows are deleted and the emergency flows installed (they stay after a
//     controller reconnects, for it to delete).
//   - HELLO first (OF1.0 section 6.3.1, as Open vSwitch enforces it): a peer
//     whose first message is not HELLO gets OFPET_HELLO_FAILED/INCOMPATIBLE
//     and is disconnected.
//   - Output is gathered: replies and asynchronous messages are queued on
//     the channel and written once per service()/tick() (one send() for
//     many messages). A peer that does not read is throttled (no reading
//     above output_high_water) and then disconnected (max_output_bytes).
//
// Time comes in through NowFn so the unit tests run keepalive, inactivity
// and back-off on a fake clock. Single-threaded: everything runs on the
// control thread, from EventLoop handlers and tick().

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "datapath/agent_backoff.h"
#include "datapath/agent_event_loop.h"
#include "datapath/agent_keepalive.h"
#include "datapath/channel.h"
#include "datapath/channel_target.h"
#include "datapath/datapath.h"
#include "datapath/options.h"
#include "oflib/wire/framer.h"
#include "oflib/wire/header.h"
#include "oflib/wire/message.h"

namespace ofkit::dp {

struct AgentConfig {
  std::vector<Target> controllers;  // kTcp / kUnix (local ones are attached with add_local_controller)
  std::vector<Target> listens;      // kPtcp / kPunix
  FailMode fail_mode = FailMode::kSecure;
  Duration probe_interval{5000};  // 0: no echo keepalive
  Duration initial_backoff{1000};
  Duration max_backoff{8000};
  Duration connect_timeout{5000};
  size_t max_backlog_bytes = 8u << 20;  // PacketIns to a controller are dropped beyond this
  // Unsent output per connection: above output_high_water the agent stops
  // reading and handling that peer's requests until it drains; above
  // max_output_bytes (a peer that never reads) it disconnects.
  size_t output_high_water = 1u << 20;
  size_t max_output_bytes = 32u << 20;
};

struct AgentCounters {
  uint64_t messages_received = 0;
  uint64_t messages_sent = 0;
  uint64_t errors_sent = 0;
  uint64_t packet_ins_sent = 0;
  uint64_t packet_ins_dropped_disconnected = 0;  // no controller up (fail mode)
  uint64_t packet_ins_dropped_backlog = 0;       // controller not reading
  uint64_t connections_accepted = 0;
  uint64_t controller_connects = 0;
  uint64_t controller_disconnects = 0;
  uint64_t echo_probes_sent = 0;
  uint64_t inactivity_disconnects = 0;
  uint64_t datapath_events = 0;  // PACKET_IN, FLOW_REMOVED, PORT_STATUS handed over by the datapath
  uint64_t hello_failures = 0;   // peers whose first message was not HELLO (or an older version)
  uint64_t output_overflow_disconnects = 0;  // peers that stopped reading (max_output_bytes)
  uint64_t emergency_entries = 0;            // times emergency mode was entered
};

class Agent {
 public:
  using NowFn = std::function<TimePoint()>;
  enum class Role { kController, kManagement };

  Agent(
      Datapath* dp, EventLoop* loop, AgentConfig config, NowFn now = [] { return SteadyClock::now(); });
  ~Agent();
  Agent(const Agent&) = delete;
  Agent& operator=(const Agent&) = delete;

  // Opens the listeners and starts connecting to the controllers. false and
  // *error if a listener cannot be opened.
  bool start(std::string* error);

  // Attaches the in-process controller's channel (--controller=local).
  int add_local_controller(std::unique_ptr<Channel> channel);
  // Adopts an established channel; sends HELLO. Returns the connection id.
  int adopt(std::unique_ptr<Channel> channel, Role role, bool keepalive);
  // Reads what the connection's channel has and handles the whole messages
  // (the event loop calls it on readability; tests call it directly).
  void service(int conn_id);

  // Periodic work: datapath events (PacketIns, port changes), flow expiry,
  // pending barriers, keepalives, reconnects, fail mode. Returns how long
  // the caller may sleep before the next deadline.
  Duration tick();

  // --- state -----------------------------------------------------------------
  bool connected(int conn_id) const { return conns_.count(conn_id) != 0; }
  size_t connection_count() const { return conns_.size(); }
  // A controller connection has exchanged HELLO.
  bool controller_up() const;
  // Every configured controller (active and local) has answered FEATURES and
  // the echo that follows it: its start-up messages have been applied.
  bool controllers_ready() const;
  bool has_controllers() const { return !links_.empty(); }
  bool fail_open_active() const { return fail_open_installed_; }
  // The bound port of each ptcp listener, in --listen order (for ptcp:0).
  std::vector<uint16_t> listen_ports() const;
  const AgentCounters& counters() const { return counters_; }
  // Connection attempts made to active controllers so far (all links).
  uint64_t connect_attempts() const;

  // --exit-on-eof: sends an ECHO_REQUEST to every controller that is up;
  // sync_done() turns true when all have answered, i.e. the controller has
  // handled everything the switch sent before and its answers were applied.
  void begin_sync();
  bool sync_done() const;

  // While the workers are not running (ofdp --paused), barriers are answered
  // at once: no packet can meet an older table, since a worker applies every
  // queued change before its first burst. Default: running.
  void set_workers_running(bool running) { workers_running_ = running; }

  // Text for the control socket's "show".
  std::string show_text() const;
  std::string counters_text() const;

 private:
  struct Connection;
  struct Link;
  struct Listener;

  void on_readable(int conn_id, uint32_t events);
  void process(Connection& c);
  void handle(Connection& c, std::span<const uint8_t> bytes);
  void handle_stats(Connection& c, uint32_t xid, const of::StatsRequest& req, std::span<const uint8_t> bytes);
  void send(Connection& c, const of::Message& m, uint32_t xid);
  void send_raw(Connection& c, std::span<const uint8_t> bytes);
  void send_error(Connection& c, of::Ofperr err, std::span<const uint8_t> offending);
  void close_connection(int conn_id, const std::string& why);
  void update_interest(Connection& c);
  void on_dp_event(Event&& e);
  void broadcast(const of::Message& m, bool is_packet_in);
  void check_barriers();
  void check_keepalives(TimePoint now);
  void drive_links(TimePoint now);
  void attempt_connect(size_t link_index, TimePoint now);
  void on_connect_ready(size_t link_index);
  void link_lost(size_t link_index, TimePoint now, const std::string& why);
  void update_fail_mode();
  void flush_output(Connection& c);
  void on_accept(size_t listener_index);

  Datapath* dp_;
  EventLoop* loop_;
  AgentConfig config_;
  NowFn now_;
  std::map<int, std::unique_ptr<Connection>> conns_;
  std::vector<std::unique_ptr<Link>> links_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  int next_conn_id_ = 1;
  bool fail_open_installed_ = false;
  bool controller_was_up_ = false;
  bool workers_running_ = true;
  TimePoint next_expire_{};
  std::vector<int> to_close_;
  std::vector<uint8_t> scratch_;
  AgentCounters counters_;
};

}  // namespace ofkit::dp
