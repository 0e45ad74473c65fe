#pragma once
// A DPDK ethdev port: one RX queue (polled by one worker) and one TX queue
// per worker plus one for the control thread, so no queue is shared and no
// lock is taken (a device with fewer TX queues than workers + 1, such as
// net_pcap, shares its queues under a mutex). Frames are copied between mbufs and the datapath's packet
// buffers at RX and TX (one copy each way; zero-copy mbuf-backed packets
// are future work, see the issue note).

#include "ofkit_config.h"
#if OFKIT_HAVE_DPDK

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "datapath/port.h"

struct rte_mempool;

namespace ofkit::dp {

class DpdkPort final : public Port {
 public:
  // args: "N" or "NAME", optionally followed by ",eof".
  static std::unique_ptr<DpdkPort> open(const std::string& args, uint16_t tx_queues, std::string* error);
  ~DpdkPort() override;

  uint16_t rx_burst(uint16_t queue, PacketPool& pool, Packet** out, uint16_t n) override;
  uint16_t tx_burst(uint16_t queue, Packet** pkts, uint16_t n) override;
  bool link_up() const override;
  bool has_finite_input() const override { return finite_; }
  bool input_exhausted() const override;
  uint16_t port_id() const { return port_id_; }

 private:
  DpdkPort() = default;
  uint16_t port_id_ = 0;
  uint16_t tx_queues_ = 1;
  rte_mempool* mp_ = nullptr;
  bool finite_ = false;
  bool started_ = false;
  bool shared_tx_ = false;  // fewer TX queues than threads: serialize (e.g. net_pcap with one tx_pcap)
  std::mutex tx_mu_;
  std::atomic<uint64_t> last_rx_ns_{0};
};

}  // namespace ofkit::dp

#endif  // OFKIT_HAVE_DPDK
