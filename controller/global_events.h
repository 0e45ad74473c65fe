#pragma once
// Runtime-wide events delivered as messages to shard 0 (where global apps
// live): owned copies, no Connection references, so they can cross threads.
// They travel through the bounded data mailbox; if it is full they are
// dropped and counted (EventLoop::data_drops).

#include <cstddef>
#include <cstdint>
#include <string>

#include "oflib/wire/features.h"
#include "oflib/wire/port.h"

namespace ofkit::ctl {

struct SwitchJoined {
  static constexpr const char* kName = "SwitchJoined";
  uint64_t dpid;
  of::FeaturesReply features;
  size_t shard;
};

struct SwitchLeft {
  static constexpr const char* kName = "SwitchLeft";
  uint64_t dpid;
  std::string reason;
};

struct PortChanged {
  static constexpr const char* kName = "PortChanged";
  uint64_t dpid;
  of::PortStatus msg;
};

}  // namespace ofkit::ctl
