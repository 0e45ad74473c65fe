#pragma once
// The controller benchmark: threads, sockets and loops around EmulatedSwitch.
//
// Threads: --threads workers, each with its own epoll set, own the switches
// i % threads == worker. A worker reads whatever its sockets hold (level
// triggered, up to a few reads per wake), lets each switch answer and refill
// its window, then writes each switch's whole pending output in one send():
// under load that is hundreds of PacketIns per system call, which is what
// keeps ofbench's own cost far below the controller's.
//
// The main thread paces the start-up (connect groups of switches, a pause in
// between, as a data centre's switches would not all connect in the same
// millisecond), waits for every handshake, then releases the switches, times
// the loops and reads each switch's published counters. Counters are written
// only by the owning worker (relaxed atomic stores, no read-modify-write) and
// read by the main thread, so there are no locks anywhere.

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "bench/ofbench/emulated_switch.h"
#include "bench/ofbench/options.h"
#include "bench/ofbench/stats.h"

namespace ofkit::bench {

struct LoopResult {
  double seconds = 0;
  SwitchStats delta;  // what happened during the loop, summed over switches
  double responses_per_s = 0;
  double flow_mods_per_s = 0;
  double packet_outs_per_s = 0;
  double packet_ins_per_s = 0;
};

struct RunResult {
  bool ok = false;
  std::string error;
  uint32_t switches_connected = 0;
  double connect_seconds = 0;  // first connect to last handshake
  std::vector<LoopResult> warmup;
  std::vector<LoopResult> loops;
  Summary responses_per_s;  // over the measured loops
  Summary flow_mods_per_s;
  Summary packet_outs_per_s;
  SwitchStats measured;      // totals over the measured loops
  SwitchStats totals;        // totals over the whole run
  LatencyHistogram latency;  // answer round trips during the measured loops
  uint64_t reconnects = 0;
};

// Summarises the loops into result->*_per_s and result->measured.
void summarize_loops(RunResult* result);

// Runs the benchmark described by o. Progress lines go to progress.
RunResult run_controller_benchmark(const Options& o, std::ostream& progress);

}  // namespace ofkit::bench
