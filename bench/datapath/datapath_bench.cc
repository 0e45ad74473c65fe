// Lookup + action path of one worker over in-memory bursts of 32 frames:
// Worker::process_burst (flow-key extraction, EMC, classifier, counters,
// actions) with a sink port whose TX only frees the packets. Each iteration
// also copies the 32 frames into packet buffers, as an RX would.
//
//   BM_Baseline_CopyOnly         the harness alone (copy in, free): the ceiling
//   BM_OneFlow                   1 wildcard rule, one 5-tuple (EMC hit)
//   BM_ExactFlows/1000           1k exact-match rules, traffic over all of them
//   BM_Wildcard10k/<masks>       10k wildcard rules over N masks, 1k live flows (EMC hit)
//   BM_Wildcard10kNoCache/<m>    the same, traffic over 64k 5-tuples (EMC thrashed: classifier)
//   BM_CacheThrashMix            10k rules, 90% of packets from 100 heavy flows, 10% from 64k others
//   BM_ChurnHitRate/<bursts>     1k exact flows in use while another flow is added and one removed
//                                every <bursts> bursts (l2_learning churn): EMC hit rate under churn
//   BM_ManyPortsOneOutput/<n>    1 flow out of one port on an n-port switch (per-burst TX flush cost)
//   BM_ClassifierOnly/<batch>    Classifier alone, 10k wildcard rules over 8 masks, 64k keys:
//                                lookup() per key (0) against lookup_batch() of 32 (1)
//   BM_FlowModAdd                control-thread flow_mod ADD rate (exact l2_learning-style
//                                flows), workers applying the changes in the same thread
//   BM_MemoryPerFlow             heap bytes per installed flow (control table + classifier
//                                replicas of the control thread and one worker)
//
// Items/s is packets/s for one worker on one core.

#include <benchmark/benchmark.h>
#include <malloc.h>

#include <random>

#include "datapath/datapath.h"
#include "datapath/flow_match.h"
#include "datapath/worker.h"
#include "oflib/common/byte_order.h"
#include "oflib/packet/checksum.h"
#include "oflib/packet/flow_extract.h"

