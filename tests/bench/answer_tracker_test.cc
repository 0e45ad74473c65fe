// Counting controller responses once per PacketIn answered.
#include "bench/ofbench/answer_tracker.h"

#include <gtest/gtest.h>

namespace ofkit::bench {
namespace {

constexpr uint32_t kNoBuffer = 0xffffffff;

TEST(AnswerTracker, IdsSkipZeroAndNoBuffer) {
  AnswerTracker t(16);
  EXPECT_EQ(t.next_id(), 1u);
  EXPECT_EQ(t.next_id(), 2u);
}

TEST(AnswerTracker, FlowModAndPacketOutForOnePacketInCountOnce) {
  AnswerTracker t(16);
  const uint32_t id = t.next_id();
  t.sent(id, 1000);
  const AnswerResult a = t.on_response(ResponseKind::kFlowMod, id, 77, std::nullopt, 1500);
  EXPECT_TRUE(a.answered);
  EXPECT_EQ(a.rtt_ns, 500u);
  const AnswerResult b = t.on_response(ResponseKind::kPacketOut, id, 78, std::nullopt, 1600);
  EXPECT_FALSE(b.answered);
  EXPECT_EQ(t.answered(), 1u);
  EXPECT_EQ(t.flow_mods(), 1u);
  EXPECT_EQ(t.packet_outs(), 1u);
  EXPECT_EQ(t.extra(), 1u);
  EXPECT_EQ(t.outstanding(), 0u);
}

TEST(AnswerTracker, UnbufferedPacketOutMatchedByFrameTag) {
  AnswerTracker t(16);
  const uint32_t id1 = t.next_id(), id2 = t.next_id();
  t.sent(id1, 0);
  t.sent(id2, 0);
  // FLOW_MOD without a buffer and an unrelated xid: a message, not an answer.
  EXPECT_FALSE(t.on_response(ResponseKind::kFlowMod, kNoBuffer, 9999, std::nullopt, 10).answered);
  // PACKET_OUT carrying the frame of PacketIn id2.
  EXPECT_TRUE(t.on_response(ResponseKind::kPacketOut, kNoBuffer, 9999, id2, 10).answered);
  EXPECT_EQ(t.answered(), 1u);
  EXPECT_EQ(t.outstanding(), 1u);
  EXPECT_EQ(t.flow_mods(), 1u);
  EXPECT_EQ(t.packet_outs(), 1u);
}

TEST(AnswerTracker, UnbufferedFlowModMatchedByEchoedXid) {
  AnswerTracker t(16);
  const uint32_t id = t.next_id();
  t.sent(id, 0);
  EXPECT_TRUE(t.on_response(ResponseKind::kFlowMod, kNoBuffer, id, std::nullopt, 5).answered);
  EXPECT_EQ(t.answered(), 1u);
}

TEST(AnswerTracker, BufferIdWinsOverXid) {
  AnswerTracker t(16);
  const uint32_t a = t.next_id(), b = t.next_id();
  t.sent(a, 0);
  t.sent(b, 0);
  // buffer_id names b while the xid happens to equal a: b is answered.
  EXPECT_TRUE(t.on_response(ResponseKind::kFlowMod, b, a, std::nullopt, 1).answered);
  EXPECT_TRUE(t.on_response(ResponseKind::kFlowMod, a, 0, std::nullopt, 1).answered);
  EXPECT_EQ(t.answered(), 2u);
}

TEST(AnswerTracker, UnknownIdIsExtra) {
  AnswerTracker t(16);
  t.sent(t.next_id(), 0);
  EXPECT_FALSE(t.on_response(ResponseKind::kFlowMod, 12345, 0, std::nullopt, 1).answered);
  EXPECT_EQ(t.extra(), 1u);
  EXPECT_EQ(t.outstanding(), 1u);
}

TEST(AnswerTracker, OverwrittenSlotIsLostAndItsIdNoLongerMatches) {
  AnswerTracker t(4);  // ring of 4
  uint32_t first = 0;
  for (int i = 0; i < 5; ++i) {
    const uint32_t id = t.next_id();
    if (i == 0) first = id;
    t.sent(id, 0);
  }
  EXPECT_EQ(t.outstanding(), 4u);  // the first was overwritten by the fifth
  EXPECT_EQ(t.lost(), 1u);
  EXPECT_FALSE(t.on_response(ResponseKind::kFlowMod, first, 0, std::nullopt, 1).answered);
  EXPECT_EQ(t.sent_count(), 5u);
}

TEST(AnswerTracker, ExpireAllForgetsOutstanding) {
  AnswerTracker t(8);
  const uint32_t a = t.next_id();
  t.sent(a, 0);
  t.sent(t.next_id(), 0);
  EXPECT_EQ(t.expire_all(), 2u);
  EXPECT_EQ(t.outstanding(), 0u);
  EXPECT_EQ(t.lost(), 2u);
  EXPECT_FALSE(t.on_response(ResponseKind::kPacketOut, a, 0, std::nullopt, 1).answered);
}

}  // namespace
}  // namespace ofkit::bench
