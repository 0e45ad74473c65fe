#pragma once
// Counters written by exactly one thread and read by others (the control
// thread sums them for stats). A relaxed load and store, never a locked
// read-modify-write: on x86 an add is a plain load/add/store.

#include <atomic>
#include <cstdint>

namespace ofkit::dp {

class Counter {
 public:
  void add(uint64_t n) { v_.store(v_.load(std::memory_order_relaxed) + n, std::memory_order_relaxed); }
  void inc() { add(1); }
  void set(uint64_t n) { v_.store(n, std::memory_order_relaxed); }
  uint64_t get() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

// Per-flow counters, one array per worker indexed by flow id.
struct FlowCounter {
  Counter packets;
  Counter bytes;
  Counter used_ns;  // the worker's clock at the burst that last hit the flow
};

// Per port, per worker (or control thread).
struct PortCounters {
  Counter rx_packets, rx_bytes, tx_packets, tx_bytes, rx_dropped, tx_dropped, rx_errors;
};

// Per worker (or control thread); DatapathCounters is the sum.
struct alignas(64) ThreadCounters {
  Counter rx_packets;
  Counter tx_packets;
  Counter drops_malformed;
  Counter drops_no_action;
  Counter drops_port_config;
  Counter drops_tx;
  Counter drops_ring_full;
  Counter drops_no_buffer;  // packet pool exhausted (clones)
  Counter drops_frag;       // IPv4 fragments under OFPC_FRAG_DROP
  Counter table_misses;
  Counter packet_ins_sent;
  Counter packet_ins_rate_limited;
  Counter emc_hits;
  Counter classifier_hits;
  Counter bursts;
  Counter changes_applied;
  Counter changes_rejected;  // a flow add whose id the replica already has (never expected)
};

}  // namespace ofkit::dp
