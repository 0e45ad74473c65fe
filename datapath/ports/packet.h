#pragma once
// Packet buffers for the datapath. A Packet is a fixed-size buffer with
// headroom (so a VLAN tag can be pushed without moving the frame) taken from
// a PacketPool. A pool belongs to one thread (a worker or the control
// thread): that thread allocates, and since workers run to completion, the
// same thread frees after transmit. No locks, no allocation after start-up.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <vector>

namespace ofkit::dp {

inline constexpr uint16_t kBurstSize = 32;
inline constexpr uint16_t kHeadroom = 128;
// The longest frame a port receives: 9 KB jumbo frames (9216 bytes).
// Longer ones are counted (Port::rx_oversize) and dropped, never truncated.
inline constexpr uint16_t kMaxRxFrame = 9216;
inline constexpr uint16_t kMaxFrame = kMaxRxFrame + 18;  // plus pushed tags: every buffer's data room

class PacketPool;

struct Packet {
  uint8_t* data = nullptr;  // first byte of the frame
  uint16_t len = 0;
  uint16_t in_port = 0;
  uint32_t flow_hash = 0;  // scratch for the worker
  PacketPool* pool = nullptr;
  uint8_t* buf = nullptr;  // start of the buffer (headroom before data)
  uint32_t buf_len = 0;

  uint16_t headroom() const { return static_cast<uint16_t>(data - buf); }
  size_t tailroom() const { return buf_len - headroom() - len; }
  // Sets the frame to a copy of bytes (truncated to the buffer; callers
  // check lengths against kMaxRxFrame first).
  void assign(const uint8_t* bytes, size_t n) {
    data = buf + kHeadroom;
    if (n > buf_len - kHeadroom) n = buf_len - kHeadroom;
    std::memcpy(data, bytes, n);
    len = static_cast<uint16_t>(n);
  }
};

class PacketPool {
 public:
  // `count` buffers of `data_room` bytes each after the headroom.
  // Memory is reserved, not touched: only buffers in use get pages.
  explicit PacketPool(size_t count, size_t data_room = kMaxFrame);
  PacketPool(const PacketPool&) = delete;
  PacketPool& operator=(const PacketPool&) = delete;

  Packet* alloc() {
    if (free_.empty()) return nullptr;
    Packet* p = free_.back();
    free_.pop_back();
    p->data = p->buf + kHeadroom;
    p->len = 0;
    return p;
  }
  // Allocates up to n; returns how many.
  uint16_t alloc_bulk(Packet** out, uint16_t n) {
    uint16_t i = 0;
    for (; i < n && !free_.empty(); ++i) out[i] = alloc();
    return i;
  }
  void free(Packet* p) { free_.push_back(p); }
  Packet* clone(const Packet& src) {
    Packet* p = alloc();
    if (!p) return nullptr;
    p->assign(src.data, src.len);
    p->in_port = src.in_port;
    return p;
  }
  size_t available() const { return free_.size(); }
  size_t size() const { return packets_.size(); }

 private:
  std::vector<Packet> packets_;
  std::unique_ptr<uint8_t[]> memory_;
  std::vector<Packet*> free_;
};

inline void free_packet(Packet* p) { p->pool->free(p); }

}  // namespace ofkit::dp
