#pragma once
// One OpenFlow 1.0 connection to a switch, owned by exactly one shard.
//
// Life: created when a socket is accepted/connected or a LocalChannel is
// attached; sends HELLO and negotiates the version (a peer whose HELLO
// carries version 0 gets OFPET_HELLO_FAILED/OFPHFC_INCOMPATIBLE and is
// closed; a newer peer is answered in 1.0); sends FEATURES_REQUEST; on the
// FEATURES_REPLY sends SET_CONFIG (miss_send_len) and hands itself to the
// shard, which moves it to shard hash(dpid) % N with any bytes already
// received, so the switch's messages stay in arrival order. From then on it
// raises events on its shard's bus.
//
// Reading: at most kReadBudget bytes per readiness event (epoll is level
// triggered, so a busy shard simply reads less often and TCP pushes back on
// the switch); reading stops while more than kHighWater bytes (at most a
// quarter of --max-output-buffer) wait to be written and resumes below
// kLowWater, and it stops while the shard as a whole is over its backlog
// (Shard::reads_paused). A connection whose unsent output exceeds
// --max-output-buffer is closed with that reason (a peer that reads nothing
// cannot grow memory without bound). Writing: everything sent during one
// loop iteration is appended to one buffer and leaves in one write at the
// end of the iteration.
//
// Hostile peers: a length field below 8 loses framing and closes the
// connection; a wrong version after the handshake draws
// OFPBRC_BAD_VERSION; a message that fails to decode draws the matching
// OFPT_ERROR (BAD_LEN ...) and is skipped; a peer that goes silent is probed
// with ECHO_REQUEST and closed after the echo timeout (which also ends a
// 65535-byte message that never completes); one that never finishes the
// handshake is closed after the handshake timeout.

#include <chrono>
#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "controller/event_loop.h"
#include "controller/transport.h"
#include "oflib/wire/features.h"
#include "oflib/wire/header.h"
#include "oflib/wire/match.h"
#include "oflib/wire/stats.h"

namespace ofkit::of {
struct FlowMod;
struct PacketOut;
struct PortMod;
}  // namespace ofkit::of

namespace ofkit::ctl {

class Shard;

using StatsCallback = std::function<void(const of::StatsReply* reply)>;  // nullptr: timeout/closed
using BarrierCallback = std::function<void(bool ok)>;

struct ConnectionCounters {
  uint64_t msgs_in = 0;
  uint64_t msgs_out = 0;
  uint64_t packet_ins = 0;
  uint64_t packet_ins_dropped = 0;  // over the rate limit
  uint64_t bad_messages = 0;
  uint64_t writes = 0;
};

class Connection : public IoHandler {
 public:
  enum class State : uint8_t { kHello, kFeatures, kUp, kClosed };

  static constexpr size_t kReadBudget = 256 * 1024;
  static constexpr size_t kHighWater = 4 * 1024 * 1024;
  static constexpr size_t kLowWater = 1024 * 1024;

  Connection(uint64_t id, std::unique_ptr<Transport> transport);
  ~Connection() override;

  // --- what apps use ---------------------------------------------------------
  uint64_t dpid() const { return dpid_; }
  uint64_t id() const { return id_; }
  const of::FeaturesReply& features() const { return features_; }
  std::string peer() const { return transport_ ? transport_->peer() : std::string(); }
  State state() const { return state_; }
  bool up() const { return state_ == State::kUp; }
  const ConnectionCounters& counters() const { return counters_; }
  Shard* shard() const { return shard_; }
  uint32_t next_xid() { return xids_.next(); }

  // Any wire struct with wire_len()/encode_to() (oflib/wire). Returns the xid.
  template <typename M>
  uint32_t send(const M& msg) {
    const uint32_t xid = xids_.next();
    send_with_xid(msg, xid);
    return xid;
  }
  template <typename M>
  void send_with_xid(const M& msg, uint32_t xid) {
    const size_t n = wire_len(msg);
    encode_to(msg, xid, reserve(n));
  }
  // Whole encoded messages, sent as they are.
  void send_raw(std::span<const uint8_t> bytes);

  uint32_t send_flow_mod(const of::FlowMod& fm);
  uint32_t send_packet_out(const of::PacketOut& po);
  uint32_t send_port_mod(const of::PortMod& pm);

