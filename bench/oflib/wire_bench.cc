// OpenFlow 1.0 wire library micro-benchmarks: the hot messages of a
// controller (PACKET_IN decode, FLOW_MOD encode) and of a switch (FLOW_MOD
// decode), and stream framing.
//
//   meson setup build-rel --buildtype=release && ninja -C build-rel bench/oflib_wire_bench
//   build-rel/bench/oflib_wire_bench
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "oflib/wire/flow_mod.h"
#include "oflib/wire/framer.h"
#include "oflib/wire/message.h"
#include "oflib/wire/packet_in.h"

namespace ofkit::of {
namespace {

std::vector<uint8_t> packet_in_128() {
  std::vector<uint8_t> frame(128);
  for (size_t i = 0; i < frame.size(); ++i) frame[i] = static_cast<uint8_t>(i);
  return encode_message(PacketIn{0x100, 1500, 3, PacketInReason::kNoMatch, frame}, 7);
}

FlowMod flow_mod(ActionList actions) {
  FlowMod f;
  f.match.wildcards = wildcards::kAll & ~(wildcards::kInPort | wildcards::kDlType | wildcards::kNwProto |
                                          wildcards::kTpDst | wildcards::kNwSrcMask);
  f.match.key.in_port = 1;
  f.match.key.dl_type = 0x0800;
  f.match.key.nw_proto = 6;
  f.match.key.nw_src = 0x0a000000;
  f.match.key.tp_dst = 80;
  f.idle_timeout = 10;
  f.priority = 100;
  f.cookie = 5;
  f.actions = std::move(actions);
  return f;
}

// Controller hot path: validate a PACKET_IN and read its fields (zero copy).
void BM_PacketInView(benchmark::State& state) {
  const auto msg = packet_in_128();
  for (auto _ : state) {
    benchmark::DoNotOptimize(msg.data());
    auto v = PacketInView::parse(msg);
    uint32_t sum = v->buffer_id() + v->in_port() + v->total_len() + static_cast<uint32_t>(v->reason()) +
                   static_cast<uint32_t>(v->data().size());
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PacketInView);

// Reference: the full value decode (allocates the data vector).
void BM_PacketInDecodeMessage(benchmark::State& state) {
  const auto msg = packet_in_128();
  for (auto _ : state) {
    auto m = decode_message(msg);
    benchmark::DoNotOptimize(m);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_PacketInDecodeMessage);

// Switch side: validate a FLOW_MOD with 3 actions and walk them.
void BM_FlowModView3Actions(benchmark::State& state) {
  const auto msg = encode_message(
      flow_mod({ActionSetVlanVid{5}, ActionSetDlDst{MacAddr::from_u64(0x0a0000000002)}, ActionOutput{2, 0}}),
      9);
  for (auto _ : state) {
    benchmark::DoNotOptimize(msg.data());
    auto v = FlowModView::parse(msg);
    Match m = v->match();
    uint32_t ports = 0;
    for (ActionCursor c = v->actions(); !c.done(); c.advance())
      if (c.type() == ActionType::kOutput) ports += c.port();
    benchmark::DoNotOptimize(m);
    benchmark::DoNotOptimize(ports);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlowModView3Actions);

// The same into a FlowMod value (allocates the action vector).
void BM_FlowModDecode3Actions(benchmark::State& state) {
  const auto msg = encode_message(
      flow_mod({ActionSetVlanVid{5}, ActionSetDlDst{MacAddr::from_u64(0x0a0000000002)}, ActionOutput{2, 0}}),
      9);
  for (auto _ : state) {
    auto f = decode_flow_mod(msg);
    benchmark::DoNotOptimize(f);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlowModDecode3Actions);

// Controller hot path: encode a FLOW_MOD with 2 actions into a caller buffer.
void BM_FlowModEncodeInto2Actions(benchmark::State& state) {
  const Message m = flow_mod({ActionSetVlanVid{5}, ActionOutput{2, 0}});
  alignas(64) uint8_t buf[256];
  uint32_t xid = 0;
  for (auto _ : state) {
    const size_t n = encode_message_into(m, ++xid, buf);
    benchmark::DoNotOptimize(n);
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlowModEncodeInto2Actions);

// Reference: encode_message() returning a new vector.
void BM_FlowModEncodeVector2Actions(benchmark::State& state) {
  const Message m = flow_mod({ActionSetVlanVid{5}, ActionOutput{2, 0}});
  for (auto _ : state) {
    auto v = encode_message(m, 1);
    benchmark::DoNotOptimize(v);
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_FlowModEncodeVector2Actions);

// 1 MiB of mixed messages (PACKET_IN, FLOW_MOD, ECHO, BARRIER, PACKET_OUT,
// a stats reply), framed as it arrives in reads of state.range(0) bytes.
std::vector<uint8_t> mixed_stream(size_t* count) {
  std::vector<std::vector<uint8_t>> kinds = {
      packet_in_128(),
      encode_message(flow_mod({ActionSetVlanVid{5}, ActionOutput{2, 0}}), 2),
      encode_message(EchoRequest{{1, 2, 3, 4, 5, 6, 7, 8}}, 3),
      encode_message(BarrierRequest{}, 4),
      encode_message(PacketOut{kNoBuffer, 1, {ActionOutput{port::kFlood, 0}}, std::vector<uint8_t>(64, 1)},
                     5),
      encode_message(StatsReply{0, PortStatsReply{std::vector<PortStats>(4)}}, 6),
  };
  std::vector<uint8_t> s;
  *count = 0;
  for (size_t i = 0; s.size() < (1u << 20); ++i) {
    const auto& k = kinds[i % kinds.size()];
    s.insert(s.end(), k.begin(), k.end());
    ++*count;
  }
  return s;
}

void BM_FrameMixed1MiB(benchmark::State& state) {
  size_t count = 0;
  const auto stream = mixed_stream(&count);
  const size_t chunk = static_cast<size_t>(state.range(0));
  Framer f;
  for (auto _ : state) {
    size_t n = 0;
    for (size_t off = 0; off < stream.size(); off += chunk) {
      const auto piece = std::span(stream).subspan(off, std::min(chunk, stream.size() - off));
      f.push(piece, [&](std::span<const uint8_t> m) { n += m[1]; });
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(BM_FrameMixed1MiB)->Arg(1460)->Arg(65536);

// The same through the socket-style API: copy each read into the framer.
void BM_FrameMixed1MiBSocketStyle(benchmark::State& state) {
  size_t count = 0;
  const auto stream = mixed_stream(&count);
  Framer f;
  for (auto _ : state) {
    size_t n = 0;
    size_t off = 0;
    while (off < stream.size()) {
      auto space = f.write_space();
      const size_t k = std::min({space.size(), stream.size() - off, size_t{65536}});
      std::memcpy(space.data(), stream.data() + off, k);
      f.commit(k);
      off += k;
      while (auto m = f.next()) n += (*m)[1];
    }
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * stream.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * count));
}
BENCHMARK(BM_FrameMixed1MiBSocketStyle);

}  // namespace
}  // namespace ofkit::of

// bench/meson.build's benchmark dependency does not bring benchmark_main.
BENCHMARK_MAIN();
