// Reading a pcap file: frames per second through TraceReader, the mapped
// reader (the default for classic pcap) against libpcap (the fallback, and
// what pcapng always uses) on the same file.
//
// Each iteration opens the file, reads every frame (touching its first cache
// line, as a parser extracting the flow key does; the TouchLastByte variant
// also reads the frame's last byte) and closes it, so
// mapping and page-fault costs are included. The file lives in the page cache
// (it is written just before), which is the question the benchmark answers:
// how fast the reader is, not the disk. Frame mixes: 64 bytes only, 1500
// only, and a simple IMIX (7 x 64, 4 x 576, 1 x 1500 bytes).
//
//   meson setup build-pcap-rel --buildtype=release -Dtests=false
//   ninja -C build-pcap-rel bench/pcap_read_bench && build-pcap-rel/bench/pcap_read_bench

#include <benchmark/benchmark.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "pcap/trace_file.h"

namespace {

using ofkit::pcap::OpenOptions;
using ofkit::pcap::ReadStatus;
using ofkit::pcap::TraceFrame;
using ofkit::pcap::TraceReader;
using ofkit::pcap::TraceWriter;

constexpr size_t kFrames = 200'000;

enum Mix { k64 = 0, k1500 = 1, kImix = 2 };

size_t frame_len(Mix mix, size_t i) {
  switch (mix) {
    case k64:
      return 64;
    case k1500:
      return 1500;
    case kImix: {
      const size_t j = i % 12;
      return j < 7 ? 64 : j < 11 ? 576 : 1500;
    }
  }
  return 64;
}

// One trace file per mix, written on first use and removed at exit.
const std::string& trace_path(Mix mix) {
  static std::map<Mix, std::string> paths;
  static struct Cleanup {
    ~Cleanup() {
      for (const auto& [m, p] : paths) std::filesystem::remove(p);
    }
  } cleanup;
  auto it = paths.find(mix);
  if (it != paths.end()) return it->second;
  const std::string path =
      (std::filesystem::temp_directory_path() /
       ("ofkit_pcap_bench_" + std::to_string(getpid()) + "_" + std::to_string(mix) + ".pcap"))
          .string();
  std::string err;
  auto w = TraceWriter::create(path, &err);
  if (!w) {
    std::fprintf(stderr, "%s\n", err.c_str());
    std::exit(1);
  }
  std::vector<uint8_t> frame(1500);
  for (size_t i = 0; i < kFrames; ++i) {
    frame[0] = static_cast<uint8_t>(i);
    w->write(std::span<const uint8_t>(frame.data(), frame_len(mix, i)),
             1'700'000'000'000'000'000ull + i * 1000);
  }
  w.reset();
  return paths[mix] = path;
}

// What a consumer reads of each frame: the first cache line (a parser
// extracting the flow key), or also the last byte (a consumer copying it).
inline uint64_t touch(const TraceFrame& f, bool all) {
  const size_t n = f.data.size();
  return all ? f.data[0] + f.data[n - 1] : f.data[0] + f.data[n < 64 ? n - 1 : 63];
}

void read_file(benchmark::State& state, OpenOptions::Backend backend, bool burst, bool all = false) {
  const Mix mix = static_cast<Mix>(state.range(0));
  const std::string& path = trace_path(mix);
  OpenOptions o;
  o.backend = backend;
  o.require_ethernet = true;
  uint64_t frames = 0, bytes = 0, sum = 0;
  for (auto _ : state) {
    std::string err;
    auto r = TraceReader::open(path, &err, o);
    if (!r) {
      state.SkipWithError(err.c_str());
      return;
    }
    if (burst) {
      TraceFrame f[32];
      size_t n;
      while ((n = r->next_burst(f, 32)) > 0) {
        for (size_t i = 0; i < n; ++i) {
          sum += touch(f[i], all);
          bytes += f[i].data.size();
        }
        frames += n;
      }
    } else {
      TraceFrame f;
      while (r->next(&f) == ReadStatus::kFrame) {
        sum += touch(f, all);
        bytes += f.data.size();
        ++frames;
      }
    }
    if (r->status() != ReadStatus::kEnd) state.SkipWithError(r->error().c_str());
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(frames));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}

void BM_ReadMapped(benchmark::State& s) { read_file(s, OpenOptions::Backend::kAuto, false); }
void BM_ReadMappedBurst32(benchmark::State& s) { read_file(s, OpenOptions::Backend::kAuto, true); }
void BM_ReadLibpcap(benchmark::State& s) { read_file(s, OpenOptions::Backend::kLibpcap, false); }
// The mapping kept across iterations (rewind instead of reopen): reading
// alone, without mapping and page-table costs.
void BM_ReadMappedWarm(benchmark::State& state) {
  const std::string& path = trace_path(static_cast<Mix>(state.range(0)));
  std::string err;
  auto r = TraceReader::open(path, &err);
  uint64_t frames = 0, bytes = 0, sum = 0;
  for (auto _ : state) {
    r->rewind();
    TraceFrame f;
    while (r->next(&f) == ReadStatus::kFrame) {
      sum += touch(f, false);
      bytes += f.data.size();
      ++frames;
    }
  }
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(static_cast<int64_t>(frames));
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
}
void BM_ReadMappedTouchLastByte(benchmark::State& s) {
  read_file(s, OpenOptions::Backend::kAuto, false, true);
}

// Arg: 0 = 64-byte frames, 1 = 1500-byte frames, 2 = IMIX.
BENCHMARK(BM_ReadMapped)->Arg(k64)->Arg(k1500)->Arg(kImix)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadMappedBurst32)->Arg(k64)->Arg(k1500)->Arg(kImix)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadLibpcap)->Arg(k64)->Arg(k1500)->Arg(kImix)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadMappedWarm)->Arg(k64)->Arg(k1500)->Arg(kImix)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadMappedTouchLastByte)->Arg(k64)->Arg(k1500)->Arg(kImix)->Unit(benchmark::kMillisecond);

}  // namespace

// bench/meson.build's dependency('benchmark', main: true) does not bring
// benchmark_main through pkg-config; defining main here is harmless if it
// ever does (the executable's own main wins over the library's).
BENCHMARK_MAIN();