  // Allocation-free FLOW_MOD ADD with one OUTPUT action (out_port ==
  // OFPP_NONE: no action, i.e. drop).
  uint32_t send_flow_add(const of::Match& match, uint16_t out_port, uint16_t idle_timeout,
                         uint16_t hard_timeout, uint32_t buffer_id, uint16_t priority = 0x8000,
                         uint64_t cookie = 0, uint16_t flags = 0);
  // Allocation-free PACKET_OUT with one OUTPUT action (none when out_port is
  // OFPP_NONE: the switch drops the buffered frame); data is sent only when
  // buffer_id is OFP_NO_BUFFER.
  uint32_t send_packet_out_port(uint32_t buffer_id, uint16_t in_port, uint16_t out_port,
                                std::span<const uint8_t> data);

  // BARRIER_REQUEST; cb(true) on the reply, cb(false) on timeout or close.
  uint32_t barrier(BarrierCallback cb, std::optional<Duration> timeout = std::nullopt);
  // STATS_REQUEST; cb gets the whole (multipart) reply, or nullptr on timeout,
  // an OFPT_ERROR for this xid, or close. Runs on this connection's shard.
  uint32_t request_stats(const of::StatsRequest& req, StatsCallback cb,
                         std::optional<Duration> timeout = std::nullopt);
  // The same as a future. Never wait on it from the shard's own thread.
  std::future<std::optional<of::StatsReply>> request_stats_future(
      const of::StatsRequest& req, std::optional<Duration> timeout = std::nullopt);

  // Closes now: raises ConnectionDown if the switch was up, fails pending
  // requests. The object is destroyed by the shard at the end of the iteration.
  void close(const std::string& reason);

  // --- runtime internals -------------------------------------------------------
  void attach(Shard* shard);               // on the new owner's thread: register the fd
  void detach();                           // unregister the fd before moving
  void resume_here() { moving_ = false; }  // handshake done on the dpid's own shard
  void start_handshake();                  // sends HELLO
  void on_io(uint32_t events) override;
  void process_input();                 // handles complete messages already buffered
  void flush();                         // writes the batched output
  void on_tick(Clock::time_point now);  // echo probe, handshake and request timeouts
  uint8_t* reserve(size_t n);
  size_t pending_output() const { return out_.size() - out_off_; }
  // Reads unless its own output is over the high-water mark or the shard paused reading.
  bool reading() const;
  void update_read_interest();  // after reading() may have changed
  bool dirty() const { return dirty_; }
  void set_dirty(bool d) { dirty_ = d; }
  bool announced() const { return announced_; }
  void set_announced(bool a) { announced_ = a; }

 private:
  struct Pending {
    enum class Kind : uint8_t { kBarrier, kStats } kind;
    BarrierCallback barrier_cb;
    StatsCallback stats_cb;
    std::optional<of::StatsReply> acc;
    Clock::time_point deadline;
  };

  void handle_message(std::span<const uint8_t> msg);
  void handle_hello(std::span<const uint8_t> msg, const of::Header& h);
  void handle_up_message(std::span<const uint8_t> msg, const of::Header& h);
  void handle_packet_in(std::span<const uint8_t> msg);
  void handle_stats_reply(std::span<const uint8_t> msg, uint32_t xid);
  void send_error(of::Ofperr err, std::span<const uint8_t> offending);
  uint32_t interest() const;
  void report_pending(size_t now_pending);  // keeps the shard's unsent-byte total
  void fail_pending();
  Duration request_timeout(std::optional<Duration> t) const;

  uint64_t id_;
  std::unique_ptr<Transport> transport_;
  Shard* shard_ = nullptr;
  State state_ = State::kHello;
  uint64_t dpid_ = 0;
  of::FeaturesReply features_;
  of::XidCounter xids_;

  std::vector<uint8_t> in_;
  size_t in_off_ = 0;
  std::vector<uint8_t> out_;
  size_t out_off_ = 0;
  size_t reported_pending_ = 0;  // what the shard's total counts for us
  bool dirty_ = false;
  bool reading_ = true;
  bool want_write_ = false;
  bool registered_ = false;
  bool moving_ = false;
  bool announced_ = false;  // ConnectionUp raised

  Clock::time_point created_;
  Clock::time_point last_rx_;
  std::optional<Clock::time_point> echo_sent_;
  double tokens_ = 0;
  Clock::time_point tokens_at_;

  std::unordered_map<uint32_t, Pending> pending_;
  ConnectionCounters counters_;
};

// The shard a datapath id belongs to (a 64-bit mix, then modulo).
size_t shard_for_dpid(uint64_t dpid, size_t shard_count);

}  // namespace ofkit::ctl
