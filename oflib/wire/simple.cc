#include "oflib/wire/simple.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {
namespace {

// Header followed by opaque bytes.
void encode_opaque(MsgType type, std::span<const uint8_t> body, uint32_t xid, uint8_t* out) {
  encode_header(out, type, static_cast<uint16_t>(kHeaderLen + body.size()), xid);
  detail::store_bytes(out + kHeaderLen, body);
}

Result<std::vector<uint8_t>> decode_opaque(std::span<const uint8_t> msg, MsgType type) {
  if (auto r = detail::check_message(msg, type); !r) return fail(r.error());
  return std::vector<uint8_t>(msg.begin() + kHeaderLen, msg.end());
}

}  // namespace

size_t wire_len(const Hello& m) { return kHeaderLen + m.body.size(); }
size_t wire_len(const EchoRequest& m) { return kHeaderLen + m.data.size(); }
size_t wire_len(const EchoReply& m) { return kHeaderLen + m.data.size(); }
size_t wire_len(const Vendor& m) { return kVendorHeaderLen + m.data.size(); }
size_t wire_len(const BarrierRequest&) { return kHeaderLen; }
size_t wire_len(const BarrierReply&) { return kHeaderLen; }

void encode_to(const Hello& m, uint32_t xid, uint8_t* out) {
  encode_opaque(MsgType::kHello, m.body, xid, out);
}
void encode_to(const EchoRequest& m, uint32_t xid, uint8_t* out) {
  encode_opaque(MsgType::kEchoRequest, m.data, xid, out);
}
void encode_to(const EchoReply& m, uint32_t xid, uint8_t* out) {
  encode_opaque(MsgType::kEchoReply, m.data, xid, out);
}
void encode_to(const Vendor& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kVendor, static_cast<uint16_t>(wire_len(m)), xid);
  store_be32(out + 8, m.vendor);
  detail::store_bytes(out + kVendorHeaderLen, m.data);
}
void encode_to(const BarrierRequest&, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kBarrierRequest, kHeaderLen, xid);
}
void encode_to(const BarrierReply&, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kBarrierReply, kHeaderLen, xid);
}

Result<Hello> decode_hello(std::span<const uint8_t> msg) {
  auto b = decode_opaque(msg, MsgType::kHello);
  if (!b) return fail(b.error());
  return Hello{std::move(*b)};
}
Result<EchoRequest> decode_echo_request(std::span<const uint8_t> msg) {
  auto b = decode_opaque(msg, MsgType::kEchoRequest);
  if (!b) return fail(b.error());
  return EchoRequest{std::move(*b)};
}
Result<EchoReply> decode_echo_reply(std::span<const uint8_t> msg) {
  auto b = decode_opaque(msg, MsgType::kEchoReply);
  if (!b) return fail(b.error());
  return EchoReply{std::move(*b)};
}
Result<Vendor> decode_vendor(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kVendor); !r) return fail(r.error());
  Vendor v;
  v.vendor = load_be32(msg.data() + 8);
  v.data.assign(msg.begin() + kVendorHeaderLen, msg.end());
  return v;
}
Result<BarrierRequest> decode_barrier_request(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kBarrierRequest); !r) return fail(r.error());
  return BarrierRequest{};
}
Result<BarrierReply> decode_barrier_reply(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kBarrierReply); !r) return fail(r.error());
  return BarrierReply{};
}

size_t encode_echo_reply_for(std::span<const uint8_t> request, std::span<uint8_t> out) {
  if (!detail::check_message(request, MsgType::kEchoRequest)) return 0;
  if (out.size() < request.size()) return 0;
  std::memcpy(out.data(), request.data(), request.size());
  out[1] = static_cast<uint8_t>(MsgType::kEchoReply);
  return request.size();
}

}  // namespace ofkit::of
