#pragma once
// The PacketIns an emulated switch sends, built once before the run.
//
// Each is a whole OFPT_PACKET_IN (reason OFPR_NO_MATCH) carrying a 60-byte
// Ethernet/IPv4/UDP frame. Switch s owns hosts 0..macs-1, host h has MAC
// host_mac(s, h) and sits on port 1 + h % ports. Template t comes from host
// t % macs and goes to another of the switch's hosts, varied with t (as
// cbench does), on another port when there is one, so a learning controller
// learns every source and, once the destination is known, installs a flow.
//
// Sending one is a memcpy of the template plus stamp_packet_in(): the id goes
// into the xid, the buffer_id and a tag inside the frame's UDP payload (so
// an unbuffered PACKET_OUT that echoes the frame can be matched to it).

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "oflib/common/byte_order.h"
#include "oflib/packet/addr.h"

namespace ofkit::bench {

inline constexpr size_t kFrameLen = 60;
inline constexpr size_t kFrameTagOffset = 42;           // UDP payload: "OFBN" then the id
inline constexpr uint32_t kFrameTagMagic = 0x4f46424e;  // "OFBN"
inline constexpr size_t kPacketInDataOffset = 18;       // offsetof(struct ofp_packet_in, data)

// 02:xx:ss:ss:hh:hh (locally administered, unicast): unique per (switch, host)
// for up to 65536 switches and 65536 hosts each.
MacAddr host_mac(uint32_t switch_index, uint32_t host);
uint16_t host_port(uint32_t host, uint16_t ports);

struct PacketInTemplates {
  std::vector<uint8_t> bytes;  // count messages of msg_len bytes, back to back
  size_t msg_len = 0;
  size_t count = 0;
  const uint8_t* at(size_t i) const { return bytes.data() + (i % count) * msg_len; }
};

// count templates (at least macs, so every host is a source) for one switch.
PacketInTemplates build_packet_ins(uint32_t switch_index, uint32_t macs, uint16_t ports, size_t count);

// Writes id into a PacketIn copied from a template: xid, buffer_id, frame tag.
inline void stamp_packet_in(uint8_t* msg, uint32_t id) {
  store_be32(msg + 4, id);
  store_be32(msg + 8, id);
  store_be32(msg + kPacketInDataOffset + kFrameTagOffset + 4, id);
}

// The id inside one of our frames (e.g. a PACKET_OUT's data), if it is one.
inline std::optional<uint32_t> frame_tag(std::span<const uint8_t> frame) {
  if (frame.size() < kFrameTagOffset + 8) return std::nullopt;
  if (load_be32(frame.data() + kFrameTagOffset) != kFrameTagMagic) return std::nullopt;
  return load_be32(frame.data() + kFrameTagOffset + 4);
}

}  // namespace ofkit::bench