namespace ofkit::dp {
namespace {

namespace wc = of::wildcards;

class SinkPort final : public Port {
 public:
  SinkPort() { name_ = "sink"; }
  uint16_t rx_burst(uint16_t, PacketPool&, Packet**, uint16_t) override { return 0; }
  uint16_t tx_burst(uint16_t, Packet** pkts, uint16_t n) override {
    for (uint16_t i = 0; i < n; ++i) free_packet(pkts[i]);
    sent_ += n;
    return n;
  }
  uint64_t sent_ = 0;
};

std::vector<uint8_t> udp_frame(uint32_t src_ip, uint32_t dst_ip, uint16_t sport, uint16_t dport) {
  std::vector<uint8_t> f(64, 0);
  const uint8_t macs[12] = {0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 1};
  std::memcpy(f.data(), macs, 12);
  store_be16(&f[12], 0x0800);
  uint8_t* ip = &f[14];
  ip[0] = 0x45;
  store_be16(ip + 2, 50);
  ip[8] = 64;
  ip[9] = 17;
  store_be32(ip + 12, src_ip);
  store_be32(ip + 16, dst_ip);
  store_be16(ip + 10, ipv4_header_checksum(ip, 20));
  store_be16(ip + 20, sport);
  store_be16(ip + 22, dport);
  store_be16(ip + 24, 30);
  return f;
}

struct Harness {
  explicit Harness(size_t slots = 1 << 16, size_t extra_ports = 0) : extra(extra_ports) {
    WorkerSetup s;
    s.ports = {&in, &out};
    for (SinkPort& p : extra) s.ports.push_back(&p);
    s.flow_slots = slots;
    s.clock = &clock;
    s.emc_entries = 8192;
    s.change_ring = 1 << 16;
    worker = std::make_unique<Worker>(s);
  }
  void add(const of::Match& raw, uint16_t priority, of::ActionList actions) {
    const of::Match m = of::normalize_match(raw);
    FlowChange c;
    c.kind = FlowChange::Kind::kAdd;
    c.flow_id = next_id++;
    c.priority = is_exact_match(raw) ? kExactPriority : priority;
    c.mask = of::match_mask(m);
    c.key = mask_key(m.key, c.mask);
    c.actions = *compile_actions(actions, 2, false);
    WorkerMsg msg;
    msg.flow = std::move(c);
    msg.epoch = next_id;
    if (!worker->changes().push(std::move(msg))) {
      worker->apply_changes();
      add(raw, priority, std::move(actions));
      --next_id;
      return;
    }
    if (next_id % 1024 == 0) worker->apply_changes();
  }
  void remove(uint32_t flow_id) {
    WorkerMsg msg;
    msg.flow.kind = FlowChange::Kind::kRemove;
    msg.flow.flow_id = flow_id;
    msg.epoch = ++next_epoch;
    while (!worker->changes().push(std::move(msg))) worker->apply_changes();
  }
  void run(benchmark::State& state, const std::vector<std::vector<uint8_t>>& frames,
           const std::vector<uint32_t>& order) {
    worker->apply_changes();
    Packet* pkts[kBurstSize];
    size_t pos = 0;
    const uint64_t now = clock.now_ns();
    for (auto _ : state) {
      PacketPool& pool = worker->pool();
      for (uint16_t i = 0; i < kBurstSize; ++i) {
        const auto& f = frames[order[pos]];
        pos = pos + 1 == order.size() ? 0 : pos + 1;
        pkts[i] = pool.alloc();
        pkts[i]->assign(f.data(), f.size());
        pkts[i]->in_port = 1;
      }
      worker->process_burst(pkts, kBurstSize, now);
      worker->flush();
    }
    state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBurstSize);
    const auto& c = worker->counters();
    const double lookups = double(c.emc_hits.get() + c.classifier_hits.get() + c.table_misses.get());
    state.counters["emc_hit_rate"] = lookups ? double(c.emc_hits.get()) / lookups : 0;
    state.counters["misses"] = double(c.table_misses.get());
  }

