#include "oflib/wire/error_msg.h"

#include "oflib/wire/codec.h"
#include "oflib/wire/header.h"

namespace ofkit::of {

ErrorMsg make_error(Ofperr err, std::span<const uint8_t> offending) {
  ErrorMsg m;
  m.type = ofperr_type(err);
  m.code = ofperr_code(err);
  const size_t n = std::min(offending.size(), kErrorDataMinCopy);
  m.data.assign(offending.begin(), offending.begin() + static_cast<std::ptrdiff_t>(n));
  return m;
}

size_t wire_len(const ErrorMsg& m) { return kErrorMsgLen + m.data.size(); }

void encode_to(const ErrorMsg& m, uint32_t xid, uint8_t* out) {
  encode_header(out, MsgType::kError, static_cast<uint16_t>(wire_len(m)), xid);
  store_be16(out + 8, m.type);
  store_be16(out + 10, m.code);
  detail::store_bytes(out + kErrorMsgLen, m.data);
}

Result<ErrorMsg> decode_error(std::span<const uint8_t> msg) {
  if (auto r = detail::check_message(msg, MsgType::kError); !r) return fail(r.error());
  ErrorMsg m;
  m.type = load_be16(msg.data() + 8);
  m.code = load_be16(msg.data() + 10);
  m.data.assign(msg.begin() + kErrorMsgLen, msg.end());
  return m;
}

size_t encode_error_reply(Ofperr err, std::span<const uint8_t> offending_msg, std::span<uint8_t> out) {
  const size_t n = std::min(offending_msg.size(), kErrorDataMinCopy);
  const size_t len = kErrorMsgLen + n;
  if (out.size() < len) return 0;
  const uint32_t xid = offending_msg.size() >= kHeaderLen ? load_be32(offending_msg.data() + 4) : 0;
  encode_header(out.data(), MsgType::kError, static_cast<uint16_t>(len), xid);
  store_be16(out.data() + 8, ofperr_type(err));
  store_be16(out.data() + 10, ofperr_code(err));
  detail::store_bytes(out.data() + kErrorMsgLen, offending_msg.first(n));
  return len;
}

std::vector<uint8_t> encode_error_reply(Ofperr err, std::span<const uint8_t> offending_msg) {
  std::vector<uint8_t> out(kMaxErrorReplyLen);
  out.resize(encode_error_reply(err, offending_msg, std::span<uint8_t>(out)));
  return out;
}

}  // namespace ofkit::of
