#pragma once
// struct ofp_header: the 8 bytes in front of every OpenFlow message, and a
// transaction id counter.
//
// parse_header() only checks what a framer can check (8 bytes present, length
// field >= 8); version, type and the length against the bytes present are
// checked by the message decoders (message.h), which return the OFPT_ERROR a
// switch would send.

#include <cstdint>
#include <span>

#include "oflib/common/byte_order.h"
#include "oflib/wire/constants.h"
#include "oflib/wire/errors.h"

namespace ofkit::of {

struct Header {
  uint8_t version = kVersion;
  MsgType type = MsgType::kHello;
  uint16_t length = kHeaderLen;
  uint32_t xid = 0;
  friend bool operator==(const Header&, const Header&) = default;
};

// Reads the header of bytes (which may hold more than one message).
// Fails with OFPBRC_BAD_LEN if fewer than 8 bytes are present or the length
// field is below 8. Does not check version or type.
Result<Header> parse_header(std::span<const uint8_t> bytes);

// Reads the header fields without any check; p must point at 8 bytes.
inline Header read_header(const uint8_t* p) {
  return Header{p[0], static_cast<MsgType>(p[1]), load_be16(p + 2), load_be32(p + 4)};
}

// Writes an ofp_header (version 0x01) at out[0..8).
inline void encode_header(uint8_t* out, MsgType type, uint16_t length, uint32_t xid) {
  out[0] = kVersion;
  out[1] = static_cast<uint8_t>(type);
  store_be16(out + 2, length);
  store_be32(out + 4, xid);
}
inline void encode_header(uint8_t* out, const Header& h) {
  out[0] = h.version;
  out[1] = static_cast<uint8_t>(h.type);
  store_be16(out + 2, h.length);
  store_be32(out + 4, h.xid);
}

// Hands out transaction ids for one connection (not thread-safe: a connection
// belongs to one thread). Skips 0 so that "no xid" stays recognisable.
class XidCounter {
 public:
  explicit XidCounter(uint32_t first = 1) : next_(first == 0 ? 1 : first) {}
  uint32_t next() {
    const uint32_t x = next_++;
    if (next_ == 0) next_ = 1;
    return x;
  }

 private:
  uint32_t next_;
};

}  // namespace ofkit::of
