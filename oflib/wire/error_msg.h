#pragma once
// OFPT_ERROR (struct ofp_error_msg: header, type, code, data).
//
// For OFPET_BAD_REQUEST, OFPET_BAD_ACTION, OFPET_FLOW_MOD_FAILED,
// OFPET_PORT_MOD_FAILED and OFPET_QUEUE_OP_FAILED the data holds the start
// of the offending message (OF1.0: "at least 64 bytes of the failed
// request"); for OFPET_HELLO_FAILED an ASCII explanation.

#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "oflib/wire/errors.h"

namespace ofkit::of {

inline constexpr size_t kErrorMsgLen = 12;       // sizeof(struct ofp_error_msg)
inline constexpr size_t kErrorDataMinCopy = 64;  // bytes of the offending message kept

struct ErrorMsg {
  uint16_t type = 0;  // enum ofp_error_type (kept raw: peers may send values we do not know)
  uint16_t code = 0;
  std::vector<uint8_t> data;

  // The (type, code) as an Ofperr, or nullopt for a pair the spec does not define.
  std::optional<Ofperr> error() const { return ofperr_from_wire(type, code); }
  friend bool operator==(const ErrorMsg&, const ErrorMsg&) = default;
};

// The ERROR a switch sends for err: data is the first
// min(offending.size(), 64) bytes of the offending message.
ErrorMsg make_error(Ofperr err, std::span<const uint8_t> offending);

size_t wire_len(const ErrorMsg& m);
void encode_to(const ErrorMsg& m, uint32_t xid, uint8_t* out);
Result<ErrorMsg> decode_error(std::span<const uint8_t> msg);

// Allocation-free error reply: the xid is the offending message's (0 if it
// is shorter than a header), data its first min(size, 64) bytes. Returns the
// length written, or 0 if out is too small (76 bytes always suffice).
size_t encode_error_reply(Ofperr err, std::span<const uint8_t> offending_msg, std::span<uint8_t> out);
inline constexpr size_t kMaxErrorReplyLen = kErrorMsgLen + kErrorDataMinCopy;
// The same, as a new buffer.
std::vector<uint8_t> encode_error_reply(Ofperr err, std::span<const uint8_t> offending_msg);

}  // namespace ofkit::of
