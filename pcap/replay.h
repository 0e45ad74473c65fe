#pragma once
// Trace replay: hands a trace's frames out in bursts of up to 32, as fast as
// possible, at the original timing (or a multiple of it), or at a fixed
// packet rate, looping N times.
//
// Two ways to drive it. run(sink) owns the loop: it sleeps on the clock until
// the next frame is due and calls the sink with every burst (ofpcap replay,
// tests). poll() never sleeps: it returns the frames due now, so a datapath
// worker can treat a trace file as an RX queue and ask next_due_ns() when
// it wants to know how long it may sleep.
//
// Pacing: frame i of a paced replay is due at start + (ts_i - ts_0) / speed
// (original timing) or start + i / pps (fixed rate, i counted across loops),
// computed from the start every time so errors do not accumulate. A frame
// whose timestamp goes backwards is due immediately after its predecessor.
// A new loop starts where the previous one's last frame was due. Every frame
// due at the time of a poll goes into the same burst, so when the clock's
// sleeps are coarse the average rate still holds.
//
// Time comes from a Clock: SteadyClock in programs, FakeClock in tests (its
// sleep_until jumps to the deadline and records it), so no test measures
// real time.

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "pcap/trace_file.h"

namespace ofkit::pcap {

inline constexpr size_t kMaxBurst = 32;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual uint64_t now_ns() = 0;
  virtual void sleep_until(uint64_t deadline_ns) = 0;
};

// CLOCK_MONOTONIC; sleeps with clock_nanosleep(TIMER_ABSTIME).
class SteadyClock final : public Clock {
 public:
  uint64_t now_ns() override;
  void sleep_until(uint64_t deadline_ns) override;
};

// A clock that moves only when told: sleep_until jumps to the deadline (if
// later) and records it; advance() moves it by hand.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(uint64_t start_ns = 0) : now_(start_ns) {}
  uint64_t now_ns() override { return now_; }
  void sleep_until(uint64_t deadline_ns) override {
    sleeps_.push_back(deadline_ns);
    if (deadline_ns > now_) now_ = deadline_ns;
  }
  void advance(uint64_t ns) { now_ += ns; }
  const std::vector<uint64_t>& sleeps() const { return sleeps_; }

 private:
  uint64_t now_;
  std::vector<uint64_t> sleeps_;
};

// Receives bursts from Replayer::run. Frames are valid only during the call.
// Returning false stops the replay.
class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual bool on_burst(std::span<const TraceFrame> burst) = 0;
};

// A FrameSink from a callable: bool(std::span<const TraceFrame>).
class CallbackSink final : public FrameSink {
 public:
  explicit CallbackSink(std::function<bool(std::span<const TraceFrame>)> fn) : fn_(std::move(fn)) {}
  bool on_burst(std::span<const TraceFrame> burst) override { return fn_(burst); }

 private:
  std::function<bool(std::span<const TraceFrame>)> fn_;
};

struct ReplayOptions {
  enum class Pacing {
    kTopSpeed,  // as fast as the sink takes them
    kOriginal,  // the trace's own timing divided by speed
    kRate,      // pps frames per second
  };
  Pacing pacing = Pacing::kTopSpeed;
  double speed = 1.0;                       // kOriginal: 2.0 replays twice as fast; must be > 0
  double pps = 0;                           // kRate: must be > 0
  uint64_t loops = 1;                       // 0: until stopped
  size_t burst = kMaxBurst;                 // 1..kMaxBurst
  const std::atomic<bool>* stop = nullptr;  // run() returns soon after it becomes true
};

struct ReplayStats {
  uint64_t frames = 0;
  uint64_t bytes = 0;  // captured bytes handed out
  uint64_t bursts = 0;
  uint64_t loops_completed = 0;
};

enum class ReplayStatus {
  kDone,     // every loop replayed
  kStopped,  // the sink returned false or *stop became true
  kError,    // the trace is damaged (or could not be reopened); see error()
};

class Replayer {
 public:
  // READER and CLOCK must outlive the Replayer. Options out of range
  // (speed or pps <= 0 when used, burst 0 or > 32) are clamped: speed and
  // pps to a minimum of 1e-9, burst into 1..32.
  Replayer(TraceReader& reader, Clock& clock, const ReplayOptions& options);

  // Blocking: replays everything into SINK.
  ReplayStatus run(FrameSink& sink);

  // Non-blocking: up to MAX (<= options.burst) frames due now into OUT,
  // valid until the next poll(). 0 when nothing is due yet or when finished().
  size_t poll(TraceFrame* out, size_t max);
  // When the next frame is due (0 when it is due now or at top speed).
  uint64_t next_due_ns();
  bool finished() const { return finished_; }
  ReplayStatus status() const { return status_; }
  const std::string& error() const { return reader_.error(); }
  const ReplayStats& stats() const { return stats_; }

 private:
  bool fetch();  // reads the next frame into pending_, computing its due time
  TraceFrame copy_to_slot(const TraceFrame& f);

  TraceReader& reader_;
  Clock& clock_;
  ReplayOptions options_;
  ReplayStats stats_;
  ReplayStatus status_ = ReplayStatus::kDone;
  bool finished_ = false;
  bool started_ = false;

  bool has_pending_ = false;
  TraceFrame pending_;
  uint64_t pending_due_ = 0;

  uint64_t start_ns_ = 0;      // clock time of the first frame (kRate, kOriginal)
  uint64_t loop_base_ns_ = 0;  // clock time at which the current loop's first frame is due
  uint64_t loop_ts0_ = 0;      // trace timestamp of the current loop's first frame
  bool loop_first_ = true;     // the next frame read is the first of a loop
  uint64_t last_due_ = 0;
  uint64_t frames_in_loop_ = 0;
  uint64_t rate_index_ = 0;  // frames scheduled so far, across loops (kRate)

  // Copies of frames from readers whose views do not last (libpcap).
  std::vector<std::vector<uint8_t>> slots_;
  size_t next_slot_ = 0;
};

}  // namespace ofkit::pcap
