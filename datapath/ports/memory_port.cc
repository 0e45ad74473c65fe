#include "datapath/ports/memory_port.h"

#include <utility>

namespace ofkit::dp {

MemoryPort::MemoryPort(std::string name, MacAddr mac) {
  name_ = std::move(name);
  mac_ = mac;
}

uint16_t MemoryPort::rx_burst(uint16_t, PacketPool& pool, Packet** out, uint16_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  uint16_t i = 0;
  while (i < n && !rx_.empty()) {
    Packet* p = pool.alloc();
    if (!p) break;
    if (rx_.front().size() > kMaxRxFrame) {
      count_oversize();
      pool.free(p);
      rx_.pop_front();
      continue;
    }
    p->assign(rx_.front().data(), rx_.front().size());
    rx_.pop_front();
    out[i++] = p;
  }
  return i;
}

uint16_t MemoryPort::tx_burst(uint16_t, Packet** pkts, uint16_t n) {
  std::lock_guard<std::mutex> lock(mu_);
  for (uint16_t i = 0; i < n; ++i) {
    tx_.emplace_back(pkts[i]->data, pkts[i]->data + pkts[i]->len);
    free_packet(pkts[i]);
  }
  return n;
}

bool MemoryPort::link_up() const {
  std::lock_guard<std::mutex> lock(mu_);
  return link_up_;
}

bool MemoryPort::input_exhausted() const {
  std::lock_guard<std::mutex> lock(mu_);
  return finite_ && rx_.empty();
}

void MemoryPort::inject(std::vector<uint8_t> frame) {
  std::lock_guard<std::mutex> lock(mu_);
  rx_.push_back(std::move(frame));
}

std::vector<std::vector<uint8_t>> MemoryPort::take_tx() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(tx_, {});
}

size_t MemoryPort::tx_count() const {
  std::lock_guard<std::mutex> lock(mu_);
  return tx_.size();
}

void MemoryPort::set_link_up(bool up) {
  std::lock_guard<std::mutex> lock(mu_);
  link_up_ = up;
}

}  // namespace ofkit::dp
