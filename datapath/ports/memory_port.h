#pragma once
// An in-memory port: frames injected by a test become RX, TX is recorded.
// Both sides take a mutex (this is a test/benchmark port, not a fast path).

#include <deque>
#include <mutex>
#include <vector>

#include "datapath/port.h"

namespace ofkit::dp {

class MemoryPort final : public Port {
 public:
  MemoryPort(std::string name, MacAddr mac);

  uint16_t rx_burst(uint16_t queue, PacketPool& pool, Packet** out, uint16_t n) override;
  uint16_t tx_burst(uint16_t queue, Packet** pkts, uint16_t n) override;
  bool link_up() const override;
  bool input_exhausted() const override;
  bool has_finite_input() const override { return finite_; }

  void inject(std::vector<uint8_t> frame);
  // Frames transmitted so far (moved out).
  std::vector<std::vector<uint8_t>> take_tx();
  size_t tx_count() const;
  void set_link_up(bool up);
  // Once set, input_exhausted() is true when the RX queue is empty.
  void set_finite(bool finite) { finite_ = finite; }

 private:
  mutable std::mutex mu_;
  std::deque<std::vector<uint8_t>> rx_;
  std::vector<std::vector<uint8_t>> tx_;
  bool link_up_ = true;
  bool finite_ = false;
};

// Finds the MemoryPort behind a Port (nullptr if another backend).
inline MemoryPort* as_memory_port(Port* p) { return dynamic_cast<MemoryPort*>(p); }

}  // namespace ofkit::dp
