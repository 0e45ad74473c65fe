#pragma once
// One emulated OpenFlow 1.0 switch: the protocol side of ofbench, with no
// sockets (the runner owns those), so tests can drive it byte by byte.
//
// It behaves like a real switch towards the controller: sends HELLO on
// connect; answers FEATURES_REQUEST (datapath id, ports), GET_CONFIG_REQUEST,
// ECHO_REQUEST, BARRIER_REQUEST and STATS_REQUEST (desc, flow, aggregate,
// table, port: an empty switch); remembers SET_CONFIG; answers VENDOR and
// undecodable messages with the OFPT_ERROR a switch would send. Once it has
// sent its FEATURES_REPLY it is "handshaken" and the runner may start it.
//
// Started, it keeps up to `window` PacketIns outstanding (1: latency mode)
// and counts the controller's FLOW_MODs and PACKET_OUTs through an
// AnswerTracker. A PacketIn unanswered for the answer timeout is written off
// as lost so a controller that drops PacketIns cannot stall the switch.

#include <cstdint>
#include <span>

#include "bench/ofbench/answer_tracker.h"
#include "bench/ofbench/out_buffer.h"
#include "bench/ofbench/packet_ins.h"
#include "bench/ofbench/stats.h"
#include "oflib/wire/errors.h"
#include "oflib/wire/framer.h"

namespace ofkit::bench {

struct SwitchConfig {
  uint32_t index = 0;    // 0-based; datapath id is index + 1
  uint32_t macs = 1000;  // hosts behind the switch
  uint16_t ports = 4;
  size_t window = 1;     // PacketIns outstanding at once
  size_t templates = 0;  // pre-built PacketIns (0: max(macs, 1024))
};

struct SwitchStats {
  uint64_t packet_ins = 0;   // PacketIns sent
  uint64_t answered = 0;     // PacketIns answered (first response to each)
  uint64_t flow_mods = 0;    // FLOW_MOD messages received
  uint64_t packet_outs = 0;  // PACKET_OUT messages received
  uint64_t extra = 0;        // FLOW_MOD/PACKET_OUT not answering an outstanding PacketIn
  uint64_t lost = 0;         // PacketIns written off after the answer timeout
  uint64_t errors_in = 0;    // OFPT_ERROR received
  uint64_t errors_out = 0;   // OFPT_ERROR sent (bad or unsupported messages)
  uint64_t echo_requests = 0;
  uint64_t barriers = 0;
};

class EmulatedSwitch {
 public:
  explicit EmulatedSwitch(const SwitchConfig& cfg);

  uint64_t datapath_id() const { return uint64_t{cfg_.index} + 1; }
  const SwitchConfig& config() const { return cfg_; }

  // A new connection: forgets the old stream and outstanding PacketIns,
  // appends HELLO.
  void on_connect(OutBuffer& out);
  // Frames and handles bytes from the controller. Returns false when the
  // stream cannot be framed any more (the connection must be closed).
  // latency: where to record answer round trips (nullptr: do not record).
  bool on_bytes(std::span<const uint8_t> bytes, OutBuffer& out, uint64_t now_ns, LatencyHistogram* latency);
  // Handles one whole message.
  void on_message(std::span<const uint8_t> msg, OutBuffer& out, uint64_t now_ns, LatencyHistogram* latency);
  // Appends PacketIns while fewer than window are outstanding and out stays
  // under limit bytes. Returns how many.
  size_t send_packet_ins(OutBuffer& out, size_t limit, uint64_t now_ns);
  // Writes off outstanding PacketIns when none was answered for timeout_ns.
  void check_timeout(uint64_t now_ns, uint64_t timeout_ns);

  bool handshaken() const { return handshaken_; }
  uint16_t miss_send_len() const { return miss_send_len_; }
  const SwitchStats& stats() const { return stats_; }
  uint64_t outstanding() const { return tracker_.outstanding(); }

 private:
  // False if msg does not decode.
  bool on_response(std::span<const uint8_t> msg, bool flow_mod, uint64_t now_ns, LatencyHistogram* latency);
  void reply_error(std::span<const uint8_t> msg, of::Ofperr err, OutBuffer& out);

  SwitchConfig cfg_;
  PacketInTemplates templates_;
  AnswerTracker tracker_;
  of::Framer framer_;
  size_t next_template_ = 0;
  bool handshaken_ = false;
  uint16_t config_flags_ = 0;
  uint16_t miss_send_len_ = 128;
  uint64_t last_progress_ns_ = 0;
  SwitchStats stats_;
};

}  // namespace ofkit::bench
