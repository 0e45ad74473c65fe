#pragma once
// A port that only counts: TX frees the packets (the per-thread port
// counters record them), RX is empty. ofdp's default OFPP_LOCAL port
// ("sink:"), so output:LOCAL is accepted, counted and visible in port stats
// without a tap device.

#include <string>

#include "datapath/port.h"

namespace ofkit::dp {

class SinkPort final : public Port {
 public:
  SinkPort(std::string name, MacAddr mac) {
    name_ = std::move(name);
    mac_ = mac;
  }
  uint16_t rx_burst(uint16_t, PacketPool&, Packet**, uint16_t) override { return 0; }
  uint16_t tx_burst(uint16_t, Packet** pkts, uint16_t n) override {
    for (uint16_t i = 0; i < n; ++i) free_packet(pkts[i]);
    return n;
  }
};

}  // namespace ofkit::dp
