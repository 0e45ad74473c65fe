#pragma once
// Port: one switch port behind a backend-neutral burst interface.
//
// rx_burst(queue, ...) fills packets from the given pool; tx_burst(queue, ...)
// takes ownership of every packet passed (sent or dropped, all are freed) and
// returns how many were sent. Each RX queue is polled by exactly one thread;
// TX queue i belongs to worker i and the last TX queue to the control thread,
// so a backend with real queues (DPDK) needs no locking. Backends that have a
// single handle (libpcap, trace files) serialize TX internally.
//
// Backends: ports/memory_port.h (tests, benchmarks), ports/file_port.h
// (trace files), ports/pcap_port.h (libpcap live), ports/dpdk_port.h (DPDK
// ethdev, when built with it). make_port() parses a port spec.

#include <cstdint>
#include <memory>
#include <string>

#include "datapath/counters.h"
#include "datapath/ports/packet.h"
#include "oflib/packet/addr.h"

namespace ofkit::dp {

class Port {
 public:
  virtual ~Port() = default;

  const std::string& name() const { return name_; }
  const MacAddr& mac() const { return mac_; }
  uint32_t curr_features() const { return curr_features_; }

  virtual uint16_t rx_queue_count() const { return 1; }
  virtual uint16_t rx_burst(uint16_t queue, PacketPool& pool, Packet** out, uint16_t n) = 0;
  virtual uint16_t tx_burst(uint16_t queue, Packet** pkts, uint16_t n) = 0;
  // Writes out anything the backend buffers (trace files).
  virtual void flush() {}
  virtual bool link_up() const { return true; }
  // A port with finite input (a trace file) that has delivered all of it.
  virtual bool input_exhausted() const { return false; }
  virtual bool has_finite_input() const { return false; }
  // Frames longer than kMaxRxFrame this port received and dropped.
  uint64_t rx_oversize() const { return rx_oversize_.get(); }

 protected:
  // For rx_burst (one thread per RX queue; backends here have one queue).
  void count_oversize() { rx_oversize_.inc(); }
  Counter rx_oversize_;
  std::string name_;
  MacAddr mac_;
  uint32_t curr_features_ = 0;
};

// Creates a port from a spec ("pcap:IFACE", "file:IN[,out=OUT]", "file:,out=OUT",
// "mem:NAME", "dpdk:N"). `index` (1-based) derives MACs for ports without
// one; `tx_queues` is workers + 1. On failure returns nullptr and sets *error.
std::unique_ptr<Port> make_port(const std::string& spec, uint16_t index, uint16_t tx_queues,
                                std::string* error);

}  // namespace ofkit::dp
