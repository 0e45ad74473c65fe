#include "oflib/wire/packet_in.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {

Result<PacketInView> PacketInView::parse(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kPacketIn); !r) return fail(r.error());
  return PacketInView(msg.data(), msg.size());
}

PacketIn PacketInView::value() const {
  const auto d = data();
  return PacketIn{buffer_id(), total_len(), in_port(), reason(), std::vector<uint8_t>(d.begin(), d.end())};
}

size_t wire_len(const PacketIn& m) { return kPacketInLen + m.data.size(); }

namespace {
void write_packet_in(uint8_t* out, size_t len, uint32_t xid, uint32_t buffer_id, uint16_t total_len,
                     uint16_t in_port, PacketInReason reason, std::span<const uint8_t> data) {
  encode_header(out, MsgType::kPacketIn, static_cast<uint16_t>(len), xid);
  store_be32(out + 8, buffer_id);
  store_be16(out + 12, total_len);
  store_be16(out + 14, in_port);
  out[16] = static_cast<uint8_t>(reason);
  out[17] = 0;
  detail::store_bytes(out + kPacketInLen, data);
}
}  // namespace

void encode_to(const PacketIn& m, uint32_t xid, uint8_t* out) {
  write_packet_in(out, wire_len(m), xid, m.buffer_id, m.total_len, m.in_port, m.reason, m.data);
}

Result<PacketIn> decode_packet_in(std::span<const uint8_t> msg) {
  auto v = PacketInView::parse(msg);
  if (!v) return fail(v.error());
  return v->value();
}

size_t encode_packet_in(std::span<uint8_t> out, uint32_t xid, uint32_t buffer_id, uint16_t total_len,
                        uint16_t in_port, PacketInReason reason, std::span<const uint8_t> data) {
  const size_t len = kPacketInLen + data.size();
  if (len > kMaxMsgLen || len > out.size()) return 0;
  write_packet_in(out.data(), len, xid, buffer_id, total_len, in_port, reason, data);
  return len;
}

}  // namespace ofkit::of
