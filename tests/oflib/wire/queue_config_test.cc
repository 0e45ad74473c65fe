// OFPT_QUEUE_GET_CONFIG_REQUEST / OFPT_QUEUE_GET_CONFIG_REPLY.
#include "oflib/wire/queue_config.h"

#include <gtest/gtest.h>

#include "tests/oflib/wire/wire_test_util.h"

namespace ofkit::of {
namespace {

using test::expect_golden;
using test::hex;

TEST(QueueConfig, RequestGolden) {
  expect_golden(QueueGetConfigRequest{1}, 0x31, hex("01 14 000c 00000031 | 0001 | 0000"));
  EXPECT_EQ(decode_queue_get_config_request(hex("01 14 000c 00000031 0000 0000")).error(),
            Ofperr::kQueueOpFailedBadPort);
  EXPECT_EQ(decode_queue_get_config_request(hex("01 14 000c 00000031 fffc 0000")).error(),
            Ofperr::kQueueOpFailedBadPort);
  EXPECT_TRUE(decode_queue_get_config_request(hex("01 14 000c 00000031 ff00 0000")));
}

TEST(QueueConfig, ReplyGolden) {
  QueueGetConfigReply r{
      1, {PacketQueue{1, {QueuePropMinRate{500}}}, PacketQueue{2, {}}, PacketQueue{3, {QueuePropNone{}}}}};
  expect_golden(
      r, 0x31,
      hex("01 15 0040 00000031 | 0001 | 000000000000 |"
          "00000001 0018 0000 | 0001 0010 00000000 | 01f4 000000000000 |"  // queue 1, min_rate 50.0%
          "00000002 0008 0000 |"                                           // queue 2, no properties
          "00000003 0010 0000 | 0000 0008 00000000"));                     // queue 3, OFPQT_NONE
}

TEST(QueueConfig, ReplyErrors) {
  // Queue length past the end.
  EXPECT_EQ(
      decode_queue_get_config_reply(hex("01 15 0018 00000031 0001 000000000000 00000002 0010 0000")).error(),
      Ofperr::kBadRequestBadLen);
  // Queue length below 8.
  EXPECT_EQ(
      decode_queue_get_config_reply(hex("01 15 0018 00000031 0001 000000000000 00000002 0004 0000")).error(),
      Ofperr::kBadRequestBadLen);
  // MIN_RATE property with length 8.
  EXPECT_EQ(decode_queue_get_config_reply(
                hex("01 15 0020 00000031 0001 000000000000 00000002 0010 0000 0001 0008 00000000"))
                .error(),
            Ofperr::kBadRequestBadLen);
  // Unknown property.
  EXPECT_EQ(decode_queue_get_config_reply(
                hex("01 15 0020 00000031 0001 000000000000 00000002 0010 0000 0007 0008 00000000"))
                .error(),
            Ofperr::kBadRequestBadType);
  // Trailing bytes that are not a queue.
  EXPECT_EQ(decode_queue_get_config_reply(hex("01 15 0014 00000031 0001 000000000000 00000002")).error(),
            Ofperr::kBadRequestBadLen);
}

}  // namespace
}  // namespace ofkit::of
