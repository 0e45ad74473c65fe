#include "pcap/replay.h"

#include <time.h>

#include <algorithm>
#include <cstring>

namespace ofkit::pcap {

uint64_t SteadyClock::now_ns() {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

void SteadyClock::sleep_until(uint64_t deadline_ns) {
  struct timespec ts;
  ts.tv_sec = static_cast<time_t>(deadline_ns / 1000000000ull);
  ts.tv_nsec = static_cast<long>(deadline_ns % 1000000000ull);
  // EINTR returns early; the caller re-checks its stop flag and sleeps again.
  clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
}

Replayer::Replayer(TraceReader& reader, Clock& clock, const ReplayOptions& options)
    : reader_(reader), clock_(clock), options_(options) {
  options_.speed = std::max(options_.speed, 1e-9);
  options_.pps = std::max(options_.pps, 1e-9);
  options_.burst = std::clamp<size_t>(options_.burst, 1, kMaxBurst);
  // poll() hands out at most kMaxBurst frames and holds one more read ahead.
  if (!reader_.stable_views()) slots_.resize(kMaxBurst + 1);
}

TraceFrame Replayer::copy_to_slot(const TraceFrame& f) {
  auto& slot = slots_[next_slot_];
  next_slot_ = (next_slot_ + 1) % slots_.size();
  if (slot.size() < f.data.size()) slot.resize(f.data.size());
  if (!f.data.empty()) std::memcpy(slot.data(), f.data.data(), f.data.size());
  TraceFrame c = f;
  c.data = std::span<const uint8_t>(slot.data(), f.data.size());
  return c;
}

bool Replayer::fetch() {
  if (!started_) {
    started_ = true;
    start_ns_ = options_.pacing == ReplayOptions::Pacing::kTopSpeed ? 0 : clock_.now_ns();
    loop_base_ns_ = start_ns_;
    last_due_ = start_ns_;
  }
  if (finished_) return false;
  TraceFrame f;
  for (;;) {
    const ReadStatus s = reader_.next(&f);
    if (s == ReadStatus::kFrame) break;
    if (s == ReadStatus::kError) {
      finished_ = true;
      status_ = ReplayStatus::kError;
      return false;
    }
    ++stats_.loops_completed;
    const bool last_loop = options_.loops != 0 && stats_.loops_completed >= options_.loops;
    if (frames_in_loop_ == 0 || last_loop) {  // an empty trace would loop forever
      finished_ = true;
      status_ = ReplayStatus::kDone;
      return false;
    }
    if (!reader_.rewind()) {
      finished_ = true;
      status_ = ReplayStatus::kError;
      return false;
    }
    frames_in_loop_ = 0;
    loop_first_ = true;
    loop_base_ns_ = last_due_;
  }
  ++frames_in_loop_;
  uint64_t due = 0;
  switch (options_.pacing) {
    case ReplayOptions::Pacing::kTopSpeed:
      break;
    case ReplayOptions::Pacing::kOriginal: {
      if (loop_first_) loop_ts0_ = f.timestamp_ns;
      const uint64_t delta = f.timestamp_ns > loop_ts0_ ? f.timestamp_ns - loop_ts0_ : 0;
      due = loop_base_ns_ + static_cast<uint64_t>(static_cast<double>(delta) / options_.speed);
      break;
    }
    case ReplayOptions::Pacing::kRate:
      due = start_ns_ + static_cast<uint64_t>(static_cast<double>(rate_index_) * 1e9 / options_.pps);
      ++rate_index_;
      break;
  }
  loop_first_ = false;
  due = std::max(due, last_due_);
  last_due_ = due;
  pending_ = slots_.empty() ? f : copy_to_slot(f);
  pending_due_ = due;
  has_pending_ = true;
  return true;
}

size_t Replayer::poll(TraceFrame* out, size_t max) {
  max = std::min(max, options_.burst);
  const bool paced = options_.pacing != ReplayOptions::Pacing::kTopSpeed;
  uint64_t now = 0;
  if (paced) {
    // Start the schedule on the first call, then read the clock once.
    if (!started_ && !fetch()) return 0;
    now = clock_.now_ns();
  }
  size_t n = 0;
  while (n < max) {
    if (!has_pending_ && !fetch()) break;
    if (paced && pending_due_ > now) break;
    out[n++] = pending_;
    has_pending_ = false;
    stats_.bytes += pending_.data.size();
  }
  if (n > 0) {
    stats_.frames += n;
    ++stats_.bursts;
  }
  return n;
}

uint64_t Replayer::next_due_ns() {
  if (!has_pending_ && !fetch()) return 0;
  return pending_due_;
}

ReplayStatus Replayer::run(FrameSink& sink) {
  constexpr uint64_t kStopCheckNs = 100'000'000;  // with a stop flag, wake at least every 100 ms
  TraceFrame burst[kMaxBurst];
  for (;;) {
    if (options_.stop != nullptr && options_.stop->load(std::memory_order_relaxed)) {
      finished_ = true;
      return status_ = ReplayStatus::kStopped;
    }
    const size_t n = poll(burst, options_.burst);
    if (n > 0) {
      if (!sink.on_burst(std::span<const TraceFrame>(burst, n))) {
        finished_ = true;
        return status_ = ReplayStatus::kStopped;
      }
      continue;
    }
    if (finished_) return status_;
    uint64_t due = next_due_ns();
    if (finished_) continue;  // the look-ahead hit the end or damage
    if (options_.stop != nullptr) due = std::min(due, clock_.now_ns() + kStopCheckNs);
    clock_.sleep_until(due);
  }
}

}  // namespace ofkit::pcap
