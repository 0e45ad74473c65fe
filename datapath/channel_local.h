#pragma once
// The Channel over the in-process controller's LocalChannelEnd
// (--controller=local): the same OpenFlow bytes as on a socket, carried by
// controller/local_channel.h's pipes. Writes never wait, so pending() is 0.

#include "controller/local_channel.h"
#include "datapath/channel.h"

namespace ofkit::dp {

class LocalChannelAdapter final : public Channel {
 public:
  explicit LocalChannelAdapter(ctl::LocalChannelEnd end) : end_(std::move(end)) {}
  ~LocalChannelAdapter() override { end_.close(); }

  int fd() const override { return end_.event_fd(); }
  IoStatus receive(std::vector<uint8_t>* in) override {
    end_.receive(in);
    if (end_.peer_closed()) {
      error_ = "in-process controller closed the channel";
      return IoStatus::kClosed;
    }
    return IoStatus::kOk;
  }
  IoStatus send(std::span<const uint8_t> bytes) override {
    if (end_.send(bytes)) return IoStatus::kOk;
    error_ = "in-process controller closed the channel";
    return IoStatus::kClosed;
  }
  IoStatus flush() override { return IoStatus::kOk; }
  size_t pending() const override { return 0; }
  std::string name() const override { return "local"; }
  const std::string& error() const override { return error_; }

 private:
  ctl::LocalChannelEnd end_;
  std::string error_;
};

}  // namespace ofkit::dp
