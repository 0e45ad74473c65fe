#pragma once
// OF1.0 packet buffers (buffer_id), owned by the control thread.
//
// A PacketIn's packet is kept here so the controller can refer to it by
// buffer_id in a FLOW_MOD or PACKET_OUT. Each buffer is used once: take()
// releases it. Ids are (cookie << slot_bits) | slot with a per-slot cookie
// that changes on every reuse, so a stale id is told from a live one
// (OFPBRC_BUFFER_UNKNOWN) and 0xffffffff (OFP_NO_BUFFER) is never issued.
// A buffer not claimed within `timeout_ns` expires.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace ofkit::dp {

struct BufferedPacket {
  std::vector<uint8_t> data;
  uint16_t in_port = 0;
};

class PacketBufferPool {
 public:
  PacketBufferPool(uint32_t count, uint64_t timeout_ns);

  // Returns the new buffer_id, or OFP_NO_BUFFER when every buffer is in use.
  uint32_t store(std::span<const uint8_t> data, uint16_t in_port, uint64_t now_ns);
  // The packet and its release, or nullopt for an unknown, used or expired id.
  std::optional<BufferedPacket> take(uint32_t buffer_id, uint64_t now_ns);
  // Releases expired buffers.
  void expire(uint64_t now_ns);

  uint32_t count() const { return static_cast<uint32_t>(slots_.size()); }
  uint32_t in_use() const;

 private:
  struct Slot {
    BufferedPacket pkt;
    uint64_t stored_ns = 0;
    uint32_t cookie = 0;
    bool used = false;
  };
  uint32_t make_id(uint32_t slot) const { return (slots_[slot].cookie << slot_bits_) | slot; }

  std::vector<Slot> slots_;
  uint32_t slot_bits_ = 0;
  uint32_t next_ = 0;
  uint64_t timeout_ns_;
};

}  // namespace ofkit::dp
