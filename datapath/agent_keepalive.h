#pragma once
// Echo keepalive and inactivity probe for one OpenFlow connection, as Open
// vSwitch's rconn does it: when nothing has been received for `interval`,
// send an ECHO_REQUEST; when another `interval` passes still with nothing
// received, the peer is dead and the connection is closed. Any received
// message counts as activity. A zero interval disables probing (used for the
// in-process channel, which cannot die silently).
//
// Pure state: the caller passes the time in, so tests drive it with a fake
// clock.

#include "datapath/agent_backoff.h"

namespace ofkit::dp {

class Keepalive {
 public:
  enum class Action { kNone, kSendEcho, kDisconnect };

  explicit Keepalive(Duration interval) : interval_(interval) {}

  void start(TimePoint now) {
    last_rx_ = now;
    probe_sent_ = false;
  }
  // Call for every message received from the peer.
  void on_receive(TimePoint now) {
    last_rx_ = now;
    probe_sent_ = false;
  }
  // What to do now. kSendEcho is returned once per idle period.
  Action poll(TimePoint now) {
    if (interval_.count() <= 0) return Action::kNone;
    if (!probe_sent_) {
      if (now - last_rx_ >= interval_) {
        probe_sent_ = true;
        probe_time_ = now;
        return Action::kSendEcho;
      }
      return Action::kNone;
    }
    return now - probe_time_ >= interval_ ? Action::kDisconnect : Action::kNone;
  }
  // The next time poll() may return something other than kNone.
  TimePoint deadline() const {
    if (interval_.count() <= 0) return TimePoint::max();
    return (probe_sent_ ? probe_time_ : last_rx_) + interval_;
  }
  bool probe_outstanding() const { return probe_sent_; }
  Duration interval() const { return interval_; }

 private:
  Duration interval_;
  TimePoint last_rx_{};
  TimePoint probe_time_{};
  bool probe_sent_ = false;
};

}  // namespace ofkit::dp
