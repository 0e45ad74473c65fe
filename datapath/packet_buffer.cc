#include "datapath/packet_buffer.h"

#include <algorithm>

#include "oflib/wire/constants.h"

namespace ofkit::dp {

PacketBufferPool::PacketBufferPool(uint32_t count, uint64_t timeout_ns) : timeout_ns_(timeout_ns) {
  count = std::clamp<uint32_t>(count, 1, 1u << 16);
  slots_.resize(count);
  while ((1u << slot_bits_) < count) ++slot_bits_;
  if (slot_bits_ == 0) slot_bits_ = 1;
}

uint32_t PacketBufferPool::store(std::span<const uint8_t> data, uint16_t in_port, uint64_t now_ns) {
  const uint32_t n = count();
  for (uint32_t tries = 0; tries < n; ++tries) {
    const uint32_t i = next_;
    next_ = (next_ + 1) % n;
    Slot& s = slots_[i];
    if (s.used && now_ns < s.stored_ns + timeout_ns_) continue;
    s.used = true;
    s.stored_ns = now_ns;
    s.pkt.data.assign(data.begin(), data.end());
    s.pkt.in_port = in_port;
    const uint32_t max_cookie = 0xffffffffu >> slot_bits_;
    do {
      s.cookie = (s.cookie + 1) & max_cookie;
    } while (make_id(i) == of::kNoBuffer);
    return make_id(i);
  }
  return of::kNoBuffer;
}

std::optional<BufferedPacket> PacketBufferPool::take(uint32_t id, uint64_t now_ns) {
  if (id == of::kNoBuffer) return std::nullopt;
  const uint32_t i = id & ((1u << slot_bits_) - 1);
  if (i >= count()) return std::nullopt;
  Slot& s = slots_[i];
  if (!s.used || make_id(i) != id) return std::nullopt;
  s.used = false;
  if (now_ns >= s.stored_ns + timeout_ns_) return std::nullopt;
  return std::move(s.pkt);
}

void PacketBufferPool::expire(uint64_t now_ns) {
  for (Slot& s : slots_) {
    if (s.used && now_ns >= s.stored_ns + timeout_ns_) {
      s.used = false;
      s.pkt.data.clear();
    }
  }
}

uint32_t PacketBufferPool::in_use() const {
  return static_cast<uint32_t>(
      std::count_if(slots_.begin(), slots_.end(), [](const Slot& s) { return s.used; }));
}

}  // namespace ofkit::dp