  FakeClock clock;
  SinkPort in, out;
  std::vector<SinkPort> extra;
  std::unique_ptr<Worker> worker;
  uint32_t next_id = 0;
  uint64_t next_epoch = 1u << 30;
};

std::vector<uint32_t> sequential(size_t n) {
  std::vector<uint32_t> v(n);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<uint32_t>(i);
  return v;
}

void BM_Baseline_CopyOnly(benchmark::State& state) {
  PacketPool pool(4096);
  SinkPort sink;
  const auto f = udp_frame(0x0a000001, 0x0a000002, 1, 2);
  Packet* pkts[kBurstSize];
  for (auto _ : state) {
    for (uint16_t i = 0; i < kBurstSize; ++i) {
      pkts[i] = pool.alloc();
      pkts[i]->assign(f.data(), f.size());
    }
    benchmark::DoNotOptimize(pkts[0]->data[0]);
    sink.tx_burst(0, pkts, kBurstSize);
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBurstSize);
}
BENCHMARK(BM_Baseline_CopyOnly);

void BM_OneFlow(benchmark::State& state) {
  Harness h;
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  h.add(m, 100, {of::ActionOutput{2, 0}});
  h.run(state, {udp_frame(0x0a000001, 0x0a000002, 1000, 80)}, {0});
}
BENCHMARK(BM_OneFlow);

void BM_ExactFlows(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  Harness h;
  std::vector<std::vector<uint8_t>> frames;
  for (size_t i = 0; i < n; ++i) {
    frames.push_back(udp_frame(0x0a000001, 0x0b000000 + static_cast<uint32_t>(i), 1000, 80));
    FlowKey k;
    extract_flow_key(frames.back().data(), frames.back().size(), 1, &k);
    h.add(of::match_from_key(k, 1), 0, {of::ActionOutput{2, 0}});
  }
  std::vector<uint32_t> order = sequential(n);
  std::shuffle(order.begin(), order.end(), std::mt19937(1));
  h.run(state, frames, order);
}
BENCHMARK(BM_ExactFlows)->Arg(1000);

// 10k wildcard rules spread over `masks` (<= 10) wildcard shapes, priorities
// by shape so subtables are ordered; each rule matches one /32 destination.
void add_wildcard_rules(Harness& h, int masks, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    const int shape = static_cast<int>(i % masks);
    of::Match m;
    m.key.dl_type = 0x0800;
    m.key.nw_proto = 17;
    m.key.nw_dst = 0x0b000000 + static_cast<uint32_t>(i);
    m.key.in_port = 1;
    m.key.tp_dst = 80;
    m.key.nw_src = 0x0a000000;
    uint32_t w = wc::kAll & ~(wc::kDlType | wc::kNwDstMask);
    // Each shape adds another field (or a source prefix) to the mask.
    switch (shape) {
      case 1:
        w &= ~wc::kInPort;
        break;
      case 2:
        w &= ~wc::kNwProto;
        break;
      case 3:
        w &= ~(wc::kNwProto | wc::kTpDst);
        break;
      case 4:
        w = (w & ~wc::kNwSrcMask) | (24u << wc::kNwSrcShift);
        break;
      case 5:
        w = (w & ~wc::kNwSrcMask) | (16u << wc::kNwSrcShift);
        break;
      case 6:
        w = (w & ~wc::kNwSrcMask) | (8u << wc::kNwSrcShift);
        break;
      case 7:
        w &= ~(wc::kInPort | wc::kNwProto);
        break;
      case 8:
        w &= ~(wc::kInPort | wc::kNwProto | wc::kTpDst);
        break;
      case 9:
        w &= ~wc::kNwTos;
        break;
      default:
        break;
    }
    m.wildcards = w;
    h.add(m, static_cast<uint16_t>(1000 + shape * 10), {of::ActionOutput{2, 0}});
  }
}

void BM_Wildcard10k(benchmark::State& state) {
  Harness h;
  add_wildcard_rules(h, static_cast<int>(state.range(0)), 10000);
  std::vector<std::vector<uint8_t>> frames;
  std::mt19937 rng(2);
  for (int i = 0; i < 1000; ++i) {
    frames.push_back(udp_frame(0x0a000000 + (rng() & 0xff), 0x0b000000 + rng() % 10000,
                               static_cast<uint16_t>(1000 + rng() % 1000), 80));
  }
  h.run(state, frames, sequential(frames.size()));
  state.counters["subtables"] = double(h.worker->classifier().subtable_count());
}
BENCHMARK(BM_Wildcard10k)->Arg(8)->Arg(10);

void BM_Wildcard10kNoCache(benchmark::State& state) {
  Harness h;
  add_wildcard_rules(h, static_cast<int>(state.range(0)), 10000);
  std::vector<std::vector<uint8_t>> frames;
  std::mt19937 rng(3);
  for (int i = 0; i < 1 << 16; ++i) {
    frames.push_back(
        udp_frame(0x0a000000 + (rng() & 0xff), 0x0b000000 + rng() % 10000, static_cast<uint16_t>(rng()), 80));
  }
  h.run(state, frames, sequential(frames.size()));
  state.counters["subtables"] = double(h.worker->classifier().subtable_count());
}
BENCHMARK(BM_Wildcard10kNoCache)->Arg(8)->Arg(10);

void BM_CacheThrashMix(benchmark::State& state) {
  Harness h;
  add_wildcard_rules(h, 10, 10000);
  std::vector<std::vector<uint8_t>> frames;
  std::mt19937 rng(4);
  for (int i = 0; i < 100; ++i) frames.push_back(udp_frame(0x0a000001, 0x0b000000 + i, 1000, 80));
  for (int i = 0; i < 1 << 16; ++i) {
    frames.push_back(
        udp_frame(0x0a000000 + (rng() & 0xff), 0x0b000000 + rng() % 10000, static_cast<uint16_t>(rng()), 80));
  }
  std::vector<uint32_t> order;
  for (int i = 0; i < 1 << 18; ++i) {
    order.push_back(rng() % 10 == 0 ? 100 + rng() % (1 << 16) : rng() % 100);
  }
  h.run(state, frames, order);
}
BENCHMARK(BM_CacheThrashMix);

