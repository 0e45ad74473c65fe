#pragma once
// A libpcap live port ("pcap:eth0"): non-blocking capture of inbound frames
// (PCAP_D_IN, so our own transmissions are not seen again) and pcap_inject
// for TX, serialized by a mutex (one pcap handle is not thread-safe).

#include <memory>
#include <mutex>
#include <string>

#include <pcap/pcap.h>

#include "datapath/port.h"

namespace ofkit::dp {

class PcapPort final : public Port {
 public:
  static std::unique_ptr<PcapPort> open(const std::string& iface, MacAddr fallback_mac, std::string* error);
  ~PcapPort() override;

  uint16_t rx_burst(uint16_t queue, PacketPool& pool, Packet** out, uint16_t n) override;
  uint16_t tx_burst(uint16_t queue, Packet** pkts, uint16_t n) override;
  bool link_up() const override;

 private:
  PcapPort() = default;
  pcap_t* handle_ = nullptr;
  std::mutex tx_mu_;
};

}  // namespace ofkit::dp
