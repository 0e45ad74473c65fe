#pragma once
// Internal helpers shared by the message family decoders and encoders (not
// part of the public API).

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>

#include "oflib/common/byte_order.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"
#include "oflib/wire/message_table.h"

namespace ofkit::of::detail {

// Checks one whole message of the given type: >= 8 bytes, length field ==
// msg.size(), version 0x01, the type byte, and the table's size rules.
inline Result<void> check_message(std::span<const uint8_t> msg, MsgType type) {
  if (msg.size() < kHeaderLen) return fail(Ofperr::kBadRequestBadLen);
  if (load_be16(msg.data() + 2) != msg.size()) return fail(Ofperr::kBadRequestBadLen);
  if (msg[0] != kVersion && !(type == MsgType::kHello && msg[0] > kVersion))
    return fail(Ofperr::kBadRequestBadVersion);
  if (msg[1] != static_cast<uint8_t>(type)) return fail(Ofperr::kBadRequestBadType);
  const MsgInfo& info = msg_info(type);
  if (msg.size() < info.min_len || (info.fixed_len && msg.size() != info.min_len))
    return fail(Ofperr::kBadRequestBadLen);
  return {};
}

// Fixed-size, NUL-padded string fields (port and table names, descriptions).
inline void store_str(uint8_t* out, size_t field_len, std::string_view s) {
  const size_t n = std::min(s.size(), field_len - 1);
  std::memcpy(out, s.data(), n);
  std::memset(out + n, 0, field_len - n);
}
inline std::string load_str(const uint8_t* in, size_t field_len) {
  const void* nul = std::memchr(in, 0, field_len);
  const size_t n = nul ? static_cast<size_t>(static_cast<const uint8_t*>(nul) - in) : field_len;
  return std::string(reinterpret_cast<const char*>(in), n);
}

inline void store_zero(uint8_t* out, size_t n) { std::memset(out, 0, n); }
inline void store_bytes(uint8_t* out, std::span<const uint8_t> b) {
  if (!b.empty()) std::memcpy(out, b.data(), b.size());
}

}  // namespace ofkit::of::detail
