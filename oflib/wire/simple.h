#pragma once
// The messages with no or opaque bodies: OFPT_HELLO, OFPT_ECHO_REQUEST,
// OFPT_ECHO_REPLY, OFPT_VENDOR, OFPT_BARRIER_REQUEST, OFPT_BARRIER_REPLY.
//
// Every message family header follows the same pattern (used by message.h):
//   size_t wire_len(const X&);                         whole message, header included
//   void encode_to(const X&, uint32_t xid, uint8_t* out);  writes wire_len(x) bytes
//   Result<X> decode_x(std::span<const uint8_t> msg);  msg is exactly one whole message;
//       checks version, type, length field against msg.size(), sizes, every field.

#include <cstdint>
#include <span>
#include <vector>

#include "oflib/wire/errors.h"

namespace ofkit::of {

// OFPT_HELLO. OF1.0 defines no body; bytes after the header are kept (later
// versions put hello elements there). Decoding accepts any version >= 1 so a
// peer speaking a newer version can be answered (negotiation picks 0x01);
// the version itself is in the header (parse_header).
struct Hello {
  std::vector<uint8_t> body;
  friend bool operator==(const Hello&, const Hello&) = default;
};

// OFPT_ECHO_REQUEST / OFPT_ECHO_REPLY: arbitrary data, echoed back.
struct EchoRequest {
  std::vector<uint8_t> data;
  friend bool operator==(const EchoRequest&, const EchoRequest&) = default;
};
struct EchoReply {
  std::vector<uint8_t> data;
  friend bool operator==(const EchoReply&, const EchoReply&) = default;
};

// OFPT_VENDOR: ofp_vendor_header (header + 32-bit vendor id) and opaque data.
// Decoding succeeds for any vendor; a switch that does not know it replies
// OFPBRC_BAD_VENDOR.
struct Vendor {
  uint32_t vendor = 0;
  std::vector<uint8_t> data;
  friend bool operator==(const Vendor&, const Vendor&) = default;
};
inline constexpr size_t kVendorHeaderLen = 12;  // sizeof(struct ofp_vendor_header)

// OFPT_BARRIER_REQUEST / OFPT_BARRIER_REPLY: header only.
struct BarrierRequest {
  friend bool operator==(const BarrierRequest&, const BarrierRequest&) = default;
};
struct BarrierReply {
  friend bool operator==(const BarrierReply&, const BarrierReply&) = default;
};

size_t wire_len(const Hello& m);
size_t wire_len(const EchoRequest& m);
size_t wire_len(const EchoReply& m);
size_t wire_len(const Vendor& m);
size_t wire_len(const BarrierRequest& m);
size_t wire_len(const BarrierReply& m);
void encode_to(const Hello& m, uint32_t xid, uint8_t* out);
void encode_to(const EchoRequest& m, uint32_t xid, uint8_t* out);
void encode_to(const EchoReply& m, uint32_t xid, uint8_t* out);
void encode_to(const Vendor& m, uint32_t xid, uint8_t* out);
void encode_to(const BarrierRequest& m, uint32_t xid, uint8_t* out);
void encode_to(const BarrierReply& m, uint32_t xid, uint8_t* out);
Result<Hello> decode_hello(std::span<const uint8_t> msg);
Result<EchoRequest> decode_echo_request(std::span<const uint8_t> msg);
Result<EchoReply> decode_echo_reply(std::span<const uint8_t> msg);
Result<Vendor> decode_vendor(std::span<const uint8_t> msg);
Result<BarrierRequest> decode_barrier_request(std::span<const uint8_t> msg);
Result<BarrierReply> decode_barrier_reply(std::span<const uint8_t> msg);

// The ECHO_REPLY for an ECHO_REQUEST, written straight into out without
// allocation: same xid and data, type changed. Returns the length, or 0 if
// request is not a valid ECHO_REQUEST or out is too small.
size_t encode_echo_reply_for(std::span<const uint8_t> request, std::span<uint8_t> out);

}  // namespace ofkit::of
