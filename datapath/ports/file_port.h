#pragma once
// A trace-file port: RX replays a pcap/pcapng file once, as fast as the
// worker polls (input_exhausted() once it is done), TX appends to a pcap.
// "file:in.pcap,out=out.pcap"; either side may be absent.

#include <atomic>
#include <memory>
#include <mutex>
#include <string>

#include "datapath/port.h"
#include "pcap/trace_file.h"

namespace ofkit::dp {

class FilePort final : public Port {
 public:
  static std::unique_ptr<FilePort> open(const std::string& name, const std::string& in_path,
                                        const std::string& out_path, MacAddr mac, std::string* error);
  ~FilePort() override;

  uint16_t rx_burst(uint16_t queue, PacketPool& pool, Packet** out, uint16_t n) override;
  uint16_t tx_burst(uint16_t queue, Packet** pkts, uint16_t n) override;
  void flush() override;
  bool input_exhausted() const override { return exhausted_.load(std::memory_order_acquire); }
  bool has_finite_input() const override { return true; }

 private:
  FilePort() = default;
  std::unique_ptr<pcap::TraceReader> reader_;
  std::unique_ptr<pcap::TraceWriter> writer_;
  std::mutex tx_mu_;
  std::atomic<bool> exhausted_{false};
};

}  // namespace ofkit::dp
