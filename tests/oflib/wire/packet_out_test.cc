// OFPT_PACKET_OUT: golden bytes, the view, actions_len and action errors.
#include "oflib/wire/packet_out.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;

// buffer_id OFP_NO_BUFFER, in_port 1, actions_len 8, output:FLOOD, 16 data bytes.
const char* kGolden =
    "01 0d 0028 00000007 | ffffffff | 0001 | 0008 |"
    "0000 0008 fffb 0000 |"
    "ffffffffffff 000000000001 0806 0001";

TEST(PacketOut, Golden) {
  PacketOut p{kNoBuffer, 1, {ActionOutput{port::kFlood, 0}}, hex("ffffffffffff 000000000001 0806 0001")};
  expect_golden(p, 7, hex(kGolden));
}

TEST(PacketOut, BufferedWithNoActionsAndNoData) {
  expect_golden(PacketOut{0x55, port::kNone, {}, {}}, 8, hex("01 0d 0010 00000008 00000055 ffff 0000"));
}

TEST(PacketOut, View) {
  const auto b = hex(kGolden);
  auto v = PacketOutView::parse(b);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->xid(), 7u);
  EXPECT_EQ(v->buffer_id(), kNoBuffer);
  EXPECT_EQ(v->in_port(), 1);
  EXPECT_EQ(v->actions_len(), 8);
  EXPECT_EQ(v->action_count(), 1u);
  auto c = v->actions();
  EXPECT_EQ(c.type(), ActionType::kOutput);
  EXPECT_EQ(c.port(), port::kFlood);
  c.advance();
  EXPECT_TRUE(c.done());
  EXPECT_EQ(v->data().size(), 16u);
  EXPECT_EQ(v->data().data(), b.data() + 24);
}

TEST(PacketOut, ActionsLenErrors) {
  // actions_len past the end of the message.
  EXPECT_EQ(decode_packet_out(hex("01 0d 0018 00000007 ffffffff 0001 0010 0000 0008 fffb 0000")).error(),
            Ofperr::kBadRequestBadLen);
  // actions_len not a multiple of 8.
  EXPECT_EQ(decode_packet_out(hex("01 0d 0018 00000007 ffffffff 0001 0004 0000 0008 fffb 0000")).error(),
            Ofperr::kBadRequestBadLen);
  // The action itself is checked.
  EXPECT_EQ(decode_packet_out(hex("01 0d 0018 00000007 ffffffff 0001 0008 0000 0008 0000 0000")).error(),
            Ofperr::kBadActionBadOutPort);
  EXPECT_EQ(decode_packet_out(hex("01 0d 0018 00000007 ffffffff 0001 0008 0015 0008 0000 0000")).error(),
            Ofperr::kBadActionBadType);
  EXPECT_EQ(decode_packet_out(hex("01 0d 0018 00000007 ffffffff 0001 0008 0000 0010 0001 0000")).error(),
            Ofperr::kBadActionBadLen);
  EXPECT_EQ(decode_packet_out(hex("01 0d 000f 00000007 ffffffff 0001 00")).error(),
            Ofperr::kBadRequestBadLen);
}

}  // namespace
}  // namespace ofkit::of
