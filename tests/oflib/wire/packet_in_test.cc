// OFPT_PACKET_IN: golden bytes, the zero-copy view, the allocation-free encoder.
#include "oflib/wire/packet_in.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;
using test::to_hex;

// buffer_id 0x100, total_len 60, in_port 1, OFPR_NO_MATCH, pad, then the
// first 14 bytes of a broadcast ARP frame.
const char* kGolden =
    "01 0a 0020 00000042 | 00000100 | 003c | 0001 | 00 | 00 |"
    "ffffffffffff 000000000001 0806";

TEST(PacketIn, Golden) {
  const std::vector<uint8_t> frame = hex("ffffffffffff 000000000001 0806");
  PacketIn p{0x100, 60, 1, PacketInReason::kNoMatch, frame};
  expect_golden(p, 0x42, hex(kGolden));
}

TEST(PacketIn, ViewReadsEveryField) {
  const auto b = hex(kGolden);
  auto v = PacketInView::parse(b);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->xid(), 0x42u);
  EXPECT_EQ(v->buffer_id(), 0x100u);
  EXPECT_EQ(v->total_len(), 60);
  EXPECT_EQ(v->in_port(), 1);
  EXPECT_EQ(v->reason(), PacketInReason::kNoMatch);
  ASSERT_EQ(v->data().size(), 14u);
  EXPECT_EQ(v->data().data(), b.data() + 18);  // zero copy
  EXPECT_EQ(v->data()[12], 0x08);
}

TEST(PacketIn, MinimumIsEighteenBytes) {
  // sizeof(struct ofp_packet_in) is 20 with trailing padding, but data
  // starts at offset 18: an 18-byte PACKET_IN has empty data.
  const auto b = hex("01 0a 0012 00000001 ffffffff 0000 0003 01 00");  // a view does not own its bytes
  auto v = PacketInView::parse(b);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->buffer_id(), kNoBuffer);
  EXPECT_EQ(v->reason(), PacketInReason::kAction);
  EXPECT_TRUE(v->data().empty());
  EXPECT_EQ(PacketInView::parse(hex("01 0a 0011 00000001 ffffffff 0000 0003 01")).error(),
            Ofperr::kBadRequestBadLen);
}

TEST(PacketIn, AllocationFreeEncoder) {
  const auto frame = hex("ffffffffffff 000000000001 0806");
  uint8_t out[64];
  const size_t n = encode_packet_in(out, 0x42, 0x100, 60, 1, PacketInReason::kNoMatch, frame);
  ASSERT_EQ(n, 32u);
  EXPECT_EQ(to_hex(std::span<const uint8_t>(out, n)), to_hex(hex(kGolden)));
  EXPECT_EQ(encode_packet_in(std::span<uint8_t>(out, 31), 1, 1, 1, 1, PacketInReason::kNoMatch, frame), 0u);
  std::vector<uint8_t> huge(70000);
  std::vector<uint8_t> big_out(80000);
  EXPECT_EQ(encode_packet_in(big_out, 1, 1, 1, 1, PacketInReason::kNoMatch, huge), 0u);
}

}  // namespace
}  // namespace ofkit::of
