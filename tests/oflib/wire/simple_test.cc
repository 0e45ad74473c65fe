// OFPT_HELLO, OFPT_ECHO_REQUEST/REPLY, OFPT_VENDOR, OFPT_BARRIER_REQUEST/REPLY.
#include "oflib/wire/simple.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;

TEST(Simple, HelloGolden) {
  expect_golden(Hello{}, 1, hex("01 00 0008 00000001"));
  auto h = decode_hello(hex("01 00 0008 00000001"));
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->body.empty());
}

TEST(Simple, HelloFromANewerVersionIsAccepted) {
  // An OF1.3 switch's HELLO with a version-bitmap element: negotiation
  // needs the header, the body is kept opaque.
  const auto b = hex("04 00 0010 00000005 | 0001 0008 00000012");
  auto m = decode_message(b);
  ASSERT_TRUE(m);
  EXPECT_EQ(std::get<Hello>(*m).body.size(), 8u);
  EXPECT_EQ(parse_header(b)->version, 4);
  // Version 0 is not OpenFlow at all.
  EXPECT_EQ(decode_message(hex("00 00 0008 00000005")).error(), Ofperr::kBadRequestBadVersion);
}

TEST(Simple, EchoGolden) {
  expect_golden(EchoRequest{{'a', 'b', 'c', 'd'}}, 0x0a, hex("01 02 000c 0000000a 61626364"));
  expect_golden(EchoReply{{'a', 'b', 'c', 'd'}}, 0x0a, hex("01 03 000c 0000000a 61626364"));
  expect_golden(EchoRequest{}, 0xfffffffe, hex("01 02 0008 fffffffe"));
}

TEST(Simple, EchoReplyForARequestWithoutAllocation) {
  const auto req = hex("01 02 000c 0000002a 01020304");
  uint8_t out[64];
  const size_t n = encode_echo_reply_for(req, out);
  ASSERT_EQ(n, 12u);
  EXPECT_EQ(test::to_hex(std::span<const uint8_t>(out, n)),
            test::to_hex(hex("01 03 000c 0000002a 01020304")));
  EXPECT_EQ(encode_echo_reply_for(req, std::span<uint8_t>(out, 11)), 0u);
  EXPECT_EQ(encode_echo_reply_for(hex("01 03 000c 0000002a 01020304"), out), 0u);  // not a request
}

TEST(Simple, VendorGolden) {
  // Nicira (0x00002320) NXT_SET_FLOW_FORMAT-like body.
  expect_golden(Vendor{0x00002320, {0, 0, 0, 0x0c, 0, 0, 0, 2}}, 7,
                hex("01 04 0014 00000007 | 00002320 | 0000000c 00000002"));
  auto v = decode_vendor(hex("01 04 000c 00000007 00002320"));
  ASSERT_TRUE(v);
  EXPECT_EQ(v->vendor, 0x2320u);
  EXPECT_TRUE(v->data.empty());
  EXPECT_EQ(decode_vendor(hex("01 04 000b 00000007 002320")).error(), Ofperr::kBadRequestBadLen);
}

TEST(Simple, BarrierGolden) {
  expect_golden(BarrierRequest{}, 0x99, hex("01 12 0008 00000099"));
  expect_golden(BarrierReply{}, 0x99, hex("01 13 0008 00000099"));
  // Header-only messages are fixed-length.
  EXPECT_EQ(decode_barrier_request(hex("01 12 0009 00000099 00")).error(), Ofperr::kBadRequestBadLen);
  EXPECT_EQ(decode_barrier_reply(hex("01 12 0008 00000099")).error(), Ofperr::kBadRequestBadType);
}

}  // namespace
}  // namespace ofkit::of
