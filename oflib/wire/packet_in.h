#pragma once
// OFPT_PACKET_IN (struct ofp_packet_in): header, buffer_id, total_len,
// in_port, reason, one pad byte, then the frame data. The spec's
// OFP_ASSERT(sizeof(struct ofp_packet_in) == 20) counts two bytes of
// trailing struct padding; the data starts at offset 18, so 18 is the
// minimum message length.
//
// PacketInView is the zero-copy form for the controller's hot path: parse()
// validates once, the accessors cannot fail. encode_packet_in() is the
// switch's allocation-free encoder.

#include <cstdint>
#include <span>
#include <vector>

#include "oflib/common/byte_order.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

inline constexpr size_t kPacketInLen = 18;  // offsetof(struct ofp_packet_in, data)

struct PacketIn {
  uint32_t buffer_id = kNoBuffer;
  uint16_t total_len = 0;  // full length of the frame (data may be shorter)
  uint16_t in_port = 0;
  PacketInReason reason = PacketInReason::kNoMatch;
  std::vector<uint8_t> data;
  friend bool operator==(const PacketIn&, const PacketIn&) = default;
};

class PacketInView {
 public:
  // Checks version, type, length field == msg.size() >= 18. The reason byte
  // is not checked (a controller shows what the switch sent).
  static Result<PacketInView> parse(std::span<const uint8_t> msg);

  uint32_t xid() const { return load_be32(p_ + 4); }
  uint32_t buffer_id() const { return load_be32(p_ + 8); }
  uint16_t total_len() const { return load_be16(p_ + 12); }
  uint16_t in_port() const { return load_be16(p_ + 14); }
  PacketInReason reason() const { return static_cast<PacketInReason>(p_[16]); }
  std::span<const uint8_t> data() const { return {p_ + kPacketInLen, len_ - kPacketInLen}; }
  PacketIn value() const;

 private:
  PacketInView(const uint8_t* p, size_t len) : p_(p), len_(len) {}
  const uint8_t* p_;
  size_t len_;
};

size_t wire_len(const PacketIn& m);
void encode_to(const PacketIn& m, uint32_t xid, uint8_t* out);
Result<PacketIn> decode_packet_in(std::span<const uint8_t> msg);

// Writes a PACKET_IN carrying data into out without allocating. Returns the
// length, or 0 if it does not fit in out or in 65535 bytes.
size_t encode_packet_in(std::span<uint8_t> out, uint32_t xid, uint32_t buffer_id, uint16_t total_len,
                        uint16_t in_port, PacketInReason reason, std::span<const uint8_t> data);

}  // namespace ofkit::of
