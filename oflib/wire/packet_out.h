#pragma once
// OFPT_PACKET_OUT (struct ofp_packet_out): header, buffer_id, in_port,
// actions_len, the actions, then the frame data (meaningful only when
// buffer_id is OFP_NO_BUFFER, i.e. 0xffffffff).
//
// Validation: length field == bytes, >= 16; actions_len past the end of the
// message or not a multiple of 8 -> OFPBRC_BAD_LEN; every action as in
// actions.h. Whether buffer_id names a live buffer (OFPBRC_BUFFER_UNKNOWN)
// only the switch can tell.

#include <cstdint>
#include <span>
#include <vector>

#include "oflib/common/byte_order.h"
#include "oflib/wire/action.h"
#include "oflib/wire/actions.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

inline constexpr size_t kPacketOutLen = 16;  // sizeof(struct ofp_packet_out)

struct PacketOut {
  uint32_t buffer_id = kNoBuffer;
  uint16_t in_port = port::kNone;
  ActionList actions;
  std::vector<uint8_t> data;
  friend bool operator==(const PacketOut&, const PacketOut&) = default;
};

class PacketOutView {
 public:
  static Result<PacketOutView> parse(std::span<const uint8_t> msg, const ActionDecodeOptions& opts = {});

  uint32_t xid() const { return load_be32(p_ + 4); }
  uint32_t buffer_id() const { return load_be32(p_ + 8); }
  uint16_t in_port() const { return load_be16(p_ + 12); }
  uint16_t actions_len() const { return load_be16(p_ + 14); }
  std::span<const uint8_t> action_bytes() const { return {p_ + kPacketOutLen, actions_len()}; }
  ActionCursor actions() const { return ActionCursor(action_bytes()); }
  size_t action_count() const { return n_actions_; }
  std::span<const uint8_t> data() const {
    const size_t off = kPacketOutLen + actions_len();
    return {p_ + off, len_ - off};
  }
  PacketOut value() const;

 private:
  PacketOutView(const uint8_t* p, size_t len, size_t n) : p_(p), len_(len), n_actions_(n) {}
  const uint8_t* p_;
  size_t len_;
  size_t n_actions_;
};

size_t wire_len(const PacketOut& m);
void encode_to(const PacketOut& m, uint32_t xid, uint8_t* out);
Result<PacketOut> decode_packet_out(std::span<const uint8_t> msg, const ActionDecodeOptions& opts = {});

}  // namespace ofkit::of