// l2_learning-style churn: 1k exact flows carry the traffic while the control
// thread adds a flow for a new host and removes an old one every `every`
// bursts. With whole-cache invalidation every change empties the EMC.
void BM_ChurnHitRate(benchmark::State& state) {
  const uint32_t every = static_cast<uint32_t>(state.range(0));
  Harness h;
  std::vector<std::vector<uint8_t>> frames;
  for (uint32_t i = 0; i < 1000; ++i) {
    frames.push_back(udp_frame(0x0a000001, 0x0b000000 + i, 1000, 80));
    FlowKey k;
    extract_flow_key(frames.back().data(), frames.back().size(), 1, &k);
    h.add(of::match_from_key(k, 1), 0, {of::ActionOutput{2, 0}});
  }
  h.worker->apply_changes();
  std::vector<uint32_t> order = sequential(frames.size());
  std::shuffle(order.begin(), order.end(), std::mt19937(5));
  Packet* pkts[kBurstSize];
  size_t pos = 0;
  uint32_t bursts = 0, churn = 0;
  std::vector<uint32_t> churn_ids;
  const uint64_t now = h.clock.now_ns();
  for (auto _ : state) {
    if (++bursts % every == 0) {
      // A host that sends nothing in this run: its flow only churns the table.
      of::Match m = of::match_from_key(FlowKey{}, 1);
      m.key.dl_src = MacAddr::from_u64(0x020000000000ull + churn++);
      churn_ids.push_back(h.next_id);
      h.add(m, 0, {of::ActionOutput{2, 0}});
      if (churn_ids.size() > 64) {
        h.remove(churn_ids.front());
        churn_ids.erase(churn_ids.begin());
      }
      h.worker->apply_changes();
    }
    PacketPool& pool = h.worker->pool();
    for (uint16_t i = 0; i < kBurstSize; ++i) {
      const auto& f = frames[order[pos]];
      pos = pos + 1 == order.size() ? 0 : pos + 1;
      pkts[i] = pool.alloc();
      pkts[i]->assign(f.data(), f.size());
      pkts[i]->in_port = 1;
    }
    h.worker->process_burst(pkts, kBurstSize, now);
    h.worker->flush();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBurstSize);
  const auto& c = h.worker->counters();
  const double lookups = double(c.emc_hits.get() + c.classifier_hits.get() + c.table_misses.get());
  state.counters["emc_hit_rate"] = lookups ? double(c.emc_hits.get()) / lookups : 0;
}
BENCHMARK(BM_ChurnHitRate)->Arg(1)->Arg(8)->Arg(64);

void BM_ManyPortsOneOutput(benchmark::State& state) {
  Harness h(1 << 16, static_cast<size_t>(state.range(0)) - 2);
  of::Match m;
  m.wildcards = wc::kAll & ~wc::kInPort;
  m.key.in_port = 1;
  h.add(m, 100, {of::ActionOutput{2, 0}});
  h.run(state, {udp_frame(0x0a000001, 0x0a000002, 1000, 80)}, {0});
}
BENCHMARK(BM_ManyPortsOneOutput)->Arg(2)->Arg(64)->Arg(256);

