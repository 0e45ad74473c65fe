#include "oflib/wire/queue_config.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {
namespace {

size_t prop_len(const QueueProp& p) {
  return std::holds_alternative<QueuePropMinRate>(p) ? kQueuePropMinRateLen : kQueuePropHeaderLen;
}

size_t queue_len(const PacketQueue& q) {
  size_t n = kPacketQueueLen;
  for (const auto& p : q.properties) n += prop_len(p);
  return n;
}

Result<PacketQueue> decode_queue(std::span<const uint8_t> q) {
  PacketQueue out;
  out.queue_id = load_be32(q.data());
  auto props = q.subspan(kPacketQueueLen);
  while (!props.empty()) {
    if (props.size() < kQueuePropHeaderLen) return fail(Ofperr::kBadRequestBadLen);
    const uint16_t type = load_be16(props.data());
    const uint16_t len = load_be16(props.data() + 2);
    if (len < kQueuePropHeaderLen || len > props.size()) return fail(Ofperr::kBadRequestBadLen);
    switch (static_cast<QueueProperty>(type)) {
      case QueueProperty::kNone:
        if (len != kQueuePropHeaderLen) return fail(Ofperr::kBadRequestBadLen);
        out.properties.push_back(QueuePropNone{});
        break;
      case QueueProperty::kMinRate:
        if (len != kQueuePropMinRateLen) return fail(Ofperr::kBadRequestBadLen);
        out.properties.push_back(QueuePropMinRate{load_be16(props.data() + 8)});
        break;
      default:
        return fail(Ofperr::kBadRequestBadType);
    }
    props = props.subspan(len);
  }
  return out;
}

}  // namespace

size_t wire_len(const QueueGetConfigRequest&) { return kQueueGetConfigRequestLen; }
size_t wire_len(const QueueGetConfigReply& m) {
  size_t n = kQueueGetConfigReplyLen;
  for (const auto& q : m.queues) n += queue_len(q);
  return n;
}

void encode_to(const QueueGetConfigRequest& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kQueueGetConfigRequest, kQueueGetConfigRequestLen, xid);
  store_be16(out + 8, m.port);
  detail::store_zero(out + 10, 2);
}

void encode_to(const QueueGetConfigReply& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kQueueGetConfigReply, static_cast<uint16_t>(wire_len(m)), xid);
  store_be16(out + 8, m.port);
  detail::store_zero(out + 10, 6);
  uint8_t* p = out + kQueueGetConfigReplyLen;
  for (const auto& q : m.queues) {
    store_be32(p, q.queue_id);
    store_be16(p + 4, static_cast<uint16_t>(queue_len(q)));
    detail::store_zero(p + 6, 2);
    p += kPacketQueueLen;
    for (const auto& prop : q.properties) {
      const size_t len = prop_len(prop);
      detail::store_zero(p, len);
      store_be16(p + 2, static_cast<uint16_t>(len));
      if (const auto* mr = std::get_if<QueuePropMinRate>(&prop)) {
        store_be16(p, static_cast<uint16_t>(QueueProperty::kMinRate));
        store_be16(p + 8, mr->rate);
      } else {
        store_be16(p, static_cast<uint16_t>(QueueProperty::kNone));
      }
      p += len;
    }
  }
}

Result<QueueGetConfigRequest> decode_queue_get_config_request(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kQueueGetConfigRequest); !r) return fail(r.error());
  const uint16_t port = load_be16(msg.data() + 8);
  if (port == 0 || port > port::kMax) return fail(Ofperr::kQueueOpFailedBadPort);
  return QueueGetConfigRequest{port};
}

Result<QueueGetConfigReply> decode_queue_get_config_reply(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kQueueGetConfigReply); !r) return fail(r.error());
  QueueGetConfigReply m;
  m.port = load_be16(msg.data() + 8);
  auto rest = msg.subspan(kQueueGetConfigReplyLen);
  while (!rest.empty()) {
    if (rest.size() < kPacketQueueLen) return fail(Ofperr::kBadRequestBadLen);
    const uint16_t len = load_be16(rest.data() + 4);
    if (len < kPacketQueueLen || len > rest.size() || (len & 7) != 0) return fail(Ofperr::kBadRequestBadLen);
    auto q = decode_queue(rest.first(len));
    if (!q) return fail(q.error());
    m.queues.push_back(std::move(*q));
    rest = rest.subspan(len);
  }
  return m;
}

}  // namespace ofkit::of
