#include "datapath/ports/packet.h"

namespace ofkit::dp {

PacketPool::PacketPool(size_t count, size_t data_room) : packets_(count) {
  const size_t stride = (kHeadroom + data_room + 63) & ~size_t{63};
  memory_ = std::make_unique_for_overwrite<uint8_t[]>(stride * count);
  free_.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Packet& p = packets_[i];
    p.buf = memory_.get() + stride * i;
    p.buf_len = static_cast<uint32_t>(stride);
    p.data = p.buf + kHeadroom;
    p.pool = this;
    free_.push_back(&p);
  }
}

}  // namespace ofkit::dp
