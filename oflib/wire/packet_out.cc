#include "oflib/wire/packet_out.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {

Result<PacketOutView> PacketOutView::parse(std::span<const uint8_t> msg, const ActionDecodeOptions& opts) {
  if (auto r = detail::check_message(msg, MsgType::kPacketOut); !r) return fail(r.error());
  const uint16_t actions_len = load_be16(msg.data() + 14);
  if (actions_len > msg.size() - kPacketOutLen || (actions_len & 7) != 0)
    return fail(Ofperr::kBadRequestBadLen);
  auto n = validate_actions(msg.subspan(kPacketOutLen, actions_len), opts);
  if (!n) return fail(n.error());
  return PacketOutView(msg.data(), msg.size(), *n);
}

PacketOut PacketOutView::value() const {
  PacketOut m;
  m.buffer_id = buffer_id();
  m.in_port = in_port();
  m.actions.reserve(n_actions_);
  for (ActionCursor c = actions(); !c.done(); c.advance()) m.actions.push_back(c.value());
  const auto d = data();
  m.data.assign(d.begin(), d.end());
  return m;
}

size_t wire_len(const PacketOut& m) { return kPacketOutLen + actions_wire_len(m.actions) + m.data.size(); }

void encode_to(const PacketOut& m, uint32_t xid, uint8_t* out) {
  const size_t alen = encode_actions(m.actions, out + kPacketOutLen);
  encode_header(out, MsgType::kPacketOut, static_cast<uint16_t>(kPacketOutLen + alen + m.data.size()), xid);
  store_be32(out + 8, m.buffer_id);
  store_be16(out + 12, m.in_port);
  store_be16(out + 14, static_cast<uint16_t>(alen));
  detail::store_bytes(out + kPacketOutLen + alen, m.data);
}

Result<PacketOut> decode_packet_out(std::span<const uint8_t> msg, const ActionDecodeOptions& opts) {
  auto v = PacketOutView::parse(msg, opts);
  if (!v) return fail(v.error());
  return v->value();
}

}  // namespace ofkit::of
