#include "pcap/replay.h"

#include <gtest/gtest.h>

#include <vector>

#include "tests/pcap/capture_bytes.h"

namespace ofkit::pcap {
namespace {

using testing::Record;
using testing::TempFile;
constexpr uint64_t kMs = 1'000'000;
constexpr uint64_t kStart = 5'000'000'000;  // fake clock's start

// N frames; frame i is 60 bytes starting with byte i; timestamps (ns) given.
std::vector<uint8_t> trace(const std::vector<uint64_t>& ts_ns, bool ng = false) {
  std::vector<Record> recs;
  for (size_t i = 0; i < ts_ns.size(); ++i) {
    recs.push_back({static_cast<uint32_t>(1'600'000'000 + ts_ns[i] / 1'000'000'000),
                    static_cast<uint32_t>(ts_ns[i] % 1'000'000'000),
                    testing::pattern(60, static_cast<uint8_t>(i)), 0});
  }
  return ng ? testing::pcapng(false, true, 1, recs) : testing::classic_pcap(false, true, 1, recs);
}

std::vector<uint64_t> evenly(size_t n, uint64_t gap) {
  std::vector<uint64_t> v;
  for (size_t i = 0; i < n; ++i) v.push_back(i * gap);
  return v;
}

// Records what arrives: each burst as (clock time, first bytes of its frames).
struct Recorder : FrameSink {
  explicit Recorder(Clock& c) : clock(c) {}
  bool on_burst(std::span<const TraceFrame> burst) override {
    std::vector<int> ids;
    for (const auto& f : burst) ids.push_back(f.data[0]);
    bursts.push_back({clock.now_ns(), ids});
    for (int id : ids) order.push_back(id);
    return stop_after == 0 || order.size() < stop_after;
  }
  Clock& clock;
  std::vector<std::pair<uint64_t, std::vector<int>>> bursts;
  std::vector<int> order;
  size_t stop_after = 0;
};

std::unique_ptr<TraceReader> open(const TempFile& f, OpenOptions::Backend b = OpenOptions::Backend::kAuto) {
  std::string err;
  OpenOptions o;
  o.backend = b;
  auto r = TraceReader::open(f.path(), &err, o);
  EXPECT_TRUE(r) << err;
  return r;
}

TEST(Replay, TopSpeedSendsFullBurstsInOrderWithoutSleeping) {
  TempFile file(trace(evenly(100, 7 * kMs)));
  auto reader = open(file);
  FakeClock clock(kStart);
  Replayer replay(*reader, clock, {});
  Recorder sink(clock);
  EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
  ASSERT_EQ(sink.bursts.size(), 4u);
  EXPECT_EQ(sink.bursts[0].second.size(), 32u);
  EXPECT_EQ(sink.bursts[3].second.size(), 4u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(sink.order[i], i);
  EXPECT_TRUE(clock.sleeps().empty());
  EXPECT_EQ(replay.stats().frames, 100u);
  EXPECT_EQ(replay.stats().bytes, 6000u);
  EXPECT_EQ(replay.stats().bursts, 4u);
  EXPECT_EQ(replay.stats().loops_completed, 1u);
}

TEST(Replay, LoopsRepeatTheTraceInOrder) {
  for (auto backend : {OpenOptions::Backend::kAuto, OpenOptions::Backend::kLibpcap}) {
    TempFile file(trace(evenly(5, kMs)));
    auto reader = open(file, backend);
    FakeClock clock(kStart);
    ReplayOptions o;
    o.loops = 3;
    o.burst = 4;
    Replayer replay(*reader, clock, o);
    Recorder sink(clock);
    EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
    EXPECT_EQ(sink.order, (std::vector<int>{0, 1, 2, 3, 4, 0, 1, 2, 3, 4, 0, 1, 2, 3, 4}));
    EXPECT_EQ(sink.bursts.size(), 4u);  // 4+4+4+3: bursts run across loop boundaries
    EXPECT_EQ(replay.stats().loops_completed, 3u);
  }
}

TEST(Replay, OriginalTimingSleepsToEachTimestamp) {
  // Gaps of 10, 0, 20 ms, a step back in time, then 20 ms.
  TempFile file(trace({0, 10 * kMs, 10 * kMs, 30 * kMs, 20 * kMs, 50 * kMs}));
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.pacing = ReplayOptions::Pacing::kOriginal;
  Replayer replay(*reader, clock, o);
  Recorder sink(clock);
  EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
  using B = std::vector<std::pair<uint64_t, std::vector<int>>>;
  EXPECT_EQ(sink.bursts, (B{{kStart, {0}},
                            {kStart + 10 * kMs, {1, 2}},
                            {kStart + 30 * kMs, {3, 4}},  // 4 went back in time: due right after 3
                            {kStart + 50 * kMs, {5}}}));
  EXPECT_EQ(clock.sleeps(), (std::vector<uint64_t>{kStart + 10 * kMs, kStart + 30 * kMs, kStart + 50 * kMs}));
}

TEST(Replay, SpeedMultipliesTheOriginalTiming) {
  for (double speed : {2.0, 0.5}) {
    TempFile file(trace({0, 10 * kMs, 30 * kMs}));
    auto reader = open(file);
    FakeClock clock(kStart);
    ReplayOptions o;
    o.pacing = ReplayOptions::Pacing::kOriginal;
    o.speed = speed;
    Replayer replay(*reader, clock, o);
    Recorder sink(clock);
    EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
    const auto at = [&](uint64_t t) {
      return kStart + static_cast<uint64_t>(static_cast<double>(t) / speed);
    };
    EXPECT_EQ(clock.sleeps(), (std::vector<uint64_t>{at(10 * kMs), at(30 * kMs)})) << speed;
  }
}

TEST(Replay, OriginalTimingLoopsStartWhereTheLastFrameWasDue) {
  TempFile file(trace({100 * kMs, 110 * kMs, 130 * kMs}));
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.pacing = ReplayOptions::Pacing::kOriginal;
  o.loops = 2;
  Replayer replay(*reader, clock, o);
  Recorder sink(clock);
  EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
  using B = std::vector<std::pair<uint64_t, std::vector<int>>>;
  EXPECT_EQ(sink.bursts, (B{{kStart, {0}},
                            {kStart + 10 * kMs, {1}},
                            {kStart + 30 * kMs, {2, 0}},
                            {kStart + 40 * kMs, {1}},
                            {kStart + 60 * kMs, {2}}}));
}

TEST(Replay, FixedRateSpacesFramesAcrossLoops) {
  TempFile file(trace(evenly(3, 500 * kMs)));  // the trace's own timing is ignored
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.pacing = ReplayOptions::Pacing::kRate;
  o.pps = 1000;
  o.loops = 2;
  Replayer replay(*reader, clock, o);
  Recorder sink(clock);
  EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
  ASSERT_EQ(sink.bursts.size(), 6u);
  for (size_t i = 0; i < 6; ++i) {
    EXPECT_EQ(sink.bursts[i].first, kStart + i * kMs);
    EXPECT_EQ(sink.bursts[i].second, std::vector<int>{static_cast<int>(i % 3)});
  }
}

TEST(Replay, FractionalRatesDoNotDrift) {
  TempFile file(trace(evenly(10, 0)));
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.pacing = ReplayOptions::Pacing::kRate;
  o.pps = 3;  // 333333333.33 ns apart: computed from the start, not summed
  Replayer replay(*reader, clock, o);
  Recorder sink(clock);
  replay.run(sink);
  ASSERT_EQ(sink.bursts.size(), 10u);
  EXPECT_EQ(sink.bursts[3].first, kStart + 1'000'000'000);
  EXPECT_EQ(sink.bursts[9].first, kStart + 3'000'000'000);
}

TEST(Replay, PollReturnsOnlyWhatIsDueAndNeverSleeps) {
  TempFile file(trace(evenly(100, 0)));
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.pacing = ReplayOptions::Pacing::kRate;
  o.pps = 1'000'000;  // one per microsecond
  Replayer replay(*reader, clock, o);
  TraceFrame out[kMaxBurst];
  EXPECT_EQ(replay.poll(out, kMaxBurst), 1u);  // frame 0 is due at the start
  EXPECT_EQ(replay.poll(out, kMaxBurst), 0u);
  EXPECT_EQ(replay.next_due_ns(), kStart + 1000);
  clock.advance(10'500);  // frames 1..10 are due
  EXPECT_EQ(replay.poll(out, kMaxBurst), 10u);
  EXPECT_EQ(out[0].data[0], 1);
  EXPECT_EQ(out[9].data[0], 10);
  clock.advance(1'000'000);  // everything is due; bursts cap at 32
  EXPECT_EQ(replay.poll(out, kMaxBurst), 32u);
  EXPECT_EQ(replay.poll(out, 8), 8u);
  EXPECT_EQ(out[7].data[0], 50);
  EXPECT_EQ(replay.poll(out, kMaxBurst), 32u);
  EXPECT_EQ(replay.poll(out, kMaxBurst), 17u);
  EXPECT_EQ(out[16].data[0], 99);
  EXPECT_TRUE(replay.finished());  // that poll looked ahead and met the end
  EXPECT_EQ(replay.poll(out, kMaxBurst), 0u);
  EXPECT_EQ(replay.status(), ReplayStatus::kDone);
  EXPECT_TRUE(clock.sleeps().empty());
}

TEST(Replay, CopiedFramesSurviveWhileTheirBurstIsInUse) {
  // pcapng goes through libpcap, whose views do not last: the replayer copies.
  TempFile file(trace(evenly(200, 0), /*ng=*/true), ".pcapng");
  auto reader = open(file);
  ASSERT_FALSE(reader->stable_views());
  FakeClock clock(kStart);
  Replayer replay(*reader, clock, {});
  std::vector<int> seen;
  CallbackSink sink([&](std::span<const TraceFrame> burst) {
    // Every frame of the burst still holds its own bytes (frame i: i, i+1, ...).
    for (const auto& f : burst) {
      EXPECT_EQ(f.data.size(), 60u);
      for (size_t j = 0; j < f.data.size(); ++j) EXPECT_EQ(f.data[j], static_cast<uint8_t>(f.data[0] + j));
      seen.push_back(f.data[0]);
    }
    return true;
  });
  EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
  ASSERT_EQ(seen.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(seen[i], i % 256);
}

TEST(Replay, SinkCanStopAnEndlessLoop) {
  TempFile file(trace(evenly(7, 0)));
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.loops = 0;  // forever
  o.burst = 5;
  Replayer replay(*reader, clock, o);
  Recorder sink(clock);
  sink.stop_after = 50;
  EXPECT_EQ(replay.run(sink), ReplayStatus::kStopped);
  EXPECT_EQ(sink.order.size(), 50u);
  EXPECT_EQ(sink.order[49], 49 % 7);
}

TEST(Replay, StopFlagEndsTheRun) {
  TempFile file(trace(evenly(7, 0)));
  auto reader = open(file);
  FakeClock clock(kStart);
  std::atomic<bool> stop{false};
  ReplayOptions o;
  o.loops = 0;
  o.stop = &stop;
  Replayer replay(*reader, clock, o);
  int calls = 0;
  CallbackSink sink([&](std::span<const TraceFrame>) {
    if (++calls == 3) stop = true;
    return true;
  });
  EXPECT_EQ(replay.run(sink), ReplayStatus::kStopped);
  EXPECT_EQ(calls, 3);
}

TEST(Replay, StopFlagWakesUpLongSleeps) {
  TempFile file(trace({0, 3'600'000 * kMs}));  // an hour between two frames
  auto reader = open(file);
  FakeClock clock(kStart);
  std::atomic<bool> stop{false};
  ReplayOptions o;
  o.pacing = ReplayOptions::Pacing::kOriginal;
  o.stop = &stop;
  CallbackSink sink([&](std::span<const TraceFrame>) { return true; });
  // A clock whose first sleep raises the flag, as a signal handler would.
  struct StoppingClock : Clock {
    FakeClock& inner;
    std::atomic<bool>& stop;
    StoppingClock(FakeClock& i, std::atomic<bool>& s) : inner(i), stop(s) {}
    uint64_t now_ns() override { return inner.now_ns(); }
    void sleep_until(uint64_t t) override {
      inner.sleep_until(t);
      stop = true;
    }
  };
  StoppingClock sc(clock, stop);
  Replayer replay(*reader, sc, o);
  EXPECT_EQ(replay.run(sink), ReplayStatus::kStopped);
  ASSERT_EQ(clock.sleeps().size(), 1u);
  EXPECT_LE(clock.sleeps()[0], kStart + 100 * kMs);  // woke within 100 ms, not an hour
}

TEST(Replay, DamageDeliversTheGoodFramesThenAnError) {
  auto bytes = trace(evenly(40, 0));
  bytes.resize(bytes.size() - 10);  // cut into the last record
  TempFile file(bytes);
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.loops = 3;
  Replayer replay(*reader, clock, o);
  Recorder sink(clock);
  EXPECT_EQ(replay.run(sink), ReplayStatus::kError);
  EXPECT_EQ(sink.order.size(), 39u);
  EXPECT_NE(replay.error().find("frame 40"), std::string::npos) << replay.error();
}

TEST(Replay, EmptyTraceEndsEvenWhenLoopingForever) {
  TempFile file(trace({}));
  auto reader = open(file);
  FakeClock clock(kStart);
  ReplayOptions o;
  o.loops = 0;
  o.pacing = ReplayOptions::Pacing::kOriginal;
  Replayer replay(*reader, clock, o);
  Recorder sink(clock);
  EXPECT_EQ(replay.run(sink), ReplayStatus::kDone);
  EXPECT_TRUE(sink.order.empty());
}

}  // namespace
}  // namespace ofkit::pcap
