// Flow-key extraction and packet parsing on a realistic mix (packet_mix.h),
// one packet at a time and in 32-packet batches. items_per_second is packets
// per second on one core. Pools: 256 frames (hot in L1/L2) and 16384 frames
// in 2 KiB slots (32 MiB; the header lines touched, 1-2 MiB, exceed L2, so
// frames come from L3 as freshly DMA'd frames do with DDIO: what the batch
// form's prefetching is for).
#include <benchmark/benchmark.h>

#include "oflib/packet/checksum.h"
#include "oflib/packet/flow_extract.h"
#include "oflib/packet/packet.h"
#include "packet_mix.h"

namespace ofkit {
namespace {

const bench::PacketPool& pool(size_t n) {
  static const bench::PacketPool small = bench::make_mix(256);
  static const bench::PacketPool large = bench::make_mix(16384);
  return n <= 256 ? small : large;
}

void BM_ExtractOne(benchmark::State& state) {
  const auto& p = pool(static_cast<size_t>(state.range(0)));
  const size_t n = p.frames.size();
  FlowKey key;
  size_t i = 0;
  for (auto _ : state) {
    extract_flow_key(p.frames[i], p.lens[i], p.ports[i], &key);
    benchmark::DoNotOptimize(key);
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ExtractOne)->Arg(256)->Arg(16384);

void BM_ExtractBatch32(benchmark::State& state) {
  const auto& p = pool(static_cast<size_t>(state.range(0)));
  const size_t n = p.frames.size();
  FlowKey keys[32];
  size_t i = 0;
  for (auto _ : state) {
    const uint32_t bad = extract_flow_keys(&p.frames[i], &p.lens[i], &p.ports[i], 32, keys);
    benchmark::DoNotOptimize(bad);
    benchmark::DoNotOptimize(keys);
    i += 32;
    if (i + 32 > n) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()) * 32);
}
BENCHMARK(BM_ExtractBatch32)->Arg(256)->Arg(16384);

// Reference: the controller-side full walk (every layer validated, DNS
// decoded) then the key from its views. Not the datapath path.
void BM_ParsedPacketWalk(benchmark::State& state) {
  const auto& p = pool(static_cast<size_t>(state.range(0)));
  const size_t n = p.frames.size();
  size_t i = 0;
  for (auto _ : state) {
    const ParsedPacket pkt = ParsedPacket::parse(Bytes(p.frames[i], p.lens[i]));
    benchmark::DoNotOptimize(pkt.size());
    if (++i == n) i = 0;
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_ParsedPacketWalk)->Arg(256);

void BM_SetIpv4AddrIncremental(benchmark::State& state) {
  auto mix = bench::make_mix(32);
  // Find a TCP frame.
  size_t k = 0;
  while (mix.frames[k][23] != 6 || mix.frames[k][12] != 0x08) ++k;
  uint8_t* ip = const_cast<uint8_t*>(mix.frames[k]) + 14;
  const size_t len = mix.lens[k] - 14u;
  uint32_t a = 1;
  for (auto _ : state) {
    set_ipv4_addr(ip, len, true, a++);
    set_l4_port(ip, len, false, static_cast<uint16_t>(a));
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations()));
}
BENCHMARK(BM_SetIpv4AddrIncremental);

void BM_Checksum(benchmark::State& state) {
  std::vector<uint8_t> d(static_cast<size_t>(state.range(0)), 0x5a);
  for (auto _ : state) benchmark::DoNotOptimize(inet_checksum(d.data(), d.size()));
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations()) * state.range(0));
}
BENCHMARK(BM_Checksum)->Arg(20)->Arg(1500);

}  // namespace
}  // namespace ofkit

BENCHMARK_MAIN();
