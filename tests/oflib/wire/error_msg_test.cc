// OFPT_ERROR: golden bytes, the 64-byte copy of the offending message.
#include "oflib/wire/error_msg.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;
using test::to_hex;

TEST(ErrorMsg, Golden) {
  // OFPET_BAD_REQUEST (1) / OFPBRC_BAD_LEN (6) for a 9-byte FEATURES_REQUEST.
  const auto offending = hex("01 05 0009 00000011");
  const ErrorMsg e = make_error(Ofperr::kBadRequestBadLen, offending);
  expect_golden(e, 0x11, hex("01 01 0014 00000011 | 0001 0006 | 01 05 0009 00000011"));
  EXPECT_EQ(e.error(), Ofperr::kBadRequestBadLen);
}

TEST(ErrorMsg, BufferUnknownForAPacketOut) {
  // A PACKET_OUT naming buffer 0x42 that the switch does not hold:
  // OFPET_BAD_REQUEST (1) / OFPBRC_BUFFER_UNKNOWN (8), with the request.
  const auto po = hex("01 0d 0018 00000005 00000042 0001 0008 0000 0008 fffb 0000");
  EXPECT_EQ(
      test::to_hex(encode_error_reply(Ofperr::kBadRequestBufferUnknown, po)),
      test::to_hex(hex("01 01 0024 00000005 0001 0008 | 01 0d 0018 00000005 00000042 0001 0008 0000 0008 "
                       "fffb 0000")));
}

TEST(ErrorMsg, HelloFailedCarriesText) {
  ErrorMsg e{0, 0, {'v', '1', '.', '0'}};  // OFPET_HELLO_FAILED / OFPHFC_INCOMPATIBLE
  expect_golden(e, 0, hex("01 01 0010 00000000 | 0000 0000 | 76312e30"));
  EXPECT_EQ(e.error(), Ofperr::kHelloFailedIncompatible);
}

TEST(ErrorMsg, UnknownPairsSurviveDecoding) {
  auto e = decode_error(hex("01 01 000c 00000001 0009 0063"));
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, 9);
  EXPECT_EQ(e->code, 0x63);
  EXPECT_FALSE(e->error().has_value());
  EXPECT_EQ(decode_error(hex("01 01 000b 00000001 0009 00")).error(), Ofperr::kBadRequestBadLen);
}

TEST(ErrorMsg, ReplyCarriesTheFirst64BytesAndTheXid) {
  std::vector<uint8_t> flow_mod(100);
  for (size_t i = 0; i < flow_mod.size(); ++i) flow_mod[i] = static_cast<uint8_t>(i);
  flow_mod[0] = 1;
  flow_mod[1] = 14;
  flow_mod[2] = 0;
  flow_mod[3] = 100;
  flow_mod[4] = 0xde, flow_mod[5] = 0xad, flow_mod[6] = 0xbe, flow_mod[7] = 0xef;
  uint8_t out[kMaxErrorReplyLen];
  const size_t n = encode_error_reply(Ofperr::kBadActionBadOutPort, flow_mod, out);
  ASSERT_EQ(n, 76u);
  EXPECT_EQ(to_hex(std::span<const uint8_t>(out, 12)), to_hex(hex("01 01 004c deadbeef 0002 0004")));
  EXPECT_EQ(0, std::memcmp(out + 12, flow_mod.data(), 64));
  auto dec = decode_error(std::span<const uint8_t>(out, n));
  ASSERT_TRUE(dec);
  EXPECT_EQ(dec->error(), Ofperr::kBadActionBadOutPort);
  EXPECT_EQ(dec->data.size(), 64u);

  // Shorter offending messages are copied whole; too small a buffer gives 0.
  const auto hello = hex("05 00 0008 00000003");
  const auto v = encode_error_reply(Ofperr::kBadRequestBadVersion, hello);
  EXPECT_EQ(to_hex(v), to_hex(hex("01 01 0014 00000003 0001 0000 05 00 0008 00000003")));
  EXPECT_EQ(encode_error_reply(Ofperr::kBadRequestBadLen, flow_mod, std::span<uint8_t>(out, 75)), 0u);
  // A fragment shorter than a header: xid 0.
  const auto frag = encode_error_reply(Ofperr::kBadRequestBadLen, hex("01 00 00"));
  EXPECT_EQ(to_hex(frag), to_hex(hex("01 01 000f 00000000 0001 0006 010000")));
}

}  // namespace
}  // namespace ofkit::of
