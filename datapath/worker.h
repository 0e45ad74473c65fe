#pragma once
// Worker: one per core, run to completion.
//
// Each pass of the loop (1) applies the control thread's changes waiting in
// its SPSC ring (flow adds/removes/modifies, port config, switch config) and
// publishes the epoch reached, then (2) polls each RX queue it owns for a
// burst of up to 32 packets and runs the burst to completion:
//
//   extract 32 flow keys (oflib/packet, prefetching) -> hash -> prefetch the
//   exact-match cache -> EMC hit, or classifier lookup (and EMC insert) ->
//   per-flow counters -> actions -> per-port TX bursts -> flush
//
// A miss goes to the agent as a PacketIn through a second SPSC ring (copying
// the frame; the control thread buffers it), rate-limited per input port by
// a token bucket; a pass that queued PacketIns while the agent was idle
// wakes it (once per pass, see wake_agent). Everything a worker touches per packet is its own: its
// classifier replica, EMC, packet pool, TX queue, counters (single-writer
// relaxed atomics the control thread may read) and flow counter array. No
// locks, no atomic read-modify-write, no allocation per packet.
//
// Invariants: changes are applied only between bursts, so a rule pointer
// taken from the classifier or the EMC is valid for the whole burst; the
// epoch a worker publishes is that of the last change it applied, and the
// control thread reuses a flow id only after every worker published an epoch
// at or past the id's removal.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "datapath/action_exec.h"
#include "datapath/classifier.h"
#include "datapath/counters.h"
#include "datapath/datapath.h"
#include "datapath/emc.h"
#include "datapath/flow_table.h"
#include "datapath/worker_ring.h"

namespace ofkit::dp {

struct WorkerMsg {
  enum class Kind : uint8_t { kFlow, kPortConfig, kSwitchConfig };
  Kind kind = Kind::kFlow;
  FlowChange flow;
  uint16_t port_no = 0;
  uint32_t value = 0;  // port config bits, or switch config flags
  uint64_t epoch = 0;
};

// A whole frame (jumbo included): a PacketIn carries or buffers all of it.
inline constexpr size_t kPacketInBytes = kMaxFrame;

struct PacketInMsg {
  uint16_t in_port = 0;
  of::PacketInReason reason = of::PacketInReason::kNoMatch;
  uint16_t max_len = 0;    // for reason ACTION
  uint16_t total_len = 0;  // frame length
  uint16_t len = 0;        // bytes in data (total_len, or less for larger frames)
  uint8_t data[kPacketInBytes];
};

struct RxQueueRef {
  Port* port = nullptr;
  uint16_t port_no = 0;
  uint16_t queue = 0;
};

struct WorkerSetup {
  unsigned index = 0;
  std::vector<Port*> ports;    // port number i+1 at [i]
  Port* local_port = nullptr;  // OFPP_LOCAL (TX only), or none
  size_t flow_slots = 0;       // size of the flow counter array
  const Clock* clock = nullptr;
  uint32_t miss_rate_pps = 0;
  uint32_t miss_burst = 0;
  size_t pool_packets = 4096;
  size_t emc_entries = 8192;
  size_t change_ring = 4096;
  size_t packet_in_ring = 1024;
  // Wake-up of a sleeping agent (see Datapath::set_packet_in_wakeup): the
  // agent sets *agent_idle after finding every ring empty; a worker pass
  // that published a PacketIn clears it and calls *wake. Both may be null.
  std::atomic<bool>* agent_idle = nullptr;
  const std::function<void()>* wake = nullptr;
};

class alignas(64) Worker final : public PacketInSink {
 public:
  explicit Worker(const WorkerSetup& setup);
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  void add_rx_queue(RxQueueRef q) { rxqs_.push_back(q); }

  // ---- control thread side
  SpscRing<WorkerMsg>& changes() { return changes_; }
  SpscRing<PacketInMsg>& packet_ins() { return packet_ins_; }
  uint64_t epoch_reached() const { return epoch_.load(std::memory_order_acquire); }
  const FlowCounter& flow_counter(uint32_t id) const { return flow_counters_[id]; }
  FlowCounter& flow_counter_for_reset(uint32_t id) { return flow_counters_[id]; }
  const ThreadCounters& counters() const { return counters_; }
  // port_no 1..n, or n+1 for OFPP_LOCAL.
  const PortCounters& port_counters(uint16_t port_no) const { return port_counters_[port_no]; }
  // True once every RX queue is a finite input that is exhausted and a full
  // pass found nothing more (the packets read before have been processed).
  bool drained() const { return drained_.load(std::memory_order_acquire); }
  const std::vector<RxQueueRef>& rx_queues() const { return rxqs_; }

  // ---- worker thread side
  void run(const std::atomic<bool>& stop);
  // One pass: apply changes, poll every RX queue once, wake the agent if it
  // sleeps and this pass queued PacketIns. Returns packets received.
  size_t poll_once();
  // The hot path, public for benchmarks: runs a burst received on one port.
  void process_burst(Packet** pkts, uint16_t n, uint64_t now_ns);
  void apply_changes();
  void flush() { exec_.flush(); }
  PacketPool& pool() { return pool_; }
  const Classifier& classifier() const { return cls_; }

  void packet_in(const Packet& pkt, of::PacketInReason reason, uint16_t max_len) override;

 private:
  struct Bucket {
    uint64_t tokens_milli = 0;
    uint64_t last_ns = 0;
  };
  bool rate_ok(uint16_t in_port, uint64_t now_ns);
  void wake_agent();

  const unsigned index_;
  const Clock* clock_;
  ThreadCounters counters_;
  Classifier cls_;
  ExactMatchCache emc_;
  PacketPool pool_;
  std::unique_ptr<FlowCounter[]> flow_counters_;
  size_t flow_slots_;
  std::unique_ptr<PortCounters[]> port_counters_;
  ActionExecutor exec_;
  SpscRing<WorkerMsg> changes_;
  SpscRing<PacketInMsg> packet_ins_;
  std::vector<RxQueueRef> rxqs_;
  std::vector<Bucket> buckets_;
  uint32_t miss_rate_pps_;
  uint32_t miss_burst_;
  std::atomic<bool>* agent_idle_;
  const std::function<void()>* wake_;
  bool published_ = false;  // a PacketIn published in this pass
  uint16_t frag_flags_ = 0;
  uint64_t now_ns_ = 0;
  alignas(64) std::atomic<uint64_t> epoch_{0};
  std::atomic<bool> drained_{false};
};

}  // namespace ofkit::dp
