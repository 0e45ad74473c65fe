#pragma once
// Reconnect back-off for ofdp's active controller channels (tcp:/unix:).
//
// After a failed connect or a lost connection the agent waits delay() before
// the next attempt; every failure doubles the delay up to max. A connection
// that completes the OpenFlow handshake calls reset(), so a controller that
// restarts is found again within `initial`.

#include <chrono>

namespace ofkit::dp {

using SteadyClock = std::chrono::steady_clock;
using TimePoint = SteadyClock::time_point;
using Duration = std::chrono::milliseconds;

class Backoff {
 public:
  Backoff(Duration initial, Duration max) : initial_(initial), max_(max < initial ? initial : max) {}

  // The delay to wait before the next attempt; doubles the one after it.
  Duration next() {
    Duration d = current_.count() == 0 ? initial_ : current_;
    current_ = d * 2 > max_ ? max_ : d * 2;
    return d;
  }
  // The delay next() would return, without advancing.
  Duration peek() const { return current_.count() == 0 ? initial_ : current_; }
  void reset() { current_ = Duration::zero(); }

  Duration initial() const { return initial_; }
  Duration max() const { return max_; }

 private:
  Duration initial_;
  Duration max_;
  Duration current_{0};
};

}  // namespace ofkit::dp
