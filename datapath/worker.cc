#include "datapath/worker.h"

#include <time.h>

#include <algorithm>
#include <cstring>

#include "oflib/common/byte_order.h"
#include "oflib/packet/flow_extract.h"

namespace ofkit::dp {
namespace {

// An IPv4 fragment (MF set or offset non-zero), for OFPC_FRAG_DROP.
bool is_ip_fragment(const Packet& p) {
  const size_t l3 = packet_ipv4_offset(p);
  return l3 != 0 && (load_be16(p.data + l3 + 6) & 0x3fff) != 0;
}

}  // namespace

Worker::Worker(const WorkerSetup& s)
    : index_(s.index),
      clock_(s.clock),
      emc_(s.emc_entries),
      pool_(s.pool_packets),
      flow_counters_(std::make_unique<FlowCounter[]>(s.flow_slots)),
      flow_slots_(s.flow_slots),
      port_counters_(std::make_unique<PortCounters[]>(s.ports.size() + 2)),
      exec_(s.ports, static_cast<uint16_t>(s.index), &pool_, &counters_, port_counters_.get(), this,
            s.local_port),
      changes_(s.change_ring),
      packet_ins_(s.packet_in_ring),
      buckets_(s.ports.size() + 1),
      miss_rate_pps_(s.miss_rate_pps),
      miss_burst_(s.miss_burst),
      agent_idle_(s.agent_idle),
      wake_(s.wake) {}

void Worker::apply_changes() {
  uint64_t reached = 0;
  while (WorkerMsg* m = changes_.front()) {
    switch (m->kind) {
      case WorkerMsg::Kind::kFlow: {
        const FlowChange& c = m->flow;
        switch (c.kind) {
          case FlowChange::Kind::kAdd:
            if (const Rule* r = cls_.insert(c.key, c.mask, c.priority, c.flow_id, c.actions)) {
              emc_.shadow(*r);
            } else {
              counters_.changes_rejected.inc();  // a duplicate id: a control-thread bug, never a crash
            }
            break;
          case FlowChange::Kind::kRemove:
            cls_.remove(c.flow_id);
            break;
          case FlowChange::Kind::kModify:
            cls_.set_actions(c.flow_id, c.actions);
            break;
        }
        break;
      }
      case WorkerMsg::Kind::kPortConfig:
        exec_.set_port_config(m->port_no, m->value);
        break;
      case WorkerMsg::Kind::kSwitchConfig:
        frag_flags_ = static_cast<uint16_t>(m->value);
        break;
    }
    reached = m->epoch;
    m->flow.actions.reset();  // drop our reference to the program here, not at reuse
    changes_.pop();
    counters_.changes_applied.inc();
  }
  if (reached) epoch_.store(reached, std::memory_order_release);
}

void Worker::process_burst(Packet** pkts, uint16_t n, uint64_t now_ns) {
  if (n == 0 || n > kBurstSize) return;
  now_ns_ = now_ns;
  // Zeroed so the compiler can see the batch extractor never reads garbage.
  const uint8_t* frames[kBurstSize] = {};
  uint16_t lens[kBurstSize] = {};
  uint16_t in_ports[kBurstSize] = {};
  FlowKey keys[kBurstSize];
  for (uint16_t i = 0; i < n; ++i) {
    frames[i] = pkts[i]->data;
    lens[i] = pkts[i]->len;
    in_ports[i] = pkts[i]->in_port;
  }
  const uint32_t bad = extract_flow_keys(frames, lens, in_ports, n, keys);
  uint32_t hashes[kBurstSize];
  for (uint16_t i = 0; i < n; ++i) {
    hashes[i] = hash_key(keys[i]);
    emc_.prefetch(hashes[i]);
  }
  // Pass 1: drops and EMC lookups; the EMC's misses are collected so the
  // classifier sees them together (lookup_batch walks each subtable once
  // for all of them, prefetching).
  const Rule* rules[kBurstSize];
  uint8_t miss_idx[kBurstSize];
  unsigned n_miss = 0;
  uint32_t dropped = bad;
  uint64_t emc_hits = 0;
  for (uint16_t i = 0; i < n; ++i) {
    if (bad & (1u << i)) continue;
    if (frag_flags_ == of::config_flags::kFragDrop && keys[i].dl_type == 0x0800 && is_ip_fragment(*pkts[i])) {
      dropped |= 1u << i;
      counters_.drops_frag.inc();
      port_counters_[pkts[i]->in_port].rx_dropped.inc();
      free_packet(pkts[i]);
      continue;
    }
    rules[i] = emc_.lookup(keys[i], hashes[i]);
    if (rules[i]) {
      ++emc_hits;
    } else {
      miss_idx[n_miss++] = static_cast<uint8_t>(i);
    }
  }
  uint64_t cls_hits = 0, misses = 0;
  if (n_miss) {
    cls_.lookup_batch(keys, miss_idx, n_miss, rules);
    for (unsigned j = 0; j < n_miss; ++j) {
      const unsigned i = miss_idx[j];
      if (rules[i]) {
        ++cls_hits;
        emc_.insert(keys[i], hashes[i], rules[i]);
      }
    }
  }
  // Pass 2: in arrival order, so a port sends a flow's packets in order.
  for (uint16_t i = 0; i < n; ++i) {
    Packet* p = pkts[i];
    if (dropped & (1u << i)) {
      if (bad & (1u << i)) {
        counters_.drops_malformed.inc();
        port_counters_[p->in_port].rx_errors.inc();
        free_packet(p);
      }
      continue;
    }
    const Rule* r = rules[i];
    if (!r) {
      ++misses;
      packet_in(*p, of::PacketInReason::kNoMatch, 0);
      free_packet(p);
      continue;
    }
    FlowCounter& fc = flow_counters_[r->flow_id];
    fc.packets.inc();
    fc.bytes.add(p->len);
    fc.used_ns.set(now_ns);
    exec_.execute(p, *r->actions);
  }
  counters_.emc_hits.add(emc_hits);
  counters_.classifier_hits.add(cls_hits);
  counters_.table_misses.add(misses);
}

bool Worker::rate_ok(uint16_t in_port, uint64_t now_ns) {
  if (miss_rate_pps_ == 0) return true;
  Bucket& b = buckets_[in_port < buckets_.size() ? in_port : 0];
  const uint64_t cap = uint64_t{miss_burst_ ? miss_burst_ : 1} * 1000;
  if (b.last_ns == 0) {
    b.tokens_milli = cap;
  } else if (now_ns > b.last_ns) {
    // Tokens (in thousandths) accrue at miss_rate_pps per second. The
    // elapsed time is clamped to what refills an empty bucket first, so the
    // product cannot overflow however long the port was idle.
    const uint64_t refill_ns = cap * 1'000'000 / miss_rate_pps_ + 1;
    const uint64_t elapsed = std::min(now_ns - b.last_ns, refill_ns);
    b.tokens_milli = std::min(cap, b.tokens_milli + elapsed * miss_rate_pps_ / 1'000'000);
  }
  b.last_ns = now_ns;
  if (b.tokens_milli < 1000) return false;
  b.tokens_milli -= 1000;
  return true;
}

void Worker::packet_in(const Packet& pkt, of::PacketInReason reason, uint16_t max_len) {
  if (exec_.port_config(pkt.in_port) & of::port_config::kNoPacketIn) {
    counters_.drops_port_config.inc();
    return;
  }
  // A slot first: a full ring must not spend a token (the bucket would then
  // throttle PacketIns that never left).
  PacketInMsg* m = packet_ins_.claim();
  if (!m) {
    counters_.drops_ring_full.inc();
    return;
  }
  if (!rate_ok(pkt.in_port, now_ns_)) {
    counters_.packet_ins_rate_limited.inc();
    port_counters_[pkt.in_port < buckets_.size() ? pkt.in_port : 0].rx_dropped.inc();
    return;  // the claimed slot is simply not published
  }
  m->in_port = pkt.in_port;
  m->reason = reason;
  m->max_len = max_len;
  m->total_len = pkt.len;
  m->len = static_cast<uint16_t>(std::min<size_t>(pkt.len, kPacketInBytes));
  std::memcpy(m->data, pkt.data, m->len);
  packet_ins_.publish();
  published_ = true;
  counters_.packet_ins_sent.inc();
}

// The other half of DatapathImpl::poll_control's idle handshake (Dekker
// style, with fences): we publish, fence, read the flag; it sets the flag,
// fences, re-reads the rings. One of the two sees the other's write, so a
// PacketIn is never left waiting for the agent's fallback tick. Once per
// pass that queued anything; the syscall only when the agent was idle.
void Worker::wake_agent() {
  if (!agent_idle_ || !wake_ || !*wake_) return;
  std::atomic_thread_fence(std::memory_order_seq_cst);
  if (!agent_idle_->load(std::memory_order_relaxed)) return;
  agent_idle_->store(false, std::memory_order_relaxed);
  (*wake_)();
}

size_t Worker::poll_once() {
  apply_changes();
  size_t total = 0;
  bool all_exhausted = true;
  Packet* pkts[kBurstSize];
  uint64_t now = 0;
  for (const RxQueueRef& q : rxqs_) {
    const uint16_t n = q.port->rx_burst(q.queue, pool_, pkts, kBurstSize);
    if (n == 0) {
      if (!q.port->has_finite_input() || !q.port->input_exhausted()) all_exhausted = false;
      continue;
    }
    all_exhausted = false;
    if (now == 0) now = clock_->now_ns();
    PortCounters& pc = port_counters_[q.port_no];
    uint64_t bytes = 0;
    for (uint16_t i = 0; i < n; ++i) {
      pkts[i]->in_port = q.port_no;
      bytes += pkts[i]->len;
    }
    pc.rx_packets.add(n);
    pc.rx_bytes.add(bytes);
    counters_.rx_packets.add(n);
    counters_.bursts.inc();
    total += n;
    if (exec_.port_config(q.port_no) & (of::port_config::kNoRecv | of::port_config::kPortDown)) {
      counters_.drops_port_config.add(n);
      pc.rx_dropped.add(n);
      for (uint16_t i = 0; i < n; ++i) free_packet(pkts[i]);
      continue;
    }
    process_burst(pkts, n, now);
    exec_.flush();
  }
  drained_.store(all_exhausted, std::memory_order_release);
  if (published_) {
    published_ = false;
    wake_agent();
  }
  return total;
}

void Worker::run(const std::atomic<bool>& stop) {
  unsigned idle = 0;
  while (!stop.load(std::memory_order_relaxed)) {
    if (poll_once() != 0) {
      idle = 0;
      continue;
    }
    // Back off when idle so pcap/file ports do not burn a shared core.
    if (++idle > 64) {
      const timespec ts{0, idle > 1024 ? 200'000 : 20'000};
      nanosleep(&ts, nullptr);
    }
  }
  apply_changes();
  exec_.flush();
}

}  // namespace ofkit::dp
