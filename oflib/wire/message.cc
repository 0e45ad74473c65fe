#include "oflib/wire/message.h"

#include "oflib/wire/layout.h"  // compile-time checks of every wire size and offset against the spec
#include "oflib/wire/message_table.h"

namespace ofkit::of {
namespace {

template <typename T>
Result<Message> wrap(Result<T>&& r) {
  if (!r) return fail(r.error());
  return Message(std::in_place_type<T>, std::move(*r));
}

}  // namespace

Result<Message> decode_message(std::span<const uint8_t> msg, const ActionDecodeOptions& opts) {
  if (msg.size() < kHeaderLen || load_be16(msg.data() + 2) != msg.size())
    return fail(Ofperr::kBadRequestBadLen);
  const uint8_t version = msg[0];
  const uint8_t type = msg[1];
  if (version != kVersion && !(type == static_cast<uint8_t>(MsgType::kHello) && version > kVersion))
    return fail(Ofperr::kBadRequestBadVersion);
  if (!is_known_type(type)) return fail(Ofperr::kBadRequestBadType);
  switch (static_cast<MsgType>(type)) {
    case MsgType::kHello:
      return wrap(decode_hello(msg));
    case MsgType::kError:
      return wrap(decode_error(msg));
    case MsgType::kEchoRequest:
      return wrap(decode_echo_request(msg));
    case MsgType::kEchoReply:
      return wrap(decode_echo_reply(msg));
    case MsgType::kVendor:
      return wrap(decode_vendor(msg));
    case MsgType::kFeaturesRequest:
      return wrap(decode_features_request(msg));
    case MsgType::kFeaturesReply:
      return wrap(decode_features_reply(msg));
    case MsgType::kGetConfigRequest:
      return wrap(decode_get_config_request(msg));
    case MsgType::kGetConfigReply:
      return wrap(decode_get_config_reply(msg));
    case MsgType::kSetConfig:
      return wrap(decode_set_config(msg));
    case MsgType::kPacketIn:
      return wrap(decode_packet_in(msg));
    case MsgType::kFlowRemoved:
      return wrap(decode_flow_removed(msg));
    case MsgType::kPortStatus:
      return wrap(decode_port_status(msg));
    case MsgType::kPacketOut:
      return wrap(decode_packet_out(msg, opts));
    case MsgType::kFlowMod:
      return wrap(decode_flow_mod(msg, opts));
    case MsgType::kPortMod:
      return wrap(decode_port_mod(msg));
    case MsgType::kStatsRequest:
      return wrap(decode_stats_request(msg));
    case MsgType::kStatsReply:
      return wrap(decode_stats_reply(msg));
    case MsgType::kBarrierRequest:
      return wrap(decode_barrier_request(msg));
    case MsgType::kBarrierReply:
      return wrap(decode_barrier_reply(msg));
    case MsgType::kQueueGetConfigRequest:
      return wrap(decode_queue_get_config_request(msg));
    case MsgType::kQueueGetConfigReply:
      return wrap(decode_queue_get_config_reply(msg));
  }
  return fail(Ofperr::kBadRequestBadType);
}

Result<DecodedMessage> decode(std::span<const uint8_t> msg, const ActionDecodeOptions& opts) {
  auto m = decode_message(msg, opts);
  if (!m) return fail(m.error());
  return DecodedMessage{read_header(msg.data()), std::move(*m)};
}

std::optional<Ofperr> switch_rejects(const Message& m) {
  if (std::holds_alternative<Vendor>(m)) return Ofperr::kBadRequestBadVendor;
  if (const auto* s = std::get_if<StatsRequest>(&m); s && std::holds_alternative<VendorStats>(s->body))
    return Ofperr::kBadRequestBadVendor;
  if (msg_info(message_type(m)).sender == Sender::kSwitch) return Ofperr::kBadRequestBadType;
  return std::nullopt;
}

size_t message_wire_len(const Message& m) {
  return std::visit([](const auto& x) { return wire_len(x); }, m);
}

size_t encode_message_into(const Message& m, uint32_t xid, std::span<uint8_t> out) {
  return std::visit(
      [&](const auto& x) -> size_t {
        const size_t len = wire_len(x);
        if (len > kMaxMsgLen || len > out.size()) return 0;
        encode_to(x, xid, out.data());
        return len;
      },
      m);
}

std::vector<uint8_t> encode_message(const Message& m, uint32_t xid) {
  const size_t len = message_wire_len(m);
  if (len > kMaxMsgLen) return {};
  std::vector<uint8_t> out(len);
  encode_message_into(m, xid, out);
  return out;
}

}  // namespace ofkit::of