void BM_ClassifierOnly(benchmark::State& state) {
  Harness h;
  add_wildcard_rules(h, 8, 10000);
  h.worker->apply_changes();
  const Classifier& cls = h.worker->classifier();
  std::vector<FlowKey> keys;
  std::mt19937 rng(3);
  for (int i = 0; i < 1 << 16; ++i) {
    const auto f =
        udp_frame(0x0a000000 + (rng() & 0xff), 0x0b000000 + rng() % 10000, static_cast<uint16_t>(rng()), 80);
    FlowKey k;
    extract_flow_key(f.data(), f.size(), 1, &k);
    keys.push_back(k);
  }
  const bool batch = state.range(0) != 0;
  uint8_t idx[kBurstSize];
  for (uint8_t i = 0; i < kBurstSize; ++i) idx[i] = i;
  const Rule* out[kBurstSize];
  size_t pos = 0, found = 0;
  for (auto _ : state) {
    const FlowKey* k = &keys[pos];
    pos = (pos + kBurstSize) & ((1 << 16) - 1);
    if (batch) {
      cls.lookup_batch(k, idx, kBurstSize, out);
    } else {
      for (unsigned i = 0; i < kBurstSize; ++i) out[i] = cls.lookup(k[i]);
    }
    for (unsigned i = 0; i < kBurstSize; ++i) found += out[i] != nullptr;
  }
  benchmark::DoNotOptimize(found);
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * kBurstSize);
  state.counters["hit_fraction"] = double(found) / double(state.iterations() * kBurstSize);
}
BENCHMARK(BM_ClassifierOnly)->Arg(0)->Arg(1);

void BM_FlowModAdd(benchmark::State& state) {
  DatapathConfig cfg;
  cfg.ports = {"mem:a", "mem:b"};
  cfg.flow_capacity = 1 << 20;
  std::string err;
  auto dp = Datapath::create(cfg, &err);
  uint64_t i = 0;
  for (auto _ : state) {
    FlowModRequest fm;
    fm.match = of::match_from_key(FlowKey{}, 1);
    fm.match.key.dl_src = MacAddr::from_u64(i);
    fm.match.key.dl_dst = MacAddr::from_u64(i + 1);
    fm.idle_timeout = 10;
    fm.actions = {of::ActionOutput{2, 0}};
    if (!dp->flow_mod(fm)) state.SkipWithError("flow_mod failed");
    if (++i % 256 == 0) dp->run_once();
    if (i % (1 << 19) == 0) {  // stay under capacity
      state.PauseTiming();
      FlowModRequest del;
      del.command = of::FlowModCommand::kDelete;
      dp->flow_mod(del);
      dp->run_once();
      state.ResumeTiming();
    }
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_FlowModAdd);

void BM_MemoryPerFlow(benchmark::State& state) {
  const size_t n = static_cast<size_t>(state.range(0));
  double per_flow = 0, per_slot = 0;
  for (auto _ : state) {
    const size_t start = mallinfo2().uordblks;
    DatapathConfig cfg;
    cfg.ports = {"mem:a", "mem:b"};
    cfg.flow_capacity = n;
    std::string err;
    auto dp = Datapath::create(cfg, &err);
    const size_t before = mallinfo2().uordblks;
    per_slot = double(before - start) / double(n);
    for (size_t i = 0; i < n; ++i) {
      FlowModRequest fm;
      fm.match.wildcards = wc::kAll & ~(wc::kDlType | wc::kNwDstMask);
      fm.match.key.dl_type = 0x0800;
      fm.match.key.nw_dst = 0x0b000000 + static_cast<uint32_t>(i);
      fm.actions = {of::ActionOutput{2, 0}};
      if (!dp->flow_mod(fm)) state.SkipWithError("flow_mod failed");
      if (i % 1024 == 0) dp->run_once();
    }
    dp->run_once();
    const size_t after = mallinfo2().uordblks;
    per_flow = double(after - before) / double(n);
  }
  state.counters["bytes_per_flow"] = per_flow;
  // Preallocated at start-up per unit of flow capacity (slot table, per-thread
  // counter arrays; includes the fixed pools and EMC divided by capacity).
  state.counters["prealloc_bytes_per_capacity"] = per_slot;
}
BENCHMARK(BM_MemoryPerFlow)->Arg(10000)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace ofkit::dp

// bench/meson.build's benchmark dependency does not bring benchmark_main.
BENCHMARK_MAIN();
