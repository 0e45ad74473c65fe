#include "oflib/wire/flow_mod.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {

Result<FlowModView> FlowModView::parse(std::span<const uint8_t> msg, const ActionDecodeOptions& opts) {
  if (auto r = detail::check_message(msg, MsgType::kFlowMod); !r) return fail(r.error());
  auto n = validate_actions(msg.subspan(kFlowModLen), opts);
  if (!n) return fail(n.error());
  if (load_be16(msg.data() + 56) > static_cast<uint16_t>(FlowModCommand::kDeleteStrict))
    return fail(Ofperr::kFlowModFailedBadCommand);
  return FlowModView(msg.data(), msg.size(), *n);
}

FlowMod FlowModView::value() const {
  FlowMod m;
  m.match = match();
  m.cookie = cookie();
  m.command = command();
  m.idle_timeout = idle_timeout();
  m.hard_timeout = hard_timeout();
  m.priority = priority();
  m.buffer_id = buffer_id();
  m.out_port = out_port();
  m.flags = flags();
  m.actions.reserve(n_actions_);
  for (ActionCursor c = actions(); !c.done(); c.advance()) m.actions.push_back(c.value());
  return m;
}

size_t wire_len(const FlowMod& m) { return kFlowModLen + actions_wire_len(m.actions); }

void encode_to(const FlowMod& m, uint32_t xid, uint8_t* out) {
  const size_t alen = encode_actions(m.actions, out + kFlowModLen);
  encode_header(out, MsgType::kFlowMod, static_cast<uint16_t>(kFlowModLen + alen), xid);
  encode_match(m.match, out + 8);
  store_be64(out + 48, m.cookie);
  store_be16(out + 56, static_cast<uint16_t>(m.command));
  store_be16(out + 58, m.idle_timeout);
  store_be16(out + 60, m.hard_timeout);
  store_be16(out + 62, m.priority);
  store_be32(out + 64, m.buffer_id);
  store_be16(out + 68, m.out_port);
  store_be16(out + 70, m.flags);
}

Result<FlowMod> decode_flow_mod(std::span<const uint8_t> msg, const ActionDecodeOptions& opts) {
  auto v = FlowModView::parse(msg, opts);
  if (!v) return fail(v.error());
  return v->value();
}

size_t wire_len(const FlowRemoved&) { return kFlowRemovedLen; }

void encode_to(const FlowRemoved& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kFlowRemoved, kFlowRemovedLen, xid);
  encode_match(m.match, out + 8);
  store_be64(out + 48, m.cookie);
  store_be16(out + 56, m.priority);
  out[58] = static_cast<uint8_t>(m.reason);
  out[59] = 0;
  store_be32(out + 60, m.duration_sec);
  store_be32(out + 64, m.duration_nsec);
  store_be16(out + 68, m.idle_timeout);
  detail::store_zero(out + 70, 2);
  store_be64(out + 72, m.packet_count);
  store_be64(out + 80, m.byte_count);
}

Result<FlowRemoved> decode_flow_removed(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kFlowRemoved); !r) return fail(r.error());
  const uint8_t* in = msg.data();
  FlowRemoved m;
  m.match = decode_match(in + 8);
  m.cookie = load_be64(in + 48);
  m.priority = load_be16(in + 56);
  m.reason = static_cast<FlowRemovedReason>(in[58]);
  m.duration_sec = load_be32(in + 60);
  m.duration_nsec = load_be32(in + 64);
  m.idle_timeout = load_be16(in + 68);
  m.packet_count = load_be64(in + 72);
  m.byte_count = load_be64(in + 80);
  return m;
}

}  // namespace ofkit::of
