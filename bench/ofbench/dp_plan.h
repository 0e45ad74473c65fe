#pragma once
// The traffic plan of ofbench --target=datapath, kept free of sockets and
// processes so it can be unit-tested.
//
// Hosts 0..H-1 sit on ports 0..P-1 (host h on port h % P) behind ofdp. The
// learn phase sends one broadcast frame from every host, so a learning
// controller knows every MAC and its port. The offer phase then sends the
// first packet of K new flows: K distinct (source, destination) host pairs on
// different ports, every destination already known, so each packet is a
// table miss that the controller answers with a FLOW_MOD (and the buffered
// packet leaves on the destination's port). H is the smallest host count
// with at least K such pairs.
//
// Every frame is Ethernet/IPv4/UDP, 64 bytes, and carries in its UDP payload
// a tag: magic, phase, item id and the sender's CLOCK_REALTIME timestamp, so
// the receiver matches what emerges to what was offered and computes the
// first-packet latency from the kernel's RX timestamp without shared state.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "oflib/packet/addr.h"

namespace ofkit::bench {

inline constexpr size_t kDpFrameLen = 64;
inline constexpr size_t kDpTagOffset = 42;           // UDP payload
inline constexpr uint32_t kDpTagMagic = 0x4f464450;  // "OFDP"

enum class DpPhase : uint8_t { kLearn = 1, kOffer = 2 };

struct HostPair {
  uint32_t src = 0;
  uint32_t dst = 0;
};

struct FlowPlan {
  uint32_t hosts = 0;
  uint16_t ports = 0;
  std::vector<HostPair> pairs;  // the K offered flows, in offer order
};

uint16_t dp_host_port(uint32_t host, uint16_t ports);  // 0-based port index
MacAddr dp_host_mac(uint32_t host);                    // 02:0d:00:hh:hh:hh

// Pairs (a, b), a != b, on different ports, available with `hosts` hosts.
uint64_t dp_pairs_available(uint32_t hosts, uint16_t ports);
// The plan for K flows over P ports (P >= 2). Pairs are spread over sources
// and destinations: pair j comes from distance d = 1, 2, ... between hosts.
FlowPlan make_flow_plan(uint32_t flows, uint16_t ports);

// A 64-byte frame from host src to dst (dst = UINT32_MAX: broadcast), tag
// without id and time (stamp_dp_frame fills those).
void build_dp_frame(uint8_t* frame, uint32_t src, uint32_t dst, DpPhase phase);
void stamp_dp_frame(uint8_t* frame, uint32_t id, uint64_t sent_ns);

struct DpTag {
  DpPhase phase;
  uint32_t id;
  uint64_t sent_ns;
};
std::optional<DpTag> parse_dp_tag(std::span<const uint8_t> frame);

// Counters read from `ofdp --ctl=PATH stats` text (missing ones stay 0).
struct OfdpStats {
  uint64_t flows = 0;
  uint64_t flow_mods = 0;
  uint64_t packet_ins = 0;    // worker lines, summed
  uint64_t rate_limited = 0;  // worker lines, summed
  uint64_t misses = 0;
  uint64_t controller_connects = 0;
  uint64_t worker_rx = 0;
  uint64_t worker_tx = 0;
};
OfdpStats parse_ofdp_stats(const std::string& text);

}  // namespace ofkit::bench
